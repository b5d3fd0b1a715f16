#include "tools/synth/internal/nicknames.h"

#include "absl/strings/match.h"

namespace confide::synth::internal {
namespace {

// The linkage recipe's table, copied so that the generator needs no policy file to run;
// NicknameTableMatchesThePolicy fails when the two drift apart.
constexpr absl::string_view kWilliam[] = {"bill", "billy", "will", "willy", "liam"};
constexpr absl::string_view kRobert[] = {"bob", "bobby", "rob", "robbie", "bert"};
constexpr absl::string_view kRichard[] = {"dick", "rich", "richie", "rick", "ricky"};
constexpr absl::string_view kJames[] = {"jim", "jimmy", "jamie"};
constexpr absl::string_view kJohn[] = {"jack", "johnny", "jon"};
constexpr absl::string_view kThomas[] = {"tom", "tommy"};
constexpr absl::string_view kMichael[] = {"mick", "mickey", "mike", "micky"};
constexpr absl::string_view kAnthony[] = {"tony", "ant"};
constexpr absl::string_view kChristopher[] = {"chris", "kit"};
constexpr absl::string_view kDaniel[] = {"dan", "danny"};
constexpr absl::string_view kDavid[] = {"dave", "davey"};
constexpr absl::string_view kEdward[] = {"ed", "eddie", "ted", "ned"};
constexpr absl::string_view kJoseph[] = {"joe", "joey"};
constexpr absl::string_view kMatthew[] = {"matt", "matty"};
constexpr absl::string_view kNicholas[] = {"nick", "nicky"};
constexpr absl::string_view kStephen[] = {"steve", "stevie", "steven"};
constexpr absl::string_view kAlexander[] = {"alex", "sandy", "xander"};
constexpr absl::string_view kBenjamin[] = {"ben", "benny"};
constexpr absl::string_view kSamuel[] = {"sam", "sammy"};
constexpr absl::string_view kJoshua[] = {"josh"};
constexpr absl::string_view kJonathan[] = {"jonny"};
constexpr absl::string_view kAndrew[] = {"andy", "drew"};
constexpr absl::string_view kPeter[] = {"pete"};
constexpr absl::string_view kCharles[] = {"charlie", "chas", "chuck"};
constexpr absl::string_view kElizabeth[] = {"liz", "lizzie", "beth", "betty", "eliza"};
constexpr absl::string_view kMargaret[] = {"maggie", "meg", "peggy"};
constexpr absl::string_view kCatherine[] = {"cath", "cathy", "kate", "katie", "kath", "katherine"};
constexpr absl::string_view kJennifer[] = {"jen", "jenny"};
constexpr absl::string_view kRebecca[] = {"becky", "becca"};
constexpr absl::string_view kVictoria[] = {"vicky", "tori"};
constexpr absl::string_view kSamantha[] = {"sammie"};
constexpr absl::string_view kJessica[] = {"jess", "jessie"};
constexpr absl::string_view kAbigail[] = {"abbie", "abby"};
constexpr absl::string_view kSusan[] = {"sue", "susie"};
constexpr absl::string_view kDeborah[] = {"debbie", "deb"};
constexpr absl::string_view kPatricia[] = {"pat", "patsy", "trish"};

constexpr NicknameEntry kTable[] = {
    {"william", kWilliam},     {"robert", kRobert},       {"richard", kRichard},
    {"james", kJames},         {"john", kJohn},           {"thomas", kThomas},
    {"michael", kMichael},     {"anthony", kAnthony},     {"christopher", kChristopher},
    {"daniel", kDaniel},       {"david", kDavid},         {"edward", kEdward},
    {"joseph", kJoseph},       {"matthew", kMatthew},     {"nicholas", kNicholas},
    {"stephen", kStephen},     {"alexander", kAlexander}, {"benjamin", kBenjamin},
    {"samuel", kSamuel},       {"joshua", kJoshua},       {"jonathan", kJonathan},
    {"andrew", kAndrew},       {"peter", kPeter},         {"charles", kCharles},
    {"elizabeth", kElizabeth}, {"margaret", kMargaret},   {"catherine", kCatherine},
    {"jennifer", kJennifer},   {"rebecca", kRebecca},     {"victoria", kVictoria},
    {"samantha", kSamantha},   {"jessica", kJessica},     {"abigail", kAbigail},
    {"susan", kSusan},         {"deborah", kDeborah},     {"patricia", kPatricia},
};

}  // namespace

std::span<const NicknameEntry> NicknameTable() { return kTable; }

std::span<const absl::string_view> NicknamesOf(absl::string_view forename) {
  for (const NicknameEntry& entry : kTable) {
    if (absl::EqualsIgnoreCase(entry.name, forename)) {
      return entry.variants;
    }
  }
  return {};
}

}  // namespace confide::synth::internal
