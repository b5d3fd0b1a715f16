// Name normalisation: folding, titles and suffixes, first given name, nicknames, placeholders.
// Identifiers, dates and derived elements are in normalise_identifiers_test.cc.

#include "agent/normalise.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::IsEmpty;
using ::testing::Optional;

const PersonNormaliser kPlain;  // built-in rules only, no recipe

v1::LinkageRecipe RecipeWithNicknames() {
  v1::LinkageRecipe recipe;
  v1::Nickname* william = recipe.add_nicknames();
  william->set_name("william");
  for (const char* variant : {"bill", "billy", "will", "liam"}) {
    william->add_variants(variant);
  }
  v1::Nickname* margaret = recipe.add_nicknames();
  margaret->set_name("margaret");
  margaret->add_variants("peggy");
  return recipe;
}

TEST(FoldNameWordsTest, SplitsOnNonLettersAndKeepsApostrophesInsideWords) {
  EXPECT_THAT(FoldNameWords("  Mary-Ann   O'Neill, Jr. "),
              ElementsAre("mary", "ann", "oneill", "jr"));
  EXPECT_THAT(FoldNameWords("St.John"), ElementsAre("st", "john"));
  EXPECT_THAT(FoldNameWords("-- ?? 42"), IsEmpty());
}

TEST(NormaliseSurnameTest, FoldsLatin1Accents) {
  EXPECT_THAT(kPlain.Surname("Siobh\xc3\xa1n"), Optional(Eq("siobhan")));        // Siobhán
  EXPECT_THAT(kPlain.Surname("Zo\xc3\xab"), Optional(Eq("zoe")));                // Zoë
  EXPECT_THAT(kPlain.Surname("Ren\xc3\xa9\x65"), Optional(Eq("renee")));         // Renée
  EXPECT_THAT(kPlain.Surname("M\xc3\xbcller"), Optional(Eq("muller")));          // Müller
  EXPECT_THAT(kPlain.Surname("\xc3\x89owyn"), Optional(Eq("eowyn")));            // Éowyn
  EXPECT_THAT(kPlain.Surname("Fran\xc3\xa7ois"), Optional(Eq("francois")));      // François
  EXPECT_THAT(kPlain.Surname("N\xc3\xba\xc3\xb1\x65z"), Optional(Eq("nunez")));  // Núñez
  EXPECT_THAT(kPlain.Surname("\xc3\x98ster"), Optional(Eq("oster")));            // Øster
  EXPECT_THAT(kPlain.Surname("\xc3\xbf"), Optional(Eq("y")));                    // ÿ
}

TEST(NormaliseSurnameTest, FoldsLatinExtendedALetters) {
  EXPECT_THAT(kPlain.Surname("\xc5\x81ukasz"), Optional(Eq("lukasz")));          // Łukasz
  EXPECT_THAT(kPlain.Surname("Micha\xc5\x82"), Optional(Eq("michal")));          // Michał
  EXPECT_THAT(kPlain.Surname("\xc5\x9aliwa"), Optional(Eq("sliwa")));            // Śliwa
  EXPECT_THAT(kPlain.Surname("\xc4\x8c\x61pek"), Optional(Eq("capek")));         // Čapek
  EXPECT_THAT(kPlain.Surname("Erd\xc5\x91s"), Optional(Eq("erdos")));            // Erdős
  EXPECT_THAT(kPlain.Surname("\xc5\xbdi\xc5\xbe\x65k"), Optional(Eq("zizek")));  // Žižek
  EXPECT_THAT(kPlain.Surname("A\xc4\x9f\x63\x61"), Optional(Eq("agca")));        // Ağca
  EXPECT_THAT(kPlain.Surname("Dvo\xc5\x99\xc3\xa1k"), Optional(Eq("dvorak")));   // Dvořák
  EXPECT_THAT(kPlain.Surname("\xc4\xb0\x62rahim"), Optional(Eq("ibrahim")));     // İbrahim
  EXPECT_THAT(kPlain.Surname("Ma\xc4\x8d"
                             "ek"),
              Optional(Eq("macek")));  // Maček
  EXPECT_THAT(kPlain.Surname("\xc4\x90or\xc4\x91\x65vi\xc4\x87"), Optional(Eq("dordevic")));
  EXPECT_THAT(kPlain.Surname("\xc8\x98tefan"), Optional(Eq("stefan")));  // Ștefan (comma below)
}

TEST(NormaliseSurnameTest, LigaturesAndSharpSFoldToTwoLetters) {
  EXPECT_THAT(kPlain.Surname("Strau\xc3\x9f"), Optional(Eq("strauss")));     // Strauß
  EXPECT_THAT(kPlain.Surname("\xc3\x86thel"), Optional(Eq("aethel")));       // Æthel
  EXPECT_THAT(kPlain.Surname("\xc3\x9e\xc3\xb3ra"), Optional(Eq("thora")));  // Þóra
  EXPECT_THAT(kPlain.Surname("C\xc5\x93ur"), Optional(Eq("coeur")));         // Cœur
}

TEST(NormaliseSurnameTest, DecomposedAccentsFoldLikeComposedOnes) {
  // "e" followed by U+0301 COMBINING ACUTE ACCENT.
  EXPECT_EQ(kPlain.Surname("Rene\xcc\x81\x65"), kPlain.Surname("Ren\xc3\xa9\x65"));
}

TEST(NormaliseSurnameTest, AccentedAndPlainSpellingsAgree) {
  EXPECT_EQ(kPlain.Surname("Siobh\xc3\xa1n"), kPlain.Surname("SIOBHAN"));
  EXPECT_EQ(kPlain.Surname("Zo\xc3\xab"), kPlain.Surname("Zoe"));
}

TEST(NormaliseSurnameTest, RemovesCaseApostrophesHyphensSpacesAndPunctuation) {
  EXPECT_THAT(kPlain.Surname("O'Neill"), Optional(Eq("oneill")));
  EXPECT_THAT(kPlain.Surname("O\xe2\x80\x99Neill"), Optional(Eq("oneill")));  // ’
  EXPECT_THAT(kPlain.Surname("O`Neill"), Optional(Eq("oneill")));
  EXPECT_THAT(kPlain.Surname("Smith-Jones"), Optional(Eq("smithjones")));
  EXPECT_EQ(kPlain.Surname("Smith-Jones"), kPlain.Surname("Smith Jones"));
  EXPECT_EQ(kPlain.Surname("Smith-Jones"), kPlain.Surname("  smith    JONES "));
  EXPECT_EQ(kPlain.Surname("Smith-Jones"), kPlain.Surname("Smith\xe2\x80\x93Jones"));  // en dash
  EXPECT_EQ(kPlain.Surname("Smith-Jones"), kPlain.Surname("Smith\xc2\xa0Jones"));      // NBSP
  EXPECT_THAT(kPlain.Surname("St. John"), Optional(Eq("stjohn")));
  EXPECT_THAT(kPlain.Surname("Mary-Ann (Annie)"), Optional(Eq("maryannannie")));
}

TEST(NormaliseSurnameTest, DigitsAreNotPartOfNames) {
  EXPECT_THAT(kPlain.Surname("Smith2"), Optional(Eq("smith")));
  EXPECT_EQ(kPlain.Surname("12345"), absl::nullopt);
}

TEST(NormaliseSurnameTest, MalformedUtf8IsSkippedSafely) {
  EXPECT_THAT(kPlain.Surname("Zo\xc3"), Optional(Eq("zo")));
  EXPECT_THAT(kPlain.Surname("Ab\xff\x63"), Optional(Eq("abc")));
  EXPECT_EQ(kPlain.Surname("\xc3"), absl::nullopt);
  EXPECT_EQ(kPlain.Surname("\xe2\x80"), absl::nullopt);
}

TEST(NormaliseSurnameTest, LettersOutsideLatinScriptAreDropped) {
  EXPECT_EQ(kPlain.Surname("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"), absl::nullopt);  // Иван
  EXPECT_THAT(kPlain.Surname("\xd0\x98 Smith"), Optional(Eq("smith")));
}

TEST(NormaliseForenameTest, FirstGivenNameOnly) {
  EXPECT_THAT(kPlain.Forename("John Paul"), Optional(Eq("john")));
  EXPECT_THAT(kPlain.Forename("  JOHN   PAUL  "), Optional(Eq("john")));
  EXPECT_THAT(kPlain.Forename("Mary-Ann"), Optional(Eq("mary")));
  EXPECT_EQ(kPlain.Forename("Mary-Ann"), kPlain.Forename("Mary Ann"));
  EXPECT_THAT(kPlain.Forename("D'Arcy James"), Optional(Eq("darcy")));
  EXPECT_THAT(kPlain.Forename("J. R."), Optional(Eq("j")));  // an initial is still a name
}

// Every title, in either field, with or without a full stop.
class TitleTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TitleTest, IsDroppedFromTheStartOfEitherField) {
  const std::string title = GetParam();
  EXPECT_THAT(kPlain.Forename(title + " Anna Maria"), Optional(Eq("anna")));
  EXPECT_THAT(kPlain.Forename(title + ". Anna"), Optional(Eq("anna")));
  EXPECT_THAT(kPlain.Surname(title + " Smith"), Optional(Eq("smith")));
  EXPECT_THAT(kPlain.Surname(title + ".Smith-Jones"), Optional(Eq("smithjones")));
  // A field holding only a title holds no name.
  EXPECT_EQ(kPlain.Forename(title), absl::nullopt);
  EXPECT_EQ(kPlain.Surname(title + "."), absl::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Titles, TitleTest,
                         ::testing::Values("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Rev",
                                           "Sir", "Dame", "Master", "MR", "dr", "Revd", "Professor",
                                           "Doctor"));

class SuffixTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SuffixTest, IsDroppedFromTheEndOfEitherField) {
  const std::string suffix = GetParam();
  EXPECT_THAT(kPlain.Surname("Smith " + suffix), Optional(Eq("smith")));
  EXPECT_THAT(kPlain.Surname("Smith, " + suffix + "."), Optional(Eq("smith")));
  EXPECT_THAT(kPlain.Forename("John " + suffix), Optional(Eq("john")));
  EXPECT_EQ(kPlain.Surname(suffix), absl::nullopt);
}

INSTANTIATE_TEST_SUITE_P(Suffixes, SuffixTest,
                         ::testing::Values("Jr", "Jnr", "Sr", "Snr", "II", "III", "IV", "JNR"));

TEST(NormaliseNameTest, TitlesAndSuffixesTogether) {
  EXPECT_THAT(kPlain.Forename("Rev. Dr John Paul"), Optional(Eq("john")));
  EXPECT_THAT(kPlain.Surname("Mr Smith Jnr III"), Optional(Eq("smith")));
}

TEST(NormaliseNameTest, TitleAndSuffixWordsInsideNamesAreKept) {
  EXPECT_THAT(kPlain.Forename("Drew"), Optional(Eq("drew")));
  EXPECT_THAT(kPlain.Forename("Missy"), Optional(Eq("missy")));
  EXPECT_THAT(kPlain.Forename("Ivy"), Optional(Eq("ivy")));
  EXPECT_THAT(kPlain.Surname("Masters"), Optional(Eq("masters")));
  EXPECT_THAT(kPlain.Surname("Sirr"), Optional(Eq("sirr")));
  // Only leading titles and trailing suffixes go.
  EXPECT_THAT(kPlain.Surname("Jones Mr"), Optional(Eq("jonesmr")));
  EXPECT_THAT(kPlain.Surname("Jr Smith"), Optional(Eq("jrsmith")));
}

TEST(NormaliseNameTest, NicknamesMapToTheCanonicalForename) {
  const PersonNormaliser normaliser(RecipeWithNicknames());
  EXPECT_THAT(normaliser.Forename("Bill"), Optional(Eq("william")));
  EXPECT_THAT(normaliser.Forename("BILLY"), Optional(Eq("william")));
  EXPECT_THAT(normaliser.Forename("Mr Will Henry"), Optional(Eq("william")));
  EXPECT_THAT(normaliser.Forename("William"), Optional(Eq("william")));
  EXPECT_THAT(normaliser.Forename("Peggy-Sue"), Optional(Eq("margaret")));
  EXPECT_THAT(normaliser.Forename("Willow"), Optional(Eq("willow")));
  // The table is for forenames only, and without a recipe there is none.
  EXPECT_THAT(normaliser.Surname("Bill"), Optional(Eq("bill")));
  EXPECT_THAT(kPlain.Forename("Bill"), Optional(Eq("bill")));
}

class PlaceholderNameTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PlaceholderNameTest, IsMissingInEitherField) {
  EXPECT_EQ(kPlain.Forename(GetParam()), absl::nullopt);
  EXPECT_EQ(kPlain.Surname(GetParam()), absl::nullopt);
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, PlaceholderNameTest,
                         ::testing::Values("", "   ", "-", "?", "'", "--", "Unknown", "UNKNOWN",
                                           "unknown ", "Unk", "N/A", "n/a", "NA", "None", "NULL",
                                           "Not Known", "not-known", "NK", "n.k.", "Not Stated",
                                           "NOT STATED", "Not Recorded", "TBC", "X", "XX", "xxx",
                                           "Xxxx", "zzz", "aaaa", "No Name", "Baby", "Infant",
                                           "Baby Boy", "Baby-Girl", "Anonymous", "Test",
                                           "Mr Unknown", "Unknown Jr"));

TEST(NormaliseNameTest, ForenameThatStartsWithAPlaceholderIsMissing) {
  EXPECT_EQ(kPlain.Forename("Baby Jane"), absl::nullopt);
  EXPECT_EQ(kPlain.Forename("Unknown Michael"), absl::nullopt);
}

TEST(NormaliseNameTest, RealNamesResemblingPlaceholdersSurvive) {
  EXPECT_THAT(kPlain.Forename("Nana"), Optional(Eq("nana")));
  EXPECT_THAT(kPlain.Surname("Noney"), Optional(Eq("noney")));
  EXPECT_THAT(kPlain.Surname("Nunn"), Optional(Eq("nunn")));
  EXPECT_THAT(kPlain.Surname("Babyface Unknowns"), Optional(Eq("babyfaceunknowns")));
  EXPECT_THAT(kPlain.Forename("Xander"), Optional(Eq("xander")));
}

TEST(NormaliseNameTest, RecipePlaceholderValuesAreMissingToo) {
  v1::LinkageRecipe recipe;
  recipe.add_placeholder_values("Not Given");
  recipe.add_placeholder_values("PERSON");
  const PersonNormaliser normaliser(recipe);
  EXPECT_EQ(normaliser.Forename("not-given"), absl::nullopt);
  EXPECT_EQ(normaliser.Surname("NOT GIVEN"), absl::nullopt);
  EXPECT_EQ(normaliser.Surname("Person"), absl::nullopt);
  EXPECT_THAT(kPlain.Surname("Person"), Optional(Eq("person")));
  EXPECT_THAT(normaliser.Surname("Persons"), Optional(Eq("persons")));
}

}  // namespace
}  // namespace confide::agent
