#include "agent/pseudonymiser.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

const std::string kKey(32, '\x42');
const std::string kOtherKey(32, '\x43');

v1::MatchKey Key(const std::string& id, std::vector<v1::PersonElement> elements) {
  v1::MatchKey key;
  key.set_id(id);
  for (v1::PersonElement element : elements) {
    key.add_elements(element);
  }
  return key;
}

// The recipe of the example policy.
v1::LinkageRecipe ExampleRecipe() {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("nhs", {v1::NHS_NUMBER});
  *recipe.add_match_keys() =
      Key("name_dob_sex", {v1::FORENAME, v1::SURNAME, v1::DATE_OF_BIRTH, v1::SEX});
  return recipe;
}

PersonElements FullPerson() {
  return {{v1::NHS_NUMBER, "9434765919"},
          {v1::FORENAME, "siobhan"},
          {v1::SURNAME, "oneill"},
          {v1::DATE_OF_BIRTH, "19900312"},
          {v1::SEX, "f"}};
}

std::vector<std::string> TokenBytes(const std::vector<v1::MatchToken>& tokens) {
  std::vector<std::string> bytes;
  for (const v1::MatchToken& token : tokens) {
    bytes.push_back(token.token());
  }
  return bytes;
}

TEST(PseudonymiserTest, OneThirtyTwoByteTokenPerCompleteMatchKey) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(FullPerson());
  ASSERT_THAT(tokens, SizeIs(2));
  EXPECT_EQ(tokens[0].key_id(), "nhs");
  EXPECT_EQ(tokens[1].key_id(), "name_dob_sex");
  for (const v1::MatchToken& token : tokens) {
    EXPECT_EQ(token.key_version(), "2026-1");
    EXPECT_EQ(token.token().size(), 32u);
  }
  EXPECT_NE(tokens[0].token(), tokens[1].token());
}

TEST(PseudonymiserTest, TokenIsKeyedHmacOfKeyIdNulAndValue) {
  // The token formula is part of the linkage protocol: every agency must compute the same bytes.
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("nhs", {v1::NHS_NUMBER});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens({{v1::NHS_NUMBER, "9434765919"}});
  ASSERT_THAT(tokens, SizeIs(1));
  EXPECT_EQ(tokens[0].token(),
            crypto::HmacSha256(kKey, absl::StrCat("nhs", std::string(1, '\0'), "9434765919")));
  EXPECT_NE(tokens[0].token(), crypto::Sha256("9434765919"));
}

TEST(PseudonymiserTest, DeterministicForAKey) {
  Pseudonymiser first(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser second(kKey, "2026-1", ExampleRecipe());
  std::vector<std::string> a = TokenBytes(first.Tokens(FullPerson()));
  EXPECT_EQ(a, TokenBytes(first.Tokens(FullPerson())));
  EXPECT_EQ(a, TokenBytes(second.Tokens(FullPerson())));
}

TEST(PseudonymiserTest, DifferentKeysGiveDifferentTokens) {
  Pseudonymiser a(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser b(kOtherKey, "2026-1", ExampleRecipe());
  std::vector<std::string> ta = TokenBytes(a.Tokens(FullPerson()));
  std::vector<std::string> tb = TokenBytes(b.Tokens(FullPerson()));
  ASSERT_THAT(ta, SizeIs(2));
  ASSERT_THAT(tb, SizeIs(2));
  EXPECT_NE(ta[0], tb[0]);
  EXPECT_NE(ta[1], tb[1]);
}

TEST(PseudonymiserTest, DifferentKeyIdsOverTheSameElementsGiveDifferentTokens) {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("nhs", {v1::NHS_NUMBER});
  *recipe.add_match_keys() = Key("nhs_copy", {v1::NHS_NUMBER});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens({{v1::NHS_NUMBER, "9434765919"}});
  ASSERT_THAT(tokens, SizeIs(2));
  EXPECT_NE(tokens[0].token(), tokens[1].token());
}

TEST(PseudonymiserTest, DifferentValuesGiveDifferentTokens) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  PersonElements other = FullPerson();
  other[v1::DATE_OF_BIRTH] = "19900313";
  std::vector<std::string> a = TokenBytes(pseudonymiser.Tokens(FullPerson()));
  std::vector<std::string> b = TokenBytes(pseudonymiser.Tokens(other));
  EXPECT_EQ(a[0], b[0]);  // same NHS number
  EXPECT_NE(a[1], b[1]);
}

TEST(PseudonymiserTest, ElementBoundariesMatter) {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("names", {v1::FORENAME, v1::SURNAME});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  std::vector<std::string> a =
      TokenBytes(pseudonymiser.Tokens({{v1::FORENAME, "ann"}, {v1::SURNAME, "ross"}}));
  std::vector<std::string> b =
      TokenBytes(pseudonymiser.Tokens({{v1::FORENAME, "anne"}, {v1::SURNAME, "ross"}}));
  std::vector<std::string> c =
      TokenBytes(pseudonymiser.Tokens({{v1::FORENAME, "an"}, {v1::SURNAME, "nross"}}));
  ASSERT_THAT(a, SizeIs(1));
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
}

TEST(PseudonymiserTest, MissingElementProducesNoToken) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  PersonElements no_sex = FullPerson();
  no_sex.erase(v1::SEX);
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(no_sex);
  ASSERT_THAT(tokens, SizeIs(1));
  EXPECT_EQ(tokens[0].key_id(), "nhs");

  PersonElements no_nhs = FullPerson();
  no_nhs.erase(v1::NHS_NUMBER);
  tokens = pseudonymiser.Tokens(no_nhs);
  ASSERT_THAT(tokens, SizeIs(1));
  EXPECT_EQ(tokens[0].key_id(), "name_dob_sex");
}

TEST(PseudonymiserTest, EmptyElementIsTreatedAsMissingNeverHashed) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  PersonElements empty_nhs = FullPerson();
  empty_nhs[v1::NHS_NUMBER] = "";
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(empty_nhs);
  ASSERT_THAT(tokens, SizeIs(1));
  EXPECT_EQ(tokens[0].key_id(), "name_dob_sex");
  // In particular, no token equals the HMAC of the key id with an empty value.
  EXPECT_NE(tokens[0].token(), crypto::HmacSha256(kKey, std::string("nhs\0", 4)));
}

TEST(PseudonymiserTest, NoElementsNoTokens) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  EXPECT_THAT(pseudonymiser.Tokens({}), IsEmpty());
  EXPECT_THAT(pseudonymiser.Tokens({{v1::NHS_NUMBER, ""}, {v1::FORENAME, ""}}), IsEmpty());
}

TEST(PseudonymiserTest, MatchKeyWithoutElementsProducesNoToken) {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("empty", {});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  EXPECT_THAT(pseudonymiser.Tokens(FullPerson()), IsEmpty());
}

TEST(PseudonymiserTest, RecordIdIsKeyedDeterministicAndPerDataset) {
  Pseudonymiser a(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser b(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser c(kOtherKey, "2026-1", ExampleRecipe());
  std::string id = a.RecordId("police_crime", "CR/2026/000123");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id, a.RecordId("police_crime", "CR/2026/000123"));
  EXPECT_EQ(id, b.RecordId("police_crime", "CR/2026/000123"));
  EXPECT_NE(id, c.RecordId("police_crime", "CR/2026/000123"));
  EXPECT_NE(id, a.RecordId("ed_attendance", "CR/2026/000123"));
  EXPECT_NE(id, a.RecordId("police_crime", "CR/2026/000124"));
  // The dataset/reference boundary is unambiguous.
  EXPECT_NE(a.RecordId("ab", "c"), a.RecordId("a", "bc"));
}

TEST(PseudonymiserTest, RecordIdDiffersFromEveryToken) {
  // Even when the source reference equals an identifier value, a record id must never be
  // joinable with a match token.
  v1::LinkageRecipe recipe = ExampleRecipe();
  *recipe.add_match_keys() = Key("police_crime", {v1::NHS_NUMBER});
  *recipe.add_match_keys() = Key("record", {v1::NHS_NUMBER});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(FullPerson());
  ASSERT_THAT(tokens, SizeIs(4));
  std::vector<std::string> ids = {
      pseudonymiser.RecordId("police_crime", "9434765919"),
      pseudonymiser.RecordId("nhs", "9434765919"),
      pseudonymiser.RecordId("", "9434765919"),
  };
  for (const std::string& id : ids) {
    for (const v1::MatchToken& token : tokens) {
      EXPECT_NE(id, token.token()) << token.key_id();
    }
    EXPECT_NE(id, crypto::HmacSha256(kKey, std::string("nhs\0"
                                                       "9434765919",
                                                       14)));
  }
}

TEST(PseudonymiserTest, BatchIdIsStableAndNamesTheDataset) {
  Pseudonymiser a(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser b(kKey, "2026-1", ExampleRecipe());
  std::string id = a.BatchId("police_crime", "rows 1-1000 of extract");
  EXPECT_THAT(id, MatchesRegex("police_crime\\.[0-9a-f]{32}"));
  EXPECT_EQ(id, a.BatchId("police_crime", "rows 1-1000 of extract"));
  EXPECT_EQ(id, b.BatchId("police_crime", "rows 1-1000 of extract"));
  EXPECT_NE(id, a.BatchId("police_crime", "rows 1-1000 of extract!"));
  std::string other_dataset = a.BatchId("ed_attendance", "rows 1-1000 of extract");
  EXPECT_NE(id.substr(id.find('.')), other_dataset.substr(other_dataset.find('.')));
  Pseudonymiser c(kOtherKey, "2026-1", ExampleRecipe());
  EXPECT_NE(id, c.BatchId("police_crime", "rows 1-1000 of extract"));
}

TEST(PseudonymiserTest, EveryTokenCarriesTheKeyVersion) {
  Pseudonymiser pseudonymiser(kKey, "2027-3", ExampleRecipe());
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(FullPerson());
  ASSERT_THAT(tokens, SizeIs(2));
  EXPECT_EQ(tokens[0].key_version(), "2027-3");
  EXPECT_EQ(tokens[1].key_version(), "2027-3");
}

TEST(PseudonymiserTest, SwappedForenameAndSurnameGiveTheSameToken) {
  Pseudonymiser pseudonymiser(kKey, "2026-1", ExampleRecipe());
  PersonElements swapped = FullPerson();
  swapped[v1::FORENAME] = "oneill";
  swapped[v1::SURNAME] = "siobhan";
  std::vector<v1::MatchToken> right = pseudonymiser.Tokens(FullPerson());
  std::vector<v1::MatchToken> wrong = pseudonymiser.Tokens(swapped);
  ASSERT_THAT(right, SizeIs(2));
  ASSERT_THAT(wrong, SizeIs(2));
  EXPECT_EQ(right[1].key_id(), "name_dob_sex");
  EXPECT_EQ(right[1].token(), wrong[1].token());
  // The names are taken in sorted order: "oneill" before "siobhan".
  EXPECT_EQ(right[1].token(),
            crypto::HmacSha256(kKey, absl::StrCat("name_dob_sex", std::string(1, '\0'),
                                                  "oneill|siobhan|19900312|f")));
}

TEST(PseudonymiserTest, OnlyKeysWithBothNamesSortThem) {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() = Key("forename_dob", {v1::FORENAME, v1::DATE_OF_BIRTH});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  PersonElements swapped = FullPerson();
  swapped[v1::FORENAME] = "oneill";
  swapped[v1::SURNAME] = "siobhan";
  EXPECT_NE(TokenBytes(pseudonymiser.Tokens(FullPerson())),
            TokenBytes(pseudonymiser.Tokens(swapped)));
}

TEST(PseudonymiserTest, DerivedElementsAreComputedFromTheNormalisedOnes) {
  v1::LinkageRecipe recipe;
  *recipe.add_match_keys() =
      Key("phonetic", {v1::SURNAME_PHONETIC, v1::FORENAME_INITIAL, v1::BIRTH_YEAR});
  *recipe.add_match_keys() = Key("district", {v1::POSTCODE_DISTRICT_OF_PERSON});
  Pseudonymiser pseudonymiser(kKey, "2026-1", recipe);
  std::vector<v1::MatchToken> tokens = pseudonymiser.Tokens(FullPerson());
  ASSERT_THAT(tokens, SizeIs(1));  // no postcode, so no district key
  EXPECT_EQ(
      tokens[0].token(),
      crypto::HmacSha256(kKey, absl::StrCat("phonetic", std::string(1, '\0'), "o540|s|1990")));
  PersonElements with_postcode = FullPerson();
  with_postcode[v1::POSTCODE] = "L81AB";
  tokens = pseudonymiser.Tokens(with_postcode);
  ASSERT_THAT(tokens, SizeIs(2));
  EXPECT_EQ(tokens[1].token(),
            crypto::HmacSha256(kKey, absl::StrCat("district", std::string(1, '\0'), "l8")));
}

LinkageKeys TwoVersions() { return LinkageKeys{{{"2026-1", kKey}, {"2026-2", kOtherKey}}, ""}; }

TEST(PseudonymiserTest, DuringARotationEveryKeyHasATokenUnderBothVersions) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::unique_ptr<Pseudonymiser> rotating,
                               Pseudonymiser::Create(TwoVersions(), ExampleRecipe()));
  Pseudonymiser old_only(kKey, "2026-1", ExampleRecipe());
  Pseudonymiser new_only(kOtherKey, "2026-2", ExampleRecipe());
  std::vector<v1::MatchToken> tokens = rotating->Tokens(FullPerson());
  ASSERT_THAT(tokens, SizeIs(4));
  std::vector<v1::MatchToken> expected = old_only.Tokens(FullPerson());
  for (v1::MatchToken& token : new_only.Tokens(FullPerson())) {
    expected.push_back(token);
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(tokens[i].key_id(), expected[i].key_id());
    EXPECT_EQ(tokens[i].key_version(), expected[i].key_version());
    EXPECT_EQ(tokens[i].token(), expected[i].token());
  }
  EXPECT_NE(tokens[0].token(), tokens[2].token());
  // Record ids do not change when the next version is added.
  EXPECT_EQ(rotating->RecordId("police_crime", "CR/1"), old_only.RecordId("police_crime", "CR/1"));
}

TEST(PseudonymiserTest, PinnedRecordIdKeyKeepsRecordIdsAcrossTheRotation) {
  Pseudonymiser before(kKey, "2026-1", ExampleRecipe());
  // After the rotation only the new key is left; the pinned key is the one derived from the old.
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<Pseudonymiser> after,
      Pseudonymiser::Create(LinkageKeys{{{"2026-2", kOtherKey}}, DeriveRecordIdKey(kKey)},
                            ExampleRecipe()));
  EXPECT_EQ(after->RecordId("police_crime", "CR/1"), before.RecordId("police_crime", "CR/1"));
  EXPECT_EQ(after->BatchId("police_crime", "x"), before.BatchId("police_crime", "x"));
  Pseudonymiser unpinned(kOtherKey, "2026-2", ExampleRecipe());
  EXPECT_NE(unpinned.RecordId("police_crime", "CR/1"), before.RecordId("police_crime", "CR/1"));
  // The derivation docs/operator-guide.md gives the key custodian (HMAC-SHA256 of a fixed label),
  // checked against a value computed outside the project.
  EXPECT_EQ(DeriveRecordIdKey(kKey), crypto::HmacSha256(kKey, "confide-record-id-key-v1"));
  EXPECT_EQ(absl::BytesToHexString(DeriveRecordIdKey(std::string(32, '\x5a'))),
            "e9ee95f31c8a577485348dfd28a0e11a2d945c5944b928dff2b86aa4c9ab0a36");
}

TEST(PseudonymiserTest, RefusesTheSameVersionTwiceOrTheSameKeyUnderTwoVersions) {
  EXPECT_THAT(Pseudonymiser::Create(LinkageKeys{{{"2026-1", kKey}, {"2026-1", kOtherKey}}, ""},
                                    ExampleRecipe()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("version '2026-1' is configured twice")));
  absl::StatusOr<std::unique_ptr<Pseudonymiser>> same_key =
      Pseudonymiser::Create(LinkageKeys{{{"2026-1", kKey}, {"2026-2", kKey}}, ""}, ExampleRecipe());
  EXPECT_THAT(same_key, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("'2026-1' and '2026-2' hold the same key")));
  EXPECT_THAT(same_key.status().message(), Not(HasSubstr(kKey)));
  EXPECT_THAT(Pseudonymiser::Create(LinkageKeys{}, ExampleRecipe()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Pseudonymiser::Create(LinkageKeys{{{"", kKey}}, ""}, ExampleRecipe()),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Pseudonymiser::Create(TwoVersions(), ExampleRecipe()), IsOk());
}

}  // namespace
}  // namespace confide::agent
