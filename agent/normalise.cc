#include "agent/normalise.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace confide::agent {
namespace {

// Digits of an NHS number as typed: spaces and dashes dropped; nullopt on any other character.
absl::optional<std::string> NhsDigits(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return absl::nullopt;
    }
  }
  return digits;
}

bool HasValidCheckDigit(absl::string_view digits) {
  if (digits.size() != 10) {
    return false;
  }
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    sum += (digits[i] - '0') * (10 - i);
  }
  int check = 11 - sum % 11;
  if (check == 11) {
    check = 0;
  }
  return check != 10 && check == digits[9] - '0';
}

// 0 for vowels and y, which separate letters of the same code; -1 for h and w, which do not.
int SoundexCode(char letter) {
  switch (letter) {
    case 'b':
    case 'f':
    case 'p':
    case 'v':
      return 1;
    case 'c':
    case 'g':
    case 'j':
    case 'k':
    case 'q':
    case 's':
    case 'x':
    case 'z':
      return 2;
    case 'd':
    case 't':
      return 3;
    case 'l':
      return 4;
    case 'm':
    case 'n':
      return 5;
    case 'r':
      return 6;
    case 'h':
    case 'w':
      return -1;
    default:
      return 0;
  }
}

}  // namespace

bool IsPlaceholderNhsNumber(absl::string_view digits) {
  if (digits.size() != 10) {
    return false;
  }
  const bool one_digit = digits.find_first_not_of(digits[0]) == absl::string_view::npos;
  // No number has been issued below 010 000 0000: Scottish CHI numbers start with the day of
  // birth (01..31) and the rest of the UK's with 3..9.
  const bool leading_zeros = digits.substr(0, 2) == "00";
  const bool straight_run = digits == "0123456789" || digits == "1234567890" ||
                            digits == "9876543210" || digits == "0987654321";
  return one_digit || leading_zeros || straight_run;
}

bool IsValidNhsNumber(absl::string_view digits) {
  return HasValidCheckDigit(digits) && !IsPlaceholderNhsNumber(digits);
}

absl::optional<std::string> NormaliseNhsNumber(absl::string_view text) {
  absl::optional<std::string> digits = NhsDigits(text);
  if (!digits.has_value() || !IsValidNhsNumber(*digits)) {
    return absl::nullopt;
  }
  return digits;
}

absl::optional<std::string> NormaliseSex(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (lower == "m" || lower == "male") {
    return std::string("m");
  }
  if (lower == "f" || lower == "female") {
    return std::string("f");
  }
  return absl::nullopt;
}

absl::optional<std::string> NormaliseDateOfBirth(absl::CivilDay birth, absl::CivilDay event) {
  if (birth.year() < 1901 || birth > event) {
    return absl::nullopt;
  }
  return absl::StrFormat("%04d%02d%02d", birth.year(), birth.month(), birth.day());
}

std::string Soundex(absl::string_view name) {
  size_t first = 0;
  while (first < name.size() && !absl::ascii_isalpha(static_cast<unsigned char>(name[first]))) {
    ++first;
  }
  if (first == name.size()) {
    return "";
  }
  std::string code(1, absl::ascii_tolower(static_cast<unsigned char>(name[first])));
  int previous = std::max(SoundexCode(code[0]), 0);
  for (size_t i = first + 1; i < name.size() && code.size() < 4; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (!absl::ascii_isalpha(c)) {
      continue;
    }
    const int digit = SoundexCode(absl::ascii_tolower(c));
    if (digit < 0) {
      continue;  // h and w: the letters either side still count as adjacent
    }
    if (digit > 0 && digit != previous) {
      code.push_back(static_cast<char>('0' + digit));
    }
    previous = digit;
  }
  code.resize(4, '0');
  return code;
}

void AddDerivedElements(PersonElements* elements) {
  auto source = [&](v1::PersonElement element) -> absl::string_view {
    auto it = elements->find(element);
    return it == elements->end() ? absl::string_view() : absl::string_view(it->second);
  };
  for (v1::PersonElement derived : {v1::SURNAME_PHONETIC, v1::FORENAME_INITIAL, v1::BIRTH_YEAR,
                                    v1::POSTCODE_DISTRICT_OF_PERSON, v1::DATE_OF_BIRTH_UNORDERED}) {
    elements->erase(derived);
  }
  if (absl::string_view surname = source(v1::SURNAME); !surname.empty()) {
    if (std::string code = Soundex(surname); !code.empty()) {
      (*elements)[v1::SURNAME_PHONETIC] = std::move(code);
    }
  }
  if (absl::string_view forename = source(v1::FORENAME); !forename.empty()) {
    (*elements)[v1::FORENAME_INITIAL] = std::string(forename.substr(0, 1));
  }
  if (absl::string_view dob = source(v1::DATE_OF_BIRTH); dob.size() == 8) {
    (*elements)[v1::BIRTH_YEAR] = std::string(dob.substr(0, 4));
    absl::string_view month = dob.substr(4, 2);
    absl::string_view day = dob.substr(6, 2);
    (*elements)[v1::DATE_OF_BIRTH_UNORDERED] =
        absl::StrCat(dob.substr(0, 4), std::min(day, month), std::max(day, month));
  }
  // POSTCODE holds the compact postcode ("L81AB"); the inward code is always its last three.
  if (absl::string_view postcode = source(v1::POSTCODE); postcode.size() >= 5) {
    (*elements)[v1::POSTCODE_DISTRICT_OF_PERSON] =
        absl::AsciiStrToLower(postcode.substr(0, postcode.size() - 3));
  }
}

PersonNormaliser::PersonNormaliser(const v1::LinkageRecipe& recipe) {
  for (const v1::Nickname& nickname : recipe.nicknames()) {
    const std::string canonical = absl::StrJoin(FoldNameWords(nickname.name()), "");
    if (canonical.empty()) {
      continue;
    }
    for (const std::string& variant : nickname.variants()) {
      const std::string folded = absl::StrJoin(FoldNameWords(variant), "");
      if (!folded.empty() && folded != canonical) {
        nicknames_.emplace(folded, canonical);  // policy validation refuses a variant listed twice
      }
    }
  }
  for (const std::string& value : recipe.placeholder_values()) {
    if (std::string folded = absl::StrJoin(FoldNameWords(value), ""); !folded.empty()) {
      placeholder_names_.insert(std::move(folded));
    }
    if (absl::optional<std::string> digits = NhsDigits(absl::StripAsciiWhitespace(value));
        digits.has_value() && digits->size() == 10) {
      placeholder_nhs_numbers_.insert(*digits);
    }
    absl::CivilDay day;
    if (absl::ParseCivilTime(absl::StripAsciiWhitespace(value), &day)) {
      placeholder_dates_.insert(
          absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day()));
    }
  }
}

absl::optional<std::string> PersonNormaliser::NhsNumber(absl::string_view text) const {
  absl::optional<std::string> number = NormaliseNhsNumber(text);
  if (number.has_value() && placeholder_nhs_numbers_.contains(*number)) {
    return absl::nullopt;
  }
  return number;
}

absl::optional<std::string> PersonNormaliser::DateOfBirth(absl::CivilDay birth,
                                                          absl::CivilDay event) const {
  absl::optional<std::string> date = NormaliseDateOfBirth(birth, event);
  if (date.has_value() && placeholder_dates_.contains(*date)) {
    return absl::nullopt;
  }
  return date;
}

absl::optional<int> AgeAtEvent(absl::CivilDay birth, absl::CivilDay event) {
  int age = static_cast<int>(event.year() - birth.year());
  if (event.month() < birth.month() ||
      (event.month() == birth.month() && event.day() < birth.day())) {
    --age;
  }
  if (age < 0 || age > 120) {
    return absl::nullopt;
  }
  return age;
}

std::string AgeBand(int age) {
  if (age < 10) {
    return "0-9";
  }
  if (age < 18) {
    return "10-17";
  }
  if (age < 25) {
    return "18-24";
  }
  if (age < 35) {
    return "25-34";
  }
  if (age < 45) {
    return "35-44";
  }
  if (age < 55) {
    return "45-54";
  }
  if (age < 65) {
    return "55-64";
  }
  return "65+";
}

}  // namespace confide::agent
