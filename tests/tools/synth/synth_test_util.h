#pragma once

// Reads generated extracts the way an agency loader or a linkage analyst would, independently
// of the generator's own code: a strict CSV reader, date and postcode checks, and a uniform view
// of the person columns of the three person-bearing extracts joined to the answer key.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tools/synth/synth.h"

namespace confide::synth::testutil {

using Table = std::vector<std::vector<std::string>>;

// A strict RFC 4180 reader: CRLF after every record, quotes only around whole fields.
::testing::AssertionResult ParseCsv(absl::string_view text, Table& table);

// "#" is a digit; anything else must match literally.
bool MatchesShape(absl::string_view s, absl::string_view shape);
// dd/mm/yyyy and yyyy-mm-dd, rejecting impossible dates such as 31/02.
bool ParseUkDate(absl::string_view s, absl::CivilDay& out);
bool ParseIsoDate(absl::string_view s, absl::CivilDay& out);
bool ParseTime(absl::string_view s, int& hour, int& minute);  // hh:mm

// The district of a postcode as written, tolerating the lower-case and no-space variants.
std::string District(absl::string_view postcode);
bool IsMerseysideDistrict(absl::string_view district);
// Merseyside district, sector digit, two unit letters; any case, with or without the space.
bool IsWellFormedPostcode(absl::string_view postcode);
bool PassesMod11(absl::string_view ten_digits);

// One person's truth from ground_truth_people.csv.
struct TruePerson {
  std::string id, household, twin, sex, forename, surname, new_surname, dob_iso, nhs, postcode;
  absl::CivilDay surname_changed_on;
  absl::CivilDay dob;
  const std::string& SurnameOn(absl::CivilDay day) const;
};

// One row of a person-bearing extract, its person columns as written (NHS digits only, dates as
// CivilDay when they parse), the row's event day, and the answer key's view of it.
struct PersonRow {
  std::string dataset;  // police_crime, ed_attendance or ambulance_incident
  std::string reference;
  std::string forename, surname, sex, nhs_text, dob_text, postcode;
  std::string location;  // incident or crime location postcode
  absl::CivilDay event_day;
  int event_hour = 0;
  int event_minute = 0;
  // From ground_truth.csv (empty person when the row is not in it).
  std::string person;
  std::set<std::string> errors;
};

// Everything a test needs from one Generate() run, parsed and joined.
struct Parsed {
  Extracts extracts;
  Table police, ed, ambulance, fire, truth, people_table;
  std::map<std::string, TruePerson> people;
  std::vector<PersonRow> rows;  // police, then ED, then ambulance rows, in file order
};

// Parses and joins; ADD_FAILUREs (and returns false) on any malformed file.
bool ParseAll(Extracts extracts, Parsed& parsed);

// The written DOB text the row's dataset would show for `day` (dd/mm/yyyy or yyyy-mm-dd).
std::string DobText(absl::string_view dataset, absl::CivilDay day);
// NHS column text without separators.
std::string Digits(absl::string_view text);

// Options with every error rate zero (population and sizes unchanged).
Options WithoutErrors(Options options);

// The nickname table of deploy/policy/merseyside.textpb: canonical name -> variants.
std::map<std::string, std::set<std::string>> PolicyNicknames();

// Lower-case ASCII.
std::string Lower(absl::string_view s);
bool IsAscii(absl::string_view s);

}  // namespace confide::synth::testutil
