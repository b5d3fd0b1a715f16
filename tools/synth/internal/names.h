#pragma once

#include "absl/strings/string_view.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// Name draws from British and Irish name lists as found on Merseyside, including names with
// accents, apostrophes, hyphens and spaces (Siobhán, Zoë, O'Neill, Smith-Jones, Ó Briain) that
// stress normalisation. Earlier list entries are drawn more often (a Zipf-like curve), so common
// names such as Jones and Smith collide the way they do in real extracts.
absl::string_view PickForename(Rng& rng, char sex);  // sex is 'M' or 'F'
absl::string_view PickSurname(Rng& rng);

// A forename for the twin of `sibling`, never equal to it; with `same_initial`, one that starts
// with the same letter when the list has one.
absl::string_view PickTwinForename(Rng& rng, char sex, absl::string_view sibling,
                                   bool same_initial);

}  // namespace confide::synth::internal
