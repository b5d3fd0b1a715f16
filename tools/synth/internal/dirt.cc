#include "tools/synth/internal/dirt.h"

#include <array>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "tools/synth/internal/population.h"

namespace confide::synth::internal {
namespace {

// Royal Mail never uses C I K M O V in the unit part of a postcode.
constexpr absl::string_view kUnitLetters = "ABDEFGHJLNPQRSTUWXYZ";

// Upper or lower case of a code point in U+0080..U+07FF (two-byte UTF-8), where we know it.
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
uint32_t LowerCodePoint(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
    return cp + 0x20;
  }
  if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && (cp % 2 == 0)) {
    return cp + 1;
  }
  return cp;
}

std::string MapCase(absl::string_view text, bool upper) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {
      const char c = static_cast<char>(b0);
      out.push_back(upper ? absl::ascii_toupper(c) : absl::ascii_tolower(c));
      continue;
    }
    if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const uint32_t in = (uint32_t{b0} & 0x1F) << 6 | (uint32_t{b1} & 0x3F);
      const uint32_t cp = upper ? UpperCodePoint(in) : LowerCodePoint(in);
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(b0));  // Longer sequences pass through unchanged.
  }
  return out;
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

// Letters next to each key on a UK QWERTY keyboard, for substitution typos.
constexpr std::array<absl::string_view, 26> kNeighbours = {
    "qsz",  "vghn", "xdfv", "sfec", "wrd",  "dgrv", "fhtb", "gjyn", "uok",
    "hkum", "jli",  "kop",  "njk",  "bhjm", "ipl",  "ol",   "wa",   "etf",
    "adwx", "ryg",  "yij",  "cfgb", "qes",  "zsdc", "tuh",  "asx"};

}  // namespace

std::string UpperCase(absl::string_view text) { return MapCase(text, true); }
std::string LowerCase(absl::string_view text) { return MapCase(text, false); }

std::string StripAccents(absl::string_view name) {
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
                                    {"Ë", "E"},
                                    {"Ö", "O"},
                                    {"Ś", "S"}});
}

bool HasAccents(absl::string_view name) { return StripAccents(name) != name; }

bool HasPunctuation(absl::string_view name) {
  return name.find_first_of("'- ") != absl::string_view::npos;
}

std::string PunctuationVariant(Rng& rng, absl::string_view name) {
  const uint64_t pick = rng.Below(3);
  if (absl::StrContains(name, "'")) {
    const absl::string_view with[] = {"", " ", "\u2019"};
    return absl::StrReplaceAll(name, {{"'", with[pick]}});
  }
  if (absl::StrContains(name, "-")) {
    return absl::StrReplaceAll(name, {{"-", pick == 0 ? "" : " "}});
  }
  return absl::StrReplaceAll(name, {{" ", pick == 0 ? "-" : ""}});
}

bool CanTypo(absl::string_view name) {
  int letters = 0;
  for (size_t i = 1; i < name.size(); ++i) {
    letters += IsAsciiLower(name[i]);
  }
  return name.size() >= 4 && letters >= 2;
}

std::string Typo(Rng& rng, absl::string_view name) {
  std::string out(name);
  if (!CanTypo(name)) {
    return out;
  }
  std::vector<size_t> positions;  // ASCII lower-case letters, never the first character
  for (size_t i = 1; i < out.size(); ++i) {
    if (IsAsciiLower(out[i])) {
      positions.push_back(i);
    }
  }
  const size_t pos = positions[rng.Below(positions.size())];
  switch (rng.Below(3)) {
    case 0: {  // a neighbouring key
      const absl::string_view near = kNeighbours[static_cast<size_t>(out[pos] - 'a')];
      out[pos] = near[rng.Below(near.size())];
      return out;
    }
    case 1:  // transpose with the next letter, when that changes anything
      if (pos + 1 < out.size() && IsAsciiLower(out[pos + 1]) && out[pos] != out[pos + 1]) {
        std::swap(out[pos], out[pos + 1]);
        return out;
      }
      [[fallthrough]];
    default:  // drop a letter
      out.erase(pos, 1);
      return out;
  }
}

std::string MistypeNhsNumber(Rng& rng, absl::string_view digits) {
  for (;;) {
    std::string out(digits);
    const size_t pos = 3 + rng.Below(7);  // keep the 999 test prefix
    if (rng.Chance(0.6) || pos == 9) {
      out[pos] = static_cast<char>('0' + (out[pos] - '0' + 1 + rng.Below(9)) % 10);
    } else {
      std::swap(out[pos], out[pos + 1]);
    }
    if (out != digits && !IsValidNhsNumber(out) && out != "9999999999") {
      return out;
    }
  }
}

std::string MistypePostcode(Rng& rng, absl::string_view postcode) {
  std::string out(postcode);
  const size_t sector = out.size() - 3;  // inward code: digit, letter, letter
  const uint64_t kind = rng.Below(3);
  if (kind == 0) {
    out[sector] = static_cast<char>('0' + (out[sector] - '0' + 1 + rng.Below(9)) % 10);
  } else if (kind == 1 && out[sector + 1] != out[sector + 2]) {
    std::swap(out[sector + 1], out[sector + 2]);
  } else {
    const size_t at = sector + 1 + rng.Below(2);
    const size_t was = kUnitLetters.find(out[at]);
    out[at] = kUnitLetters[(was + 1 + rng.Below(kUnitLetters.size() - 1)) % kUnitLetters.size()];
  }
  return out;
}

std::string PostcodeFormatVariant(Rng& rng, absl::string_view postcode) {
  if (rng.Chance(0.6)) {
    return absl::StrReplaceAll(postcode, {{" ", ""}});
  }
  return absl::AsciiStrToLower(postcode);
}

}  // namespace confide::synth::internal
