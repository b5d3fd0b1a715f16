#pragma once

// Normalisation of person elements before tokenisation. Every agency must normalise the same way
// or their tokens will not agree, so these rules are part of the linkage protocol
// (docs/data-lead-guide.md lists them for data leads). A value that is missing, a placeholder or
// invalid normalises to nullopt, never to "".
//
// Names: UTF-8 is folded to lower-case ASCII letters (Siobhán -> siobhan, Łukasz -> lukasz,
// Æ -> ae, ß -> ss); apostrophes vanish inside a word (O'Neill -> oneill); every other
// non-letter (space, hyphen, full stop, digit) separates words. Leading titles (Mr, Dr, Prof...)
// and trailing suffixes (Jr, Snr, III...) are dropped from either field. A surname is all its
// remaining words run together (Smith-Jones, "Smith Jones" -> smithjones); a forename is its first
// remaining word ("John Paul" -> john, "Mary-Ann" -> mary), then mapped through the recipe's
// nickname table (bill -> william).
//
// Swapped names: a match key holding both FORENAME and SURNAME takes the two normalised names in
// sorted order (Pseudonymiser::Tokens), so a record with forename and surname entered the wrong way
// round still gives the same token when each field holds one name. Keys with derived name elements
// (SURNAME_PHONETIC, FORENAME_INITIAL) do not survive a swap.
//
// Thread-safe: everything here is pure or const after construction.

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "confide/v1/policy.pb.h"

namespace confide::agent {

// Normalised person elements of one record (missing elements are absent, never "").
using PersonElements = std::map<v1::PersonElement, std::string>;

// The words of a name folded to lower-case ASCII letters, titles and suffixes kept.
std::vector<std::string> FoldNameWords(absl::string_view text);

// Ten digits with a valid modulus-11 check digit that are not a placeholder number.
bool IsValidNhsNumber(absl::string_view ten_digits);
// Checksum-valid numbers that are never issued: one digit repeated (000 000 0000,
// 999 999 9999), a straight run (012 345 6789, 987 654 3210) or a leading 00. The NHS test range
// 999 000 0000 - 999 999 9998 is issued to nobody but is valid here: synthetic data uses it.
bool IsPlaceholderNhsNumber(absl::string_view ten_digits);
// Spaces and dashes ignored; anything else, or an invalid or placeholder number, is missing.
absl::optional<std::string> NormaliseNhsNumber(absl::string_view text);

// "m" or "f" from M/F/Male/Female (any case); anything else is missing.
absl::optional<std::string> NormaliseSex(absl::string_view text);

// yyyymmdd. Placeholder dates are missing: anything before 1901 (01/01/1900 is the classic
// default) and any date after the event the record describes (a future date of birth).
absl::optional<std::string> NormaliseDateOfBirth(absl::CivilDay birth, absl::CivilDay event);

// American Soundex of a normalised name (lower-case ASCII letters), lower-case: "s530". The first
// letter is kept; later letters map to digits (bfpv 1, cgjkqsxz 2, dt 3, l 4, mn 5, r 6); letters
// with the same digit next to each other, or separated only by h or w, count once (the first
// letter included); vowels and y separate and are dropped; the result is cut or zero-padded to
// one letter and three digits. Empty input gives "".
std::string Soundex(absl::string_view name);

// Adds the derived elements whose sources are present: SURNAME_PHONETIC, FORENAME_INITIAL,
// BIRTH_YEAR, POSTCODE_DISTRICT_OF_PERSON (lower-case outward code of POSTCODE) and
// DATE_OF_BIRTH_UNORDERED (yyyy, then the smaller and the larger of dd and mm). Derived values
// already present are recomputed, so they always follow from their sources.
void AddDerivedElements(PersonElements* elements);

// The normalisation rules that depend on the linkage recipe: its nickname table and its extra
// placeholder values. Immutable after construction.
class PersonNormaliser {
 public:
  PersonNormaliser() = default;
  // Placeholder values are compared after the same normalisation as the element they stand for: a
  // name after folding ("Not Given" matches "NOT-GIVEN"), an NHS number as its ten digits, a date
  // of birth written yyyy-mm-dd.
  explicit PersonNormaliser(const v1::LinkageRecipe& recipe);

  absl::optional<std::string> Forename(absl::string_view text) const;
  absl::optional<std::string> Surname(absl::string_view text) const;
  absl::optional<std::string> NhsNumber(absl::string_view text) const;
  absl::optional<std::string> DateOfBirth(absl::CivilDay birth, absl::CivilDay event) const;

 private:
  // The name's words after titles and suffixes are dropped; empty for a placeholder.
  std::vector<std::string> NameWords(absl::string_view text) const;
  bool IsPlaceholderName(absl::string_view folded) const;

  absl::flat_hash_map<std::string, std::string> nicknames_;  // variant -> canonical
  absl::flat_hash_set<std::string> placeholder_names_;       // folded, words run together
  absl::flat_hash_set<std::string> placeholder_nhs_numbers_;
  absl::flat_hash_set<std::string> placeholder_dates_;  // yyyymmdd
};

// Whole years between `birth` and `event`; nullopt if negative or above 120.
absl::optional<int> AgeAtEvent(absl::CivilDay birth, absl::CivilDay event);
// Bands: 0-9, 10-17, 18-24, 25-34, 35-44, 45-54, 55-64, 65+.
std::string AgeBand(int age);

}  // namespace confide::agent
