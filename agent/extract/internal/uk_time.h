#pragma once

// UTC -> UK civil time. Private to agent/extract.

#include "absl/time/civil_time.h"

namespace confide::agent::internal {

// Converts a UTC civil time to Europe/London civil time, using tzdata when
// absl::LoadTimeZone finds it and UkCivilFromUtcBuiltIn otherwise.
absl::CivilSecond UkCivilFromUtc(absl::CivilSecond utc);

// The current UK rule without tzdata: BST (UTC+1) from the last Sunday of
// March 01:00 UTC to the last Sunday of October 01:00 UTC, GMT otherwise.
// Wrong for years before 1996, when the UK rules differed.
absl::CivilSecond UkCivilFromUtcBuiltIn(absl::CivilSecond utc);

}  // namespace confide::agent::internal
