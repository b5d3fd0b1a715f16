#include "agent/normalise.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace confide::agent {
namespace {

// Folds the Latin-1 Supplement letters (U+00C0..U+00FF) to ASCII.
char FoldLatin1(uint32_t code_point) {
  static const char kFold[] =
      "AAAAAAACEEEEIIII"   // C0..CF
      "DNOOOOO*OUUUUYTs"   // D0..DF
      "aaaaaaaceeeeiiii"   // E0..EF
      "dnooooo/ouuuuyty";  // F0..FF
  if (code_point < 0xC0 || code_point > 0xFF) {
    return 0;
  }
  char folded = kFold[code_point - 0xC0];
  return absl::ascii_isalpha(static_cast<unsigned char>(folded)) ? folded : 0;
}

}  // namespace

absl::optional<std::string> NormaliseName(absl::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      if (absl::ascii_isalpha(c)) {
        out.push_back(absl::ascii_tolower(c));
      }
      continue;
    }
    // Two-byte UTF-8 sequences cover the accented Latin letters used in British/Irish names.
    if ((c & 0xE0) == 0xC0 && i + 1 < name.size()) {
      uint32_t code_point = ((c & 0x1F) << 6) | (static_cast<unsigned char>(name[i + 1]) & 0x3F);
      char folded = FoldLatin1(code_point);
      if (folded != 0) {
        out.push_back(absl::ascii_tolower(folded));
      }
      ++i;
    }
  }
  if (out.empty() || out == "unknown" || out == "na" || out == "none" || out == "notknown" ||
      out == "notstated") {
    return absl::nullopt;
  }
  return out;
}

bool IsValidNhsNumber(absl::string_view digits) {
  if (digits.size() != 10) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(digits[i]))) {
      return false;
    }
  }
  for (int i = 0; i < 9; ++i) {
    sum += (digits[i] - '0') * (10 - i);
  }
  int check = 11 - sum % 11;
  if (check == 11) {
    check = 0;
  }
  if (check == 10) {
    return false;
  }
  // All-same-digit numbers pass the checksum but are test/placeholder values.
  bool all_same = digits.find_first_not_of(digits[0]) == absl::string_view::npos;
  return !all_same && check == digits[9] - '0';
}

absl::optional<std::string> NormaliseNhsNumber(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return absl::nullopt;
    }
  }
  if (!IsValidNhsNumber(digits)) {
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

absl::optional<std::string> NormaliseDateOfBirth(absl::CivilDay date) {
  if (date.year() < 1901) {
    return absl::nullopt;
  }
  return absl::StrFormat("%04d%02d%02d", date.year(), date.month(), date.day());
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
