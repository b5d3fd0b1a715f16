#include "tools/synth/internal/writers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/synth/internal/csv.h"
#include "tools/synth/internal/dirt.h"
#include "tools/synth/internal/identity.h"

namespace confide::synth::internal {
namespace {

// Row generators live in a stream space of their own, apart from the generation streams.
enum DatasetTag : uint64_t {
  kPoliceTag = 0x10,
  kEdTag = 0x11,
  kAmbulanceTag = 0x12,
  kFireTag = 0x13,
};

Rng RowRng(uint64_t seed, DatasetTag tag, size_t row) {
  return Rng(seed, (uint64_t{tag} << 40) + row);
}

// Police, ambulance and fire systems export UK dates; the ED system exports ISO dates.
std::string UkDate(absl::CivilDay d) {
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}
std::string IsoDate(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}
std::string UkDob(const absl::optional<absl::CivilDay>& d) { return d ? UkDate(*d) : ""; }
std::string IsoDob(const absl::optional<absl::CivilDay>& d) { return d ? IsoDate(*d) : ""; }
std::string HourMinute(absl::CivilSecond t) {
  return absl::StrFormat("%02d:%02d", t.hour(), t.minute());
}
std::string Clock(absl::CivilSecond t) {
  return absl::StrFormat("%02d:%02d:%02d", t.hour(), t.minute(), t.second());
}
absl::string_view YesNoFlag(bool b) { return b ? "Y" : "N"; }

// The format variant of an incident location: a place, not a person, so no other error.
std::string LocationAsWritten(Rng& row, const ErrorRates& rates, absl::string_view postcode) {
  const double u = row.Unit();
  return u < rates.postcode_format ? PostcodeFormatVariant(row, postcode) : std::string(postcode);
}

WrittenIdentity Identity(Rng& row, const ErrorRates& rates, absl::optional<double> nhs_missing,
                         const Person& person, absl::CivilDay on) {
  const TrueIdentity truth{
      .forename = person.forename,
      .surname = SurnameOn(person, on),
      .sex = person.sex,
      .adult = on >= absl::CivilDay(person.dob.year() + 18, person.dob.month(), person.dob.day()),
      .dob = person.dob,
      .nhs_number = person.nhs_number,
      .postcode = person.postcode};
  return WriteIdentity(row, rates, nhs_missing, truth);
}

void AppendTruth(std::string& truth, absl::string_view dataset, absl::string_view reference,
                 const Person& person, const WrittenIdentity& written) {
  AppendCsvRow(truth, {dataset, reference, person.id, absl::StrJoin(written.errors, ";")});
}

}  // namespace

std::string GroundTruthHeader() {
  std::string out;
  AppendCsvRow(out, {"dataset", "source_reference", "person_id", "errors"});
  return out;
}

std::string PoliceCrimeCsv(uint64_t seed, const ErrorRates& rates,
                           const std::vector<PoliceEvent>& events,
                           const std::vector<Person>& people, std::string& truth) {
  std::string out;
  AppendCsvRow(out, {"Crime Reference", "Offence Code", "Offence Description", "Offence Group",
                     "Knife Flag", "Firearm Flag", "Domestic Flag", "Committed Date",
                     "Committed Time", "Location Postcode", "Victim Forename", "Victim Surname",
                     "Victim DOB", "Victim Sex", "Victim Postcode"});
  for (size_t i = 0; i < events.size(); ++i) {
    const PoliceEvent& e = events[i];
    Rng row = RowRng(seed, kPoliceTag, i);
    const Person& victim = people[e.person];
    const OffenceInfo& offence = Describe(e.offence);
    const std::string location = LocationAsWritten(row, rates, e.location);
    const WrittenIdentity id =
        Identity(row, rates, absl::nullopt, victim, absl::CivilDay(e.committed));
    AppendCsvRow(out,
                 {e.reference, offence.code, offence.description, offence.group, YesNoFlag(e.knife),
                  YesNoFlag(e.firearm), YesNoFlag(e.domestic), UkDate(absl::CivilDay(e.committed)),
                  HourMinute(e.committed), location, id.forename, id.surname, UkDob(id.dob),
                  absl::string_view(&victim.sex, 1), id.postcode});
    AppendTruth(truth, "police_crime", e.reference, victim, id);
  }
  return out;
}

std::string EdAttendanceCsv(uint64_t seed, const ErrorRates& rates,
                            const std::vector<EdEvent>& events, const std::vector<Person>& people,
                            std::string& truth) {
  std::string out;
  AppendCsvRow(out, {"Attendance ID", "Arrival DateTime", "Incident Postcode", "Means of Assault",
                     "Admitted", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex",
                     "Patient Postcode"});
  for (size_t i = 0; i < events.size(); ++i) {
    const EdEvent& e = events[i];
    Rng row = RowRng(seed, kEdTag, i);
    const Person& patient = people[e.person];
    const std::string incident = LocationAsWritten(row, rates, e.incident_postcode);
    const WrittenIdentity id =
        Identity(row, rates, rates.nhs_missing, patient, absl::CivilDay(e.arrival));
    // The ED system shows NHS numbers the way the NHS prints them: 3-3-4.
    const std::string nhs = id.nhs_number.empty() ? std::string()
                                                  : absl::StrCat(id.nhs_number.substr(0, 3), " ",
                                                                 id.nhs_number.substr(3, 3), " ",
                                                                 id.nhs_number.substr(6));
    AppendCsvRow(
        out, {e.reference, absl::StrCat(IsoDate(absl::CivilDay(e.arrival)), " ", Clock(e.arrival)),
              incident, MeansName(e.means), e.admitted ? "Yes" : "No", nhs, id.forename, id.surname,
              IsoDob(id.dob), patient.sex == 'M' ? "Male" : "Female", id.postcode});
    AppendTruth(truth, "ed_attendance", e.reference, patient, id);
  }
  return out;
}

std::string AmbulanceIncidentCsv(uint64_t seed, const ErrorRates& rates,
                                 const std::vector<AmbulanceEvent>& events,
                                 const std::vector<Person>& people, std::string& truth) {
  std::string out;
  AppendCsvRow(out,
               {"Incident ID", "Call Time", "Incident Postcode", "Call Category", "Conveyed",
                "Forename", "Surname", "Date of Birth", "Sex", "NHS Number", "Patient Postcode"});
  for (size_t i = 0; i < events.size(); ++i) {
    const AmbulanceEvent& e = events[i];
    Rng row = RowRng(seed, kAmbulanceTag, i);
    const Person& patient = people[e.person];
    const std::string incident = LocationAsWritten(row, rates, e.incident_postcode);
    const WrittenIdentity id =
        Identity(row, rates, rates.ambulance_nhs_missing, patient, absl::CivilDay(e.call));
    AppendCsvRow(
        out,
        {e.reference, absl::StrCat(UkDate(absl::CivilDay(e.call)), " ", Clock(e.call)), incident,
         CallCategoryName(e.category), YesNoFlag(e.conveyed), id.forename, id.surname,
         UkDob(id.dob), absl::string_view(&patient.sex, 1), id.nhs_number, id.postcode});
    AppendTruth(truth, "ambulance_incident", e.reference, patient, id);
  }
  return out;
}

std::string FireIncidentCsv(uint64_t seed, const ErrorRates& rates,
                            const std::vector<FireEvent>& events) {
  std::string out;
  AppendCsvRow(out, {"Incident Number", "Incident Date", "Incident Time", "Fire Type", "Motive",
                     "Property Type", "Postcode"});
  for (size_t i = 0; i < events.size(); ++i) {
    const FireEvent& e = events[i];
    Rng row = RowRng(seed, kFireTag, i);
    AppendCsvRow(out, {e.reference, UkDate(absl::CivilDay(e.time)), HourMinute(e.time),
                       e.primary ? "Primary" : "Secondary", e.motive, e.property,
                       LocationAsWritten(row, rates, e.postcode)});
  }
  return out;
}

std::string GroundTruthPeopleCsv(const std::vector<Person>& people) {
  std::string out;
  AppendCsvRow(out,
               {"person_id", "household_id", "twin_id", "sex", "forename", "surname", "new_surname",
                "surname_changed_on", "date_of_birth", "nhs_number", "postcode"});
  for (const Person& p : people) {
    const bool changes = !p.new_surname.empty();
    AppendCsvRow(
        out, {p.id, absl::StrFormat("H%06d", p.household + 1),
              p.twin == kNobody ? "" : people[p.twin].id, absl::string_view(&p.sex, 1), p.forename,
              p.surname, p.new_surname, changes ? IsoDate(p.surname_changed_on) : "",
              IsoDate(p.dob), p.nhs_number, p.postcode});
  }
  return out;
}

}  // namespace confide::synth::internal
