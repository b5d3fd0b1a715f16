#include "tools/synth/internal/dirt.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"

namespace confide::synth::internal {
namespace {

// Upper case of a code point in U+0080..U+07FF (two-byte UTF-8), where we know it.
uint32_t UpperCodePoint(uint32_t cp) {
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) {  // Latin-1 Supplement: à..þ -> À..Þ
    return cp - 0x20;
  }
  // Latin Extended-A pairs each capital (even) with its small letter (odd) in these runs.
  if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && (cp % 2 == 1)) {
    return cp - 1;
  }
  return cp;
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string UpperCase(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      out.push_back(absl::ascii_toupper(static_cast<char>(b0)));
      continue;
    }
    if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const uint32_t cp = UpperCodePoint((uint32_t{b0} & 0x1F) << 6 | (uint32_t{b1} & 0x3F));
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(b0));  // Longer sequences pass through unchanged.
  }
  return out;
}

std::string FlattenName(absl::string_view name) {
  return absl::StrReplaceAll(name, {{"á", "a"},
                                    {"é", "e"},
                                    {"í", "i"},
                                    {"ó", "o"},
                                    {"ú", "u"},
                                    {"ë", "e"},
                                    {"ö", "o"},
                                    {"ï", "i"},
                                    {"ü", "u"},
                                    {"ś", "s"},
                                    {"Á", "A"},
                                    {"É", "E"},
                                    {"Í", "I"},
                                    {"Ó", "O"},
                                    {"Ú", "U"},
                                    {"'", ""},
                                    {"-", " "}});
}

std::string Typo(Rng& rng, absl::string_view name) {
  std::string out(name);
  std::vector<size_t> positions;  // ASCII lower-case letters, never the first character
  for (size_t i = 1; i < out.size(); ++i) {
    if (IsAsciiLower(out[i])) {
      positions.push_back(i);
    }
  }
  if (out.size() < 4 || positions.size() < 2) {
    return out;
  }
  const size_t pos = positions[rng.Below(positions.size())];
  switch (rng.Below(3)) {
    case 0:  // transpose with the next letter, when that changes anything
      if (pos + 1 < out.size() && IsAsciiLower(out[pos + 1]) && out[pos] != out[pos + 1]) {
        std::swap(out[pos], out[pos + 1]);
        return out;
      }
      [[fallthrough]];
    case 1:  // drop a letter
      out.erase(pos, 1);
      return out;
    default:  // double a letter
      out.insert(pos, 1, out[pos]);
      return out;
  }
}

Name DirtyName(Rng& rng, absl::string_view forename, absl::string_view surname) {
  Name name{std::string(forename), std::string(surname)};
  const double u = rng.Unit();
  if (u < 0.015) {
    name.surname = Typo(rng, name.surname);
  } else if (u < 0.030) {
    name.forename = FlattenName(name.forename);
    name.surname = FlattenName(name.surname);
  }
  if (rng.Chance(0.02)) {
    name.forename = UpperCase(name.forename);
    name.surname = UpperCase(name.surname);
  }
  return name;
}

std::string DirtyPostcode(Rng& rng, absl::string_view postcode) {
  const double u = rng.Unit();
  if (u < 0.015) {
    return absl::StrReplaceAll(postcode, {{" ", ""}});
  }
  if (u < 0.025) {
    return absl::AsciiStrToLower(postcode);
  }
  return std::string(postcode);
}

}  // namespace confide::synth::internal
