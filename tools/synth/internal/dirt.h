#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "tools/synth/internal/rng.h"

namespace confide::synth::internal {

// String-level recording errors. Each takes a clean value and returns it with one kind of
// error; which variant depends only on `rng`, so a seed reproduces the same errors. Every output
// is valid UTF-8. Where a Can/Has predicate exists, the function changes the value exactly when
// the predicate holds, and returns it unchanged otherwise.

// Upper and lower case for ASCII and the Latin-1 and Latin Extended-A letters the name lists
// use (SIOBHÁN, siobhán).
std::string UpperCase(absl::string_view text);
std::string LowerCase(absl::string_view text);

// Siobhán -> Siobhan, Zoë -> Zoe, Ó Briain -> O Briain, Wiśniewski -> Wisniewski.
std::string StripAccents(absl::string_view name);
bool HasAccents(absl::string_view name);

// An apostrophe dropped, spaced or curled (O'Neill -> ONeill, O Neill, O’Neill); else a hyphen
// spaced or dropped (Smith-Jones -> Smith Jones, SmithJones); else a space dropped or
// hyphenated (Mac Giolla -> MacGiolla, Mac-Giolla).
std::string PunctuationVariant(Rng& rng, absl::string_view name);
bool HasPunctuation(absl::string_view name);

// One keyboard-neighbour substitution, transposition of two different adjacent letters, or
// dropped letter, never at the first character. Possible for names of at least four bytes with
// at least two ASCII lower-case letters after the first character.
std::string Typo(Rng& rng, absl::string_view name);
bool CanTypo(absl::string_view name);

// Ten digits with one digit after the 999 prefix changed, or two adjacent ones transposed, such
// that the check digit no longer matches (and never 9999999999). `digits` must be a valid
// number.
std::string MistypeNhsNumber(Rng& rng, absl::string_view digits);

// "L8 1AB" -> "L8 1AD", "L8 7AB" or "L8 1BA": same district, still well-formed, one inward
// character (or the order of the two letters) wrong.
std::string MistypePostcode(Rng& rng, absl::string_view postcode);

// "L81AB" (60%) or "l8 1ab": the same postcode as some systems store it.
std::string PostcodeFormatVariant(Rng& rng, absl::string_view postcode);

}  // namespace confide::synth::internal
