#pragma once

#include "absl/time/civil_time.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

int DaysInYear(int year);

// Friday or Saturday 20:00 until 02:59 the next morning: the night-time economy peak.
bool IsWeekendNight(absl::CivilSecond t);

// Relative likelihood of an event in `hour` (0..23) of `day`, never above the max passed to
// SampleTime alongside it.
using HourWeightFn = double (*)(absl::CivilDay day, int hour);

// A second in `year` drawn with density proportional to `weight` (rejection sampling).
absl::CivilSecond SampleTime(Rng& rng, int year, HourWeightFn weight, double max_weight);

}  // namespace confide::synth::internal
