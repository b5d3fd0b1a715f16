#include "tests/tools/synth/synth_test_util.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "confide/v1/policy.pb.h"
#include "google/protobuf/text_format.h"

namespace confide::synth::testutil {
namespace {

bool ParseDate(absl::string_view s, absl::string_view shape, int d_at, int m_at, int y_at,
               absl::CivilDay& out) {
  int d = 0, m = 0, y = 0;
  if (!MatchesShape(s, shape) || !absl::SimpleAtoi(s.substr(d_at, 2), &d) ||
      !absl::SimpleAtoi(s.substr(m_at, 2), &m) || !absl::SimpleAtoi(s.substr(y_at, 4), &y)) {
    return false;
  }
  out = absl::CivilDay(y, m, d);
  return out.year() == y && out.month() == m && out.day() == d;
}

size_t ColumnOf(const Table& table, absl::string_view name) {
  const std::vector<std::string>& header = table.front();
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) {
      return i;
    }
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// Which columns of one extract hold what, by header name.
struct Layout {
  absl::string_view dataset, reference, forename, surname, sex, nhs, dob, postcode, location;
  absl::string_view date;  // event date or date-time column
  absl::string_view time;  // separate time column, or empty
};

constexpr Layout kPolice = {
    "police_crime", "Crime Reference", "Victim Forename",   "Victim Surname", "Victim Sex",    "",
    "Victim DOB",   "Victim Postcode", "Location Postcode", "Committed Date", "Committed Time"};
constexpr Layout kEd = {"ed_attendance",
                        "Attendance ID",
                        "Forename",
                        "Surname",
                        "Sex",
                        "NHS Number",
                        "Date of Birth",
                        "Patient Postcode",
                        "Incident Postcode",
                        "Arrival DateTime",
                        ""};
constexpr Layout kAmbulance = {
    "ambulance_incident", "Incident ID",      "Forename",          "Surname",   "Sex", "NHS Number",
    "Date of Birth",      "Patient Postcode", "Incident Postcode", "Call Time", ""};

bool AddRows(const Table& table, const Layout& layout, std::vector<PersonRow>& rows) {
  auto col = [&](absl::string_view name) { return ColumnOf(table, name); };
  const size_t reference = col(layout.reference), forename = col(layout.forename),
               surname = col(layout.surname), sex = col(layout.sex), dob = col(layout.dob),
               postcode = col(layout.postcode), location = col(layout.location),
               date = col(layout.date);
  for (size_t r = 1; r < table.size(); ++r) {
    const std::vector<std::string>& row = table[r];
    PersonRow out;
    out.dataset = std::string(layout.dataset);
    out.reference = row[reference];
    out.forename = row[forename];
    out.surname = row[surname];
    out.sex = row[sex];
    out.nhs_text = layout.nhs.empty() ? "" : row[col(layout.nhs)];
    out.dob_text = row[dob];
    out.postcode = row[postcode];
    out.location = row[location];
    const std::string& when = row[date];
    bool ok = false;
    if (!layout.time.empty()) {  // police: dd/mm/yyyy plus hh:mm
      ok = ParseUkDate(when, out.event_day) &&
           ParseTime(row[col(layout.time)], out.event_hour, out.event_minute);
    } else if (layout.dataset == "ed_attendance") {  // yyyy-mm-dd hh:mm:ss
      ok = MatchesShape(when, "####-##-## ##:##:##") &&
           ParseIsoDate(when.substr(0, 10), out.event_day) &&
           ParseTime(when.substr(11, 5), out.event_hour, out.event_minute);
    } else {  // dd/mm/yyyy hh:mm:ss
      ok = MatchesShape(when, "##/##/#### ##:##:##") &&
           ParseUkDate(when.substr(0, 10), out.event_day) &&
           ParseTime(when.substr(11, 5), out.event_hour, out.event_minute);
    }
    if (!ok) {
      ADD_FAILURE() << layout.dataset << " row " << r << ": bad event time " << when;
      return false;
    }
    rows.push_back(std::move(out));
  }
  return true;
}

}  // namespace

::testing::AssertionResult ParseCsv(absl::string_view text, Table& table) {
  table.clear();
  std::vector<std::string> record;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) {
          return ::testing::AssertionFailure() << "unterminated quote";
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            ++i;
          } else {
            ++i;
            break;
          }
        } else {
          field.push_back(text[i]);
        }
      }
    } else {
      while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') {
          return ::testing::AssertionFailure() << "quote inside unquoted field at " << i;
        }
        field.push_back(text[i++]);
      }
    }
    record.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") {
      return ::testing::AssertionFailure() << "expected CRLF at byte " << i;
    }
    i += 2;
    table.push_back(std::move(record));
    record.clear();
  }
  return ::testing::AssertionSuccess();
}

bool MatchesShape(absl::string_view s, absl::string_view shape) {
  if (s.size() != shape.size()) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (shape[i] == '#' ? !absl::ascii_isdigit(s[i]) : s[i] != shape[i]) {
      return false;
    }
  }
  return true;
}

bool ParseUkDate(absl::string_view s, absl::CivilDay& out) {
  return ParseDate(s, "##/##/####", 0, 3, 6, out);
}
bool ParseIsoDate(absl::string_view s, absl::CivilDay& out) {
  return ParseDate(s, "####-##-##", 8, 5, 0, out);
}
bool ParseTime(absl::string_view s, int& hour, int& minute) {
  return MatchesShape(s, "##:##") && absl::SimpleAtoi(s.substr(0, 2), &hour) &&
         absl::SimpleAtoi(s.substr(3, 2), &minute) && hour < 24 && minute < 60;
}

std::string District(absl::string_view postcode) {
  std::string p = absl::AsciiStrToUpper(absl::StrReplaceAll(postcode, {{" ", ""}}));
  return p.size() > 3 ? p.substr(0, p.size() - 3) : "";
}

bool IsMerseysideDistrict(absl::string_view district) {
  static const std::set<std::string, std::less<>> kDistricts = {
      "L1",   "L2",   "L3",   "L4",   "L5",   "L6",   "L7",   "L8",   "L9",   "L11",  "L12",
      "L13",  "L15",  "L16",  "L17",  "L18",  "L19",  "L24",  "L25",  "L27",  "L14",  "L26",
      "L28",  "L32",  "L33",  "L34",  "L36",  "L20",  "L21",  "L22",  "L23",  "L29",  "L30",
      "L31",  "L37",  "L38",  "PR8",  "PR9",  "WA9",  "WA10", "WA11", "L35",  "CH41", "CH42",
      "CH43", "CH44", "CH45", "CH46", "CH47", "CH48", "CH49", "CH60", "CH61", "CH62", "CH63"};
  return kDistricts.count(district) > 0;
}

bool IsWellFormedPostcode(absl::string_view postcode) {
  const std::string p = absl::AsciiStrToUpper(postcode);
  const size_t space = p.find(' ');
  const std::string compact = absl::StrReplaceAll(p, {{" ", ""}});
  if (compact.size() < 5 || (space != std::string::npos && space != p.size() - 4)) {
    return false;
  }
  const absl::string_view inward = absl::string_view(compact).substr(compact.size() - 3);
  constexpr absl::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";
  return absl::ascii_isdigit(inward[0]) && absl::StrContains(kUnitLetters, inward[1]) &&
         absl::StrContains(kUnitLetters, inward[2]) && IsMerseysideDistrict(District(postcode));
}

bool PassesMod11(absl::string_view digits) {
  if (digits.size() != 10 || !MatchesShape(digits, "##########")) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (digits[i] - '0') * (10 - i);
  }
  const int check = 11 - sum % 11;
  return check != 10 && (check == 11 ? 0 : check) == digits[9] - '0';
}

const std::string& TruePerson::SurnameOn(absl::CivilDay day) const {
  return !new_surname.empty() && day >= surname_changed_on ? new_surname : surname;
}

bool ParseAll(Extracts extracts, Parsed& parsed) {
  parsed.extracts = std::move(extracts);
  const Extracts& e = parsed.extracts;
  for (const auto& [text, table] :
       {std::pair{&e.police_crime, &parsed.police}, std::pair{&e.ed_attendance, &parsed.ed},
        std::pair{&e.ambulance_incident, &parsed.ambulance},
        std::pair{&e.fire_incident, &parsed.fire}, std::pair{&e.ground_truth, &parsed.truth},
        std::pair{&e.ground_truth_people, &parsed.people_table}}) {
    ::testing::AssertionResult ok = ParseCsv(*text, *table);
    if (!ok || table->empty()) {
      ADD_FAILURE() << "unparseable file: " << ok.message();
      return false;
    }
  }
  for (size_t r = 1; r < parsed.people_table.size(); ++r) {
    const std::vector<std::string>& f = parsed.people_table[r];
    TruePerson p{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[8], f[9], f[10], {}, {}};
    if (!ParseIsoDate(p.dob_iso, p.dob) ||
        (!p.new_surname.empty() && !ParseIsoDate(f[7], p.surname_changed_on))) {
      ADD_FAILURE() << "bad dates for " << p.id;
      return false;
    }
    parsed.people.emplace(p.id, p);
  }
  if (!AddRows(parsed.police, kPolice, parsed.rows) || !AddRows(parsed.ed, kEd, parsed.rows) ||
      !AddRows(parsed.ambulance, kAmbulance, parsed.rows)) {
    return false;
  }
  std::map<std::pair<std::string, std::string>, const std::vector<std::string>*> truth;
  for (size_t r = 1; r < parsed.truth.size(); ++r) {
    truth[{parsed.truth[r][0], parsed.truth[r][1]}] = &parsed.truth[r];
  }
  for (PersonRow& row : parsed.rows) {
    const auto it = truth.find({row.dataset, row.reference});
    if (it == truth.end()) {
      continue;
    }
    row.person = (*it->second)[2];
    for (absl::string_view error : absl::StrSplit((*it->second)[3], ';', absl::SkipEmpty())) {
      row.errors.insert(std::string(error));
    }
  }
  return true;
}

std::string DobText(absl::string_view dataset, absl::CivilDay d) {
  char buffer[16];
  if (dataset == "ed_attendance") {
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(d.year()), d.month(),
                  d.day());
  } else {
    std::snprintf(buffer, sizeof buffer, "%02d/%02d/%04d", d.day(), d.month(),
                  static_cast<int>(d.year()));
  }
  return buffer;
}

std::string Digits(absl::string_view text) { return absl::StrReplaceAll(text, {{" ", ""}}); }

Options WithoutErrors(Options options) {
  for (const ErrorRateField& field : ErrorRateFields()) {
    options.errors.*field.rate = 0;
  }
  return options;
}

std::map<std::string, std::set<std::string>> PolicyNicknames() {
  std::ifstream in(CONFIDE_POLICY_FILE);
  std::stringstream text;
  text << in.rdbuf();
  v1::Policy policy;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text.str(), &policy))
      << CONFIDE_POLICY_FILE;
  std::map<std::string, std::set<std::string>> table;
  for (const v1::Nickname& nickname : policy.linkage().nicknames()) {
    table[nickname.name()].insert(nickname.variants().begin(), nickname.variants().end());
  }
  return table;
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

bool IsAscii(absl::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

}  // namespace confide::synth::testutil
