#include "tools/synth/internal/writers.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/synth/internal/csv.h"
#include "tools/synth/internal/dirt.h"

namespace confide::synth::internal {
namespace {

// Police and fire systems export UK dates; the ED system exports ISO dates.
std::string UkDate(absl::CivilDay d) {
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}
std::string IsoDate(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}
std::string HourMinute(absl::CivilSecond t) {
  return absl::StrFormat("%02d:%02d", t.hour(), t.minute());
}
std::string IsoDateTime(absl::CivilSecond t) {
  return absl::StrFormat("%s %02d:%02d:%02d", IsoDate(absl::CivilDay(t)), t.hour(), t.minute(),
                         t.second());
}
absl::string_view YesNoFlag(bool b) { return b ? "Y" : "N"; }

// A clerk keyed the date of birth as mm/dd; only possible when both parts are <= 12.
absl::CivilDay MaybeSwapDayMonth(Rng& dirt, absl::CivilDay dob) {
  if (dirt.Chance(0.02) && dob.day() <= 12 && dob.day() != dob.month()) {
    return absl::CivilDay(dob.year(), dob.day(), dob.month());
  }
  return dob;
}

}  // namespace

std::string PoliceCrimeCsv(Rng& dirt, const std::vector<PoliceEvent>& events,
                           const std::vector<Person>& people) {
  std::string out;
  AppendCsvRow(
      out, {"Crime Reference", "Offence Code", "Offence Description", "Offence Group", "Knife Flag",
            "Firearm Flag", "Domestic Flag", "Committed Date", "Committed Time",
            "Location Postcode", "Victim Forename", "Victim Surname", "Victim DOB", "Victim Sex"});
  for (const PoliceEvent& e : events) {
    const Person& victim = people[e.person];
    const OffenceInfo& offence = Describe(e.offence);
    const std::string location = DirtyPostcode(dirt, e.location);
    const Name name = DirtyName(dirt, victim.forename, victim.surname);
    AppendCsvRow(
        out, {e.reference, offence.code, offence.description, offence.group, YesNoFlag(e.knife),
              YesNoFlag(e.firearm), YesNoFlag(e.domestic), UkDate(absl::CivilDay(e.committed)),
              HourMinute(e.committed), location, name.forename, name.surname, UkDate(victim.dob),
              absl::string_view(&victim.sex, 1)});
  }
  return out;
}

std::string EdAttendanceCsv(Rng& dirt, const std::vector<EdEvent>& events,
                            const std::vector<Person>& people) {
  std::string out;
  AppendCsvRow(out, {"Attendance ID", "Arrival DateTime", "Incident Postcode", "Means of Assault",
                     "Admitted", "NHS Number", "Forename", "Surname", "Date of Birth", "Sex",
                     "Patient Postcode"});
  for (const EdEvent& e : events) {
    const Person& patient = people[e.person];
    const std::string incident = DirtyPostcode(dirt, e.incident_postcode);
    // Unknown or not captured at triage in about 8% of attendances.
    const std::string nhs = dirt.Chance(0.08) ? std::string()
                                              : absl::StrCat(patient.nhs_number.substr(0, 3), " ",
                                                             patient.nhs_number.substr(3, 3), " ",
                                                             patient.nhs_number.substr(6));
    const Name name = DirtyName(dirt, patient.forename, patient.surname);
    const absl::CivilDay dob = MaybeSwapDayMonth(dirt, patient.dob);
    const std::string home = DirtyPostcode(dirt, patient.postcode);
    AppendCsvRow(out, {e.reference, IsoDateTime(e.arrival), incident, MeansName(e.means),
                       e.admitted ? "Yes" : "No", nhs, name.forename, name.surname, IsoDate(dob),
                       patient.sex == 'M' ? "Male" : "Female", home});
  }
  return out;
}

std::string FireIncidentCsv(Rng& dirt, const std::vector<FireEvent>& events) {
  std::string out;
  AppendCsvRow(out, {"Incident Number", "Incident Date", "Incident Time", "Fire Type", "Motive",
                     "Property Type", "Postcode"});
  for (const FireEvent& e : events) {
    AppendCsvRow(out, {e.reference, UkDate(absl::CivilDay(e.time)), HourMinute(e.time),
                       e.primary ? "Primary" : "Secondary", e.motive, e.property,
                       DirtyPostcode(dirt, e.postcode)});
  }
  return out;
}

std::string GroundTruthCsv(const std::vector<PoliceEvent>& police, const std::vector<EdEvent>& ed,
                           const std::vector<Person>& people) {
  std::string out;
  AppendCsvRow(out, {"dataset", "source_reference", "person_id"});
  for (const PoliceEvent& e : police) {
    AppendCsvRow(out, {"police_crime", e.reference, people[e.person].id});
  }
  for (const EdEvent& e : ed) {
    AppendCsvRow(out, {"ed_attendance", e.reference, people[e.person].id});
  }
  return out;
}

}  // namespace confide::synth::internal
