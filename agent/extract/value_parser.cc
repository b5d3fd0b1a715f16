// ParseBoolean, ParseInteger, ParseEnum and ParsePostcode from value_parser.h;
// the date parsers are in date_parser.cc.

#include "agent/extract/value_parser.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace confide::agent {
namespace {

// Lower-cases ASCII and drops all whitespace, including U+00A0.
std::string EnumKey(absl::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2 && i + 1 < text.size() && text[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    if (!absl::ascii_isspace(c)) {
      key.push_back(absl::ascii_tolower(c));
    }
  }
  return key;
}

std::string ExpectedOneOf(const EnumSpec& spec) {
  constexpr size_t kMaxListed = 10;
  std::string message = "expected one of: ";
  for (size_t i = 0; i < spec.codes.size() && i < kMaxListed; ++i) {
    absl::StrAppend(&message, i == 0 ? "" : ", ", spec.codes[i]);
  }
  if (spec.codes.size() > kMaxListed) {
    absl::StrAppend(&message, ", ...");
  }
  return message;
}

bool IsLetterIn(char c, absl::string_view allowed) {
  return absl::ascii_isupper(static_cast<unsigned char>(c)) && absl::StrContains(allowed, c);
}
bool IsDigit(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); }

// Outward code shapes from BS 7666: A9, A99, AA9, AA99, A9A, AA9A, with the
// letters each position may hold.
bool ValidOutward(absl::string_view out) {
  constexpr absl::string_view kFirst = "ABCDEFGHIJKLMNOPRSTUWYZ";   // not Q V X
  constexpr absl::string_view kSecond = "ABCDEFGHKLMNOPQRSTUVWXY";  // not I J Z
  constexpr absl::string_view kThird = "ABCDEFGHJKPSTUW";           // A9A
  constexpr absl::string_view kFourth = "ABEHMNPRVWXY";             // AA9A
  if (out.size() < 2 || !IsLetterIn(out[0], kFirst)) {
    return false;
  }
  if (IsDigit(out[1])) {  // A9, A99, A9A
    return out.size() == 2 || (out.size() == 3 && (IsDigit(out[2]) || IsLetterIn(out[2], kThird)));
  }
  if (!IsLetterIn(out[1], kSecond) || out.size() < 3 || !IsDigit(out[2])) {
    return false;
  }
  return out.size() == 3 || (out.size() == 4 && (IsDigit(out[3]) || IsLetterIn(out[3], kFourth)));
}

bool ValidInward(absl::string_view in) {
  constexpr absl::string_view kInwardLetters = "ABDEFGHJLNPQRSTUWXYZ";  // not C I K M O V
  return in.size() == 3 && IsDigit(in[0]) && IsLetterIn(in[1], kInwardLetters) &&
         IsLetterIn(in[2], kInwardLetters);
}

}  // namespace

absl::StatusOr<bool> ParseBoolean(absl::string_view text) {
  const std::string value = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (value == "y" || value == "yes" || value == "1" || value == "true" || value == "t") {
    return true;
  }
  if (value == "n" || value == "no" || value == "0" || value == "false" || value == "f") {
    return false;
  }
  return absl::InvalidArgumentError("expected a boolean (Y/N, Yes/No, 1/0, True/False, T/F)");
}

absl::StatusOr<int64_t> ParseInteger(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  const bool negative = absl::ConsumePrefix(&text, "-");
  if (!negative) {
    absl::ConsumePrefix(&text, "+");
  }
  if (text.empty()) {
    return absl::InvalidArgumentError("expected an integer");
  }
  // Magnitudes up to 2^63 fit when negative; accumulate unsigned.
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  uint64_t magnitude = 0;
  bool overflow = false;
  for (char c : text) {
    if (!IsDigit(c)) {
      return absl::InvalidArgumentError(
          c == ',' ? "expected an integer without thousands separators" : "expected an integer");
    }
    const auto digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) {
      overflow = true;  // keep scanning so that bad characters still win
    } else {
      magnitude = magnitude * 10 + digit;
    }
  }
  if (overflow) {
    return absl::OutOfRangeError("integer does not fit in 64 bits");
  }
  if (negative) {
    return static_cast<int64_t>(0 - magnitude);  // two's complement; exact for -2^63
  }
  return static_cast<int64_t>(magnitude);
}

absl::StatusOr<std::string> ParseEnum(absl::string_view text, const EnumSpec& spec) {
  const std::string key = EnumKey(text);
  if (!key.empty()) {
    for (const std::string& code : spec.codes) {
      if (EnumKey(code) == key) {
        return code;
      }
    }
    for (const auto& [synonym, code] : spec.synonyms) {
      if (EnumKey(synonym) != key) {
        continue;
      }
      for (const std::string& known : spec.codes) {
        if (known == code) {
          return known;
        }
      }
      return absl::FailedPreconditionError(
          absl::StrCat("enum synonym \"", synonym, "\" maps to unknown code \"", code, "\""));
    }
  }
  return absl::InvalidArgumentError(ExpectedOneOf(spec));
}

absl::StatusOr<Postcode> ParsePostcode(absl::string_view text) {
  std::string compact;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u)) {
      continue;
    }
    if (!absl::ascii_isalnum(u) || compact.size() >= 7) {
      return absl::InvalidArgumentError("expected a UK postcode such as \"L8 1AB\"");
    }
    compact.push_back(absl::ascii_toupper(u));
  }
  if (compact.size() < 5) {
    return absl::InvalidArgumentError("expected a UK postcode such as \"L8 1AB\"");
  }
  const absl::string_view all = compact;
  const absl::string_view outward = all.substr(0, all.size() - 3);
  const absl::string_view inward = all.substr(all.size() - 3);
  // GIR 0AA (Girobank) predates the rules but is a real postcode.
  if (!(outward == "GIR" && inward == "0AA")) {
    if (!ValidOutward(outward)) {
      return absl::InvalidArgumentError("expected a UK postcode: the outward code is not valid");
    }
    if (!ValidInward(inward)) {
      return absl::InvalidArgumentError(
          "expected a UK postcode: the inward code must be a digit and two letters");
    }
  }
  Postcode postcode;
  postcode.full = absl::StrCat(outward, " ", inward);
  postcode.district = std::string(outward);
  postcode.sector = absl::StrCat(outward, " ", inward.substr(0, 1));
  return postcode;
}

}  // namespace confide::agent
