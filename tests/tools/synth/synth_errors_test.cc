// Recording errors: each rate produces about that share of visibly wrong values among the rows
// where the error is possible, measured against the true identities; zero rates give clean
// rows; the errors column of ground_truth.csv matches the configured rates.

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/tools/synth/synth_test_util.h"
#include "tools/synth/internal/nicknames.h"
#include "tools/synth/synth.h"

namespace confide::synth {
namespace {

using ::confide::testing::IsOk;
using testutil::DobText;
using testutil::IsAscii;
using testutil::Lower;
using testutil::Parsed;
using testutil::PersonRow;
using testutil::TruePerson;

// A row next to the truth it should show.
struct Case {
  const PersonRow& row;
  const TruePerson& person;
  std::string forename, surname, dob, nhs, postcode;  // true values as the dataset writes them

  std::map<std::string, std::pair<std::string, std::string>> Fields() const {
    return {{"forename", {row.forename, forename}},
            {"surname", {row.surname, surname}},
            {"dob", {row.dob_text, dob}},
            {"nhs", {testutil::Digits(row.nhs_text), nhs}},
            {"postcode", {row.postcode, postcode}}};
  }
  std::set<std::string> Differing() const {
    std::set<std::string> fields;
    for (const auto& [field, values] : Fields()) {
      if (values.first != values.second) {
        fields.insert(field);
      }
    }
    return fields;
  }
};

Case CaseOf(const Parsed& parsed, const PersonRow& row) {
  const TruePerson& p = parsed.people.at(row.person);
  return Case{row,
              p,
              p.forename,
              p.SurnameOn(row.event_day),
              DobText(row.dataset, p.dob),
              row.dataset == "police_crime" ? "" : p.nhs,
              p.postcode};
}

// The documented eligibility rules, restated independently of the generator.
bool CanTypo(absl::string_view name) {
  int letters = 0;
  for (size_t i = 1; i < name.size(); ++i) {
    letters += name[i] >= 'a' && name[i] <= 'z';
  }
  return name.size() >= 4 && letters >= 2;
}
bool HasPunctuation(absl::string_view name) {
  return name.find_first_of("'- ") != absl::string_view::npos;
}
bool DobCanSwap(absl::CivilDay d) { return d.day() <= 12 && d.day() != d.month(); }
bool IsPlaceholder(absl::string_view name) {
  return name == "UNKNOWN" || name == "Not known" || name == "NOT KNOWN";
}
// Damerau distance exactly one, without insertions: a substitution, an adjacent
// transposition or a deletion.
bool IsOneTypo(absl::string_view written, absl::string_view truth) {
  if (written.size() + 1 == truth.size()) {
    for (size_t i = 0; i < truth.size(); ++i) {
      if (absl::StrCat(truth.substr(0, i), truth.substr(i + 1)) == written) {
        return true;
      }
    }
    return false;
  }
  if (written.size() != truth.size()) {
    return false;
  }
  std::vector<size_t> diff;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (written[i] != truth[i]) {
      diff.push_back(i);
    }
  }
  return diff.size() == 1 ||
         (diff.size() == 2 && diff[1] == diff[0] + 1 && written[diff[0]] == truth[diff[1]] &&
          written[diff[1]] == truth[diff[0]]);
}
// Case-insensitive form for ASCII and the two-byte Latin letters the name lists use, so that
// SIOBHÁN and siobhán compare equal.
std::string FoldCase(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80 || i + 1 == text.size()) {
      out.push_back(absl::ascii_tolower(text[i]));
      continue;
    }
    uint32_t cp = (uint32_t{b0} & 0x1F) << 6 | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
      cp += 0x20;
    } else if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && cp % 2 == 0) {
      cp += 1;
    }
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    ++i;
  }
  return out;
}

int Mismatches(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) {
    return 99;
  }
  int n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    n += a[i] != b[i];
  }
  return n;
}

// How one error shows: in how many units (rows, or name fields) it could occur, and which
// fields it visibly explains.
struct Probe {
  std::function<int(const Case&)> eligible;
  std::function<std::set<std::string>(const Case&)> detect;
  bool per_field = false;  // typo, accents, punctuation: units are name fields
};

std::set<std::string> If(bool seen, std::set<std::string> fields) {
  return seen ? fields : std::set<std::string>{};
}

std::map<std::string, Probe> Probes() {
  static const auto* const kNicknames =
      new std::map<std::string, std::set<std::string>>(testutil::PolicyNicknames());
  auto per_name = [](std::function<bool(absl::string_view)> can,
                     std::function<bool(const std::string&, const std::string&)> seen) {
    return Probe{[=](const Case& c) { return int{can(c.forename)} + int{can(c.surname)}; },
                 [=](const Case& c) {
                   std::set<std::string> fields;
                   if (can(c.forename) && seen(c.row.forename, c.forename)) {
                     fields.insert("forename");
                   }
                   if (can(c.surname) && seen(c.row.surname, c.surname)) {
                     fields.insert("surname");
                   }
                   return fields;
                 },
                 true};
  };
  auto all = [](const Case&) { return 1; };
  std::map<std::string, Probe> probes;
  probes["name_typo_rate"] = per_name(CanTypo, [](const std::string& w, const std::string& t) {
    return w != t && IsOneTypo(w, t);
  });
  probes["accents_stripped_rate"] =
      per_name([](absl::string_view n) { return !IsAscii(n); },
               [](const std::string& w, const std::string& t) { return w != t && IsAscii(w); });
  probes["punctuation_rate"] =
      per_name(HasPunctuation, [](const std::string& w, const std::string& t) { return w != t; });
  probes["nickname_rate"] = {
      [](const Case& c) { return int{kNicknames->count(Lower(c.forename)) > 0}; },
      [](const Case& c) {
        const auto it = kNicknames->find(Lower(c.forename));
        return If(it != kNicknames->end() && c.row.forename != c.forename &&
                      it->second.count(Lower(c.row.forename)) > 0,
                  {"forename"});
      }};
  probes["name_swap_rate"] = {[](const Case& c) { return int{c.forename != c.surname}; },
                              [](const Case& c) {
                                return If(c.forename != c.surname && c.row.forename == c.surname &&
                                              c.row.surname == c.forename,
                                          {"forename", "surname"});
                              }};
  probes["title_rate"] = {
      all, [](const Case& c) {
        const std::vector<std::string> parts =
            absl::StrSplit(c.row.forename, absl::MaxSplits(' ', 1));
        static const std::set<std::string> kTitles = {"Mr",   "Mr.", "Mrs", "Mrs.",
                                                      "Miss", "Ms",  "Dr",  "Master"};
        return If(parts.size() == 2 && kTitles.count(parts[0]) > 0 && parts[1] == c.forename,
                  {"forename"});
      }};
  probes["suffix_rate"] = {[](const Case& c) { return int{c.person.sex == "M"}; },
                           [](const Case& c) {
                             return If(c.person.sex == "M" &&
                                           absl::StartsWith(c.row.surname, c.surname + " ") &&
                                           c.row.surname.size() <= c.surname.size() + 4,
                                       {"surname"});
                           }};
  probes["name_case_rate"] = {all, [](const Case& c) {
                                return If(c.row.forename != c.forename &&
                                              c.row.surname != c.surname &&
                                              FoldCase(c.row.forename) == FoldCase(c.forename) &&
                                              FoldCase(c.row.surname) == FoldCase(c.surname),
                                          {"forename", "surname"});
                              }};
  probes["name_placeholder_rate"] = {
      all, [](const Case& c) {
        return If(IsPlaceholder(c.row.forename) && c.row.surname == c.row.forename,
                  {"forename", "surname"});
      }};
  auto nhs_missing_in = [](absl::string_view dataset) {
    return Probe{[=](const Case& c) { return int{c.row.dataset == dataset}; },
                 [=](const Case& c) {
                   return If(c.row.dataset == dataset && c.row.nhs_text.empty(), {"nhs"});
                 }};
  };
  probes["nhs_missing_rate"] = nhs_missing_in("ed_attendance");
  probes["ambulance_nhs_missing_rate"] = nhs_missing_in("ambulance_incident");
  probes["nhs_mistyped_rate"] = {
      [](const Case& c) { return int{c.row.dataset != "police_crime"}; },
      [](const Case& c) {
        const std::string digits = testutil::Digits(c.row.nhs_text);
        return If(!c.nhs.empty() && digits.size() == 10 && !testutil::PassesMod11(digits) &&
                      absl::StartsWith(digits, "999") && Mismatches(digits, c.nhs) <= 2,
                  {"nhs"});
      }};
  probes["dob_swap_rate"] = {
      [](const Case& c) { return int{DobCanSwap(c.person.dob)}; },
      [](const Case& c) {
        const absl::CivilDay d = c.person.dob;
        return If(DobCanSwap(d) &&
                      c.row.dob_text ==
                          DobText(c.row.dataset, absl::CivilDay(d.year(), d.day(), d.month())),
                  {"dob"});
      }};
  probes["dob_missing_rate"] = {all,
                                [](const Case& c) { return If(c.row.dob_text.empty(), {"dob"}); }};
  probes["dob_placeholder_rate"] = {
      all, [](const Case& c) {
        return If(c.row.dob_text == DobText(c.row.dataset, absl::CivilDay(1900, 1, 1)), {"dob"});
      }};
  probes["postcode_missing_rate"] = {
      all, [](const Case& c) { return If(c.row.postcode.empty(), {"postcode"}); }};
  probes["postcode_mistyped_rate"] = {
      all, [](const Case& c) {
        return If(!c.row.postcode.empty() && c.row.postcode != c.postcode &&
                      testutil::IsWellFormedPostcode(c.row.postcode) &&
                      Mismatches(c.row.postcode, c.postcode) <= 2,
                  {"postcode"});
      }};
  probes["postcode_format_rate"] = {
      all, [](const Case& c) {
        const std::string compact = absl::StrReplaceAll(c.postcode, {{" ", ""}});
        return If(
            c.row.postcode != c.postcode &&
                (absl::AsciiStrToUpper(c.row.postcode) == c.postcode || c.row.postcode == compact),
            {"postcode"});
      }};
  return probes;
}

// Within four standard errors of `rate`, and measured on enough units to mean something.
void ExpectRate(const std::string& what, int seen, int eligible, double rate) {
  ASSERT_GT(eligible, 150) << what << ": too few rows where the error is possible";
  const double observed = seen / static_cast<double>(eligible);
  const double tolerance = 4 * std::sqrt(rate * (1 - rate) / eligible) + 0.002;
  EXPECT_NEAR(observed, rate, tolerance) << what << ": " << seen << " of " << eligible;
}

Options SmallRun() {
  Options options;
  options.seed = 11;
  options.people = 8000;
  options.police = 6000;
  options.ed = 4000;
  options.ambulance = 4000;
  options.fire = 500;
  return options;
}

TEST(SynthErrorsTest, EachRateAloneGivesThatShareOfWrongValuesAndNothingElse) {
  const std::map<std::string, Probe> probes = Probes();
  ASSERT_EQ(probes.size(), ErrorRateFields().size());
  for (const ErrorRateField& field : ErrorRateFields()) {
    SCOPED_TRACE(field.flag);
    ASSERT_EQ(probes.count(std::string(field.flag)), 1u);
    const Probe& probe = probes.at(std::string(field.flag));
    constexpr double kRate = 0.3;
    Options options = testutil::WithoutErrors(SmallRun());
    options.errors.*field.rate = kRate;
    absl::StatusOr<Extracts> extracts = Generate(options);
    ASSERT_THAT(extracts, IsOk());
    Parsed parsed;
    ASSERT_TRUE(testutil::ParseAll(*std::move(extracts), parsed));
    int eligible = 0, seen = 0;
    for (const PersonRow& row : parsed.rows) {
      const Case c = CaseOf(parsed, row);
      const std::set<std::string> explained = probe.detect(c);
      ASSERT_EQ(c.Differing(), explained) << row.dataset << " " << row.reference;
      eligible += probe.eligible(c);
      seen += probe.per_field ? static_cast<int>(explained.size()) : !explained.empty();
    }
    ExpectRate(std::string(field.flag), seen, eligible, kRate);
  }
}

TEST(SynthErrorsTest, PostcodeFormatRateAlsoAppliesToIncidentLocations) {
  Options options = testutil::WithoutErrors(SmallRun());
  options.errors.postcode_format = 0.3;
  absl::StatusOr<Extracts> extracts = Generate(options);
  ASSERT_THAT(extracts, IsOk());
  Parsed parsed;
  ASSERT_TRUE(testutil::ParseAll(*std::move(extracts), parsed));
  int varied = 0, n = 0;
  auto count = [&](const std::string& postcode) {
    ++n;
    varied += !absl::StrContains(postcode, ' ') || postcode != absl::AsciiStrToUpper(postcode);
  };
  for (const PersonRow& row : parsed.rows) {
    count(row.location);
  }
  for (size_t r = 1; r < parsed.fire.size(); ++r) {
    count(parsed.fire[r].back());
  }
  ExpectRate("locations", varied, n, 0.3);
}

TEST(SynthErrorsTest, ZeroRatesGiveRowsThatAgreeExactlyWithTheTruth) {
  absl::StatusOr<Extracts> extracts = Generate(testutil::WithoutErrors(SmallRun()));
  ASSERT_THAT(extracts, IsOk());
  Parsed parsed;
  ASSERT_TRUE(testutil::ParseAll(*std::move(extracts), parsed));
  ASSERT_GT(parsed.rows.size(), 10000u);
  for (const PersonRow& row : parsed.rows) {
    const Case c = CaseOf(parsed, row);
    for (const auto& [field, values] : c.Fields()) {
      ASSERT_EQ(values.first, values.second) << row.reference << " " << field;
    }
    ASSERT_TRUE(row.errors.empty()) << row.reference;
    ASSERT_TRUE(absl::StrContains(row.location, ' ')) << row.location;
    ASSERT_EQ(row.location, absl::AsciiStrToUpper(row.location));
  }
  for (size_t r = 1; r < parsed.fire.size(); ++r) {
    ASSERT_TRUE(absl::StrContains(parsed.fire[r].back(), ' '));
  }
}

TEST(SynthErrorsTest, ChangingOneRateLeavesTheOtherErrorsOnTheSameRows) {
  Options options = SmallRun();
  absl::StatusOr<Extracts> before = Generate(options);
  options.errors.name_typo = 0;
  options.errors.dob_missing = 0.2;
  absl::StatusOr<Extracts> after = Generate(options);
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(after, IsOk());
  Parsed a, b;
  ASSERT_TRUE(testutil::ParseAll(*std::move(before), a));
  ASSERT_TRUE(testutil::ParseAll(*std::move(after), b));
  ASSERT_EQ(a.rows.size(), b.rows.size());
  auto others = [](std::set<std::string> errors) {
    for (const char* moved : {"forename_typo", "surname_typo", "dob_missing", "dob_placeholder",
                              "dob_day_month_swapped"}) {
      errors.erase(moved);
    }
    return errors;
  };
  int typos = 0;
  for (size_t i = 0; i < a.rows.size(); ++i) {
    ASSERT_EQ(a.rows[i].reference, b.rows[i].reference);
    EXPECT_EQ(others(a.rows[i].errors), others(b.rows[i].errors)) << a.rows[i].reference;
    typos += a.rows[i].errors.count("forename_typo") + a.rows[i].errors.count("surname_typo");
    EXPECT_EQ(b.rows[i].errors.count("forename_typo") + b.rows[i].errors.count("surname_typo"), 0u);
  }
  EXPECT_GT(typos, 0);
}

TEST(SynthErrorsTest, DefaultRunRecordsEachErrorAtItsConfiguredRate) {
  absl::StatusOr<Extracts> extracts = Generate(Options{});
  ASSERT_THAT(extracts, IsOk());
  Parsed parsed;
  ASSERT_TRUE(testutil::ParseAll(*std::move(extracts), parsed));
  static const auto* const kNicknames =
      new std::map<std::string, std::set<std::string>>(testutil::PolicyNicknames());
  const ErrorRates r;
  // error tag -> (rate, eligible, seen); eligibility restated from the documentation.
  std::map<std::string, std::tuple<double, int, int>> tally;
  auto unit = [&](const std::string& tag, double rate, bool eligible, const PersonRow& row) {
    auto& [configured, n, seen] = tally[tag];
    configured = rate;
    n += eligible;
    seen += eligible && row.errors.count(tag) > 0;
  };
  for (const PersonRow& row : parsed.rows) {
    const Case c = CaseOf(parsed, row);
    const auto& e = row.errors;
    const bool named = e.count("name_placeholder") == 0;
    const bool own_forename = named && e.count("nickname") == 0;
    unit("name_placeholder", r.name_placeholder, true, row);
    unit("nickname", r.nickname, named && kNicknames->count(Lower(c.forename)) > 0, row);
    unit("forename_typo", r.name_typo, own_forename && CanTypo(c.forename), row);
    unit("surname_typo", r.name_typo, named && CanTypo(c.surname), row);
    unit("forename_accents_stripped", r.accents_stripped, own_forename && !IsAscii(c.forename),
         row);
    unit("surname_accents_stripped", r.accents_stripped, named && !IsAscii(c.surname), row);
    unit("forename_punctuation", r.punctuation, own_forename && HasPunctuation(c.forename), row);
    unit("surname_punctuation", r.punctuation, named && HasPunctuation(c.surname), row);
    unit("names_swapped", r.name_swap, named, row);
    unit("title", r.title, named, row);
    unit("suffix", r.suffix, named && c.person.sex == "M", row);
    unit("name_case", r.name_case, named, row);
    unit("nhs_mistyped", r.nhs_mistyped, row.dataset != "police_crime", row);
    unit("dob_missing", r.dob_missing, true, row);
    unit("dob_placeholder", r.dob_placeholder, true, row);
    unit("dob_day_month_swapped", r.dob_swap,
         e.count("dob_missing") + e.count("dob_placeholder") == 0 && DobCanSwap(c.person.dob), row);
    unit("postcode_missing", r.postcode_missing, true, row);
    unit("postcode_mistyped", r.postcode_mistyped, true, row);
    unit("postcode_format", r.postcode_format, e.count("postcode_missing") == 0, row);
  }
  // NHS missing rates differ by dataset; count them directly.
  int ed_rows = 0, ed_missing = 0, ambulance_rows = 0, ambulance_missing = 0;
  for (const PersonRow& row : parsed.rows) {
    const bool missing = row.errors.count("nhs_missing") > 0;
    EXPECT_EQ(missing, row.dataset != "police_crime" && row.nhs_text.empty()) << row.reference;
    (row.dataset == "ed_attendance" ? ed_rows : ambulance_rows) += row.dataset != "police_crime";
    (row.dataset == "ed_attendance" ? ed_missing : ambulance_missing) += missing;
  }
  ExpectRate("nhs_missing (ED)", ed_missing, ed_rows, r.nhs_missing);
  ExpectRate("nhs_missing (ambulance)", ambulance_missing, ambulance_rows, r.ambulance_nhs_missing);
  for (const auto& [tag, counts] : tally) {
    const auto& [rate, n, seen] = counts;
    if (n > 0) {
      ExpectRate(tag, seen, n, rate);
    }
  }
}

TEST(SynthErrorsTest, NicknameTableMatchesThePolicy) {
  const std::map<std::string, std::set<std::string>> policy = testutil::PolicyNicknames();
  ASSERT_FALSE(policy.empty());
  std::map<std::string, std::set<std::string>> generator;
  for (const internal::NicknameEntry& entry : internal::NicknameTable()) {
    generator[std::string(entry.name)].insert(entry.variants.begin(), entry.variants.end());
  }
  EXPECT_EQ(generator, policy);
}

}  // namespace
}  // namespace confide::synth
