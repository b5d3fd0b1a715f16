#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// The light dirt of version 1. Each helper leaves most inputs untouched; which ones it changes
// depends only on `rng`, so a seed reproduces the same dirt. Every output is still valid
// UTF-8 and still a well-formed value for its column.

struct Name {
  std::string forename;
  std::string surname;
};

// About 2% of rows upper-cased, 1.5% with accents, apostrophes and hyphens flattened the way
// older systems store them (Siobhán O'Neill -> Siobhan ONeill), 1.5% with a surname typo.
Name DirtyName(Rng& rng, absl::string_view forename, absl::string_view surname);

// About 1.5% without the space ("L81AB"), 1% in lower case ("l8 1ab").
std::string DirtyPostcode(Rng& rng, absl::string_view postcode);

// Upper case for ASCII and the Latin-1 and Latin Extended-A letters the name lists use.
std::string UpperCase(absl::string_view text);

// Siobhán -> Siobhan, Zoë -> Zoe, O'Neill -> ONeill, Smith-Jones -> Smith Jones.
std::string FlattenName(absl::string_view name);

// One transposition, deletion or doubling of an ASCII letter away from the first character;
// names too short or without such letters come back unchanged.
std::string Typo(Rng& rng, absl::string_view name);

}  // namespace confide::synth::internal
