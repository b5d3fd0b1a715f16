#pragma once

#include <string>
#include <vector>

#include "tools/synth/internal/events.h"
#include "tools/synth/internal/population.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// Render each extract in its agency's own layout (header row, date formats, codes), adding
// per-row dirt drawn from `dirt`. Events must refer to indices of `people`.
std::string PoliceCrimeCsv(Rng& dirt, const std::vector<PoliceEvent>& events,
                           const std::vector<Person>& people);
std::string EdAttendanceCsv(Rng& dirt, const std::vector<EdEvent>& events,
                            const std::vector<Person>& people);
std::string FireIncidentCsv(Rng& dirt, const std::vector<FireEvent>& events);

// dataset,source_reference,person_id for every police and ED row: the linkage answer key.
std::string GroundTruthCsv(const std::vector<PoliceEvent>& police, const std::vector<EdEvent>& ed,
                           const std::vector<Person>& people);

}  // namespace confide::synth::internal
