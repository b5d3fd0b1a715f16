#pragma once

#include <span>

#include "absl/strings/string_view.h"

namespace confide::synth::internal {

// One row of the nickname table: a canonical forename and the variants people go by, lower
// case, exactly as in the linkage recipe of deploy/policy/merseyside.textpb (a test keeps the
// two in step). Agencies record the variant ("Bill") where the person is "William".
struct NicknameEntry {
  absl::string_view name;
  std::span<const absl::string_view> variants;
};

std::span<const NicknameEntry> NicknameTable();

// The variants of `forename` (compared case-insensitively, ASCII), or an empty span.
std::span<const absl::string_view> NicknamesOf(absl::string_view forename);

}  // namespace confide::synth::internal
