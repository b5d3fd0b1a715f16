#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/synth/internal/events.h"
#include "tools/synth/internal/population.h"
#include "tools/synth/synth.h"

namespace confide::synth::internal {

// Render each extract in its agency's own layout (header row, date formats, codes), adding
// per-row recording errors at `rates`. Each row draws from its own generator, derived from
// `seed`, the dataset and the row number, so that one row's errors never shift another's.
// Person-bearing writers append one row per extract row to `truth` (GroundTruthHeader()
// columns). Events must refer to indices of `people`.
std::string PoliceCrimeCsv(uint64_t seed, const ErrorRates& rates,
                           const std::vector<PoliceEvent>& events,
                           const std::vector<Person>& people, std::string& truth);
std::string EdAttendanceCsv(uint64_t seed, const ErrorRates& rates,
                            const std::vector<EdEvent>& events, const std::vector<Person>& people,
                            std::string& truth);
std::string AmbulanceIncidentCsv(uint64_t seed, const ErrorRates& rates,
                                 const std::vector<AmbulanceEvent>& events,
                                 const std::vector<Person>& people, std::string& truth);
std::string FireIncidentCsv(uint64_t seed, const ErrorRates& rates,
                            const std::vector<FireEvent>& events);

// dataset,source_reference,person_id,errors
std::string GroundTruthHeader();

// Every person's true identity: the other half of the answer key.
std::string GroundTruthPeopleCsv(const std::vector<Person>& people);

}  // namespace confide::synth::internal
