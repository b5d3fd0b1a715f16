#include "agent/extract/internal/text_encoding.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confide::agent::internal {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Windows-1252 0x80..0x9F; 0 marks the five undefined bytes. 0xA0..0xFF are
// the same as Latin-1.
constexpr uint16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void NoteBad(uint8_t byte, ConversionIssues* issues, std::string* out) {
  if (issues->bad_sequences == 0) {
    issues->first_bad_byte = byte;
  }
  ++issues->bad_sequences;
  out->append(kReplacement.data(), kReplacement.size());
}

// Length of the well-formed UTF-8 sequence starting at raw[i] (Unicode Table
// 3-7), or 0 if it is ill-formed; *consumed is then the length of the maximal
// invalid subpart, which becomes a single U+FFFD.
size_t Utf8SequenceLength(absl::string_view raw, size_t i, size_t* consumed) {
  const auto lead = static_cast<uint8_t>(raw[i]);
  size_t need = 0;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead == 0xE0) {
    need = 2, lo = 0xA0;  // no overlong forms
  } else if (lead == 0xED) {
    need = 2, hi = 0x9F;  // no UTF-16 surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    need = 2;
  } else if (lead == 0xF0) {
    need = 3, lo = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    need = 3;
  } else if (lead == 0xF4) {
    need = 3, hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *consumed = 1;
    return 0;
  }
  size_t j = i + 1;
  for (size_t k = 0; k < need; ++k, ++j) {
    if (j >= raw.size()) {
      *consumed = j - i;
      return 0;
    }
    const auto c = static_cast<uint8_t>(raw[j]);
    if (c < lo || c > hi) {
      *consumed = j - i;
      return 0;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  *consumed = need + 1;
  return need + 1;
}

void AppendUtf8(absl::string_view raw, std::string* out, ConversionIssues* issues) {
  size_t clean_start = 0;  // start of the pending run copied verbatim
  size_t i = 0;
  while (i < raw.size()) {
    const auto b = static_cast<uint8_t>(raw[i]);
    if (b != 0 && b < 0x80) {
      ++i;
      continue;
    }
    size_t consumed = 0;
    if (b != 0 && Utf8SequenceLength(raw, i, &consumed) > 0) {
      i += consumed;
      continue;
    }
    out->append(raw.data() + clean_start, i - clean_start);
    if (b == 0) {
      ++issues->nul_bytes;
      out->append(kReplacement.data(), kReplacement.size());
      consumed = 1;
    } else {
      NoteBad(b, issues, out);
    }
    i += consumed;
    clean_start = i;
  }
  out->append(raw.data() + clean_start, raw.size() - clean_start);
}

void AppendSingleByte(absl::string_view raw, bool windows1252, std::string* out,
                      ConversionIssues* issues) {
  for (char ch : raw) {
    const auto b = static_cast<uint8_t>(ch);
    if (b == 0) {
      ++issues->nul_bytes;
      out->append(kReplacement.data(), kReplacement.size());
    } else if (b < 0x80) {
      out->push_back(ch);
    } else if (windows1252 && b < 0xA0) {
      const uint16_t cp = kWindows1252High[b - 0x80];
      if (cp == 0) {
        NoteBad(b, issues, out);
      } else {
        AppendCodePoint(cp, out);
      }
    } else {
      AppendCodePoint(b, out);
    }
  }
}

}  // namespace

void AppendAsUtf8(absl::string_view raw, Encoding encoding, std::string* out,
                  ConversionIssues* issues) {
  switch (encoding) {
    case Encoding::kUtf8:
      AppendUtf8(raw, out, issues);
      return;
    case Encoding::kWindows1252:
      AppendSingleByte(raw, /*windows1252=*/true, out, issues);
      return;
    case Encoding::kLatin1:
      AppendSingleByte(raw, /*windows1252=*/false, out, issues);
      return;
  }
}

size_t Utf8CompletePrefixLength(absl::string_view raw) {
  const size_t n = raw.size();
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    const auto b = static_cast<uint8_t>(raw[n - back]);
    if ((b & 0xC0) == 0x80) {
      continue;  // continuation byte: keep looking for the lead byte
    }
    const size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    return length > back ? n - back : n;
  }
  return n;
}

void DescribeIssues(const ConversionIssues& issues, Encoding encoding, size_t column,
                    std::vector<std::string>* problems) {
  if (issues.nul_bytes == 1) {
    problems->push_back(absl::StrCat("column ", column, ": NUL byte"));
  } else if (issues.nul_bytes > 1) {
    problems->push_back(absl::StrCat("column ", column, ": ", issues.nul_bytes, " NUL bytes"));
  }
  if (issues.bad_sequences == 0) {
    return;
  }
  std::string problem =
      encoding == Encoding::kUtf8
          ? absl::StrFormat("column %d: invalid UTF-8 byte 0x%02X", column, issues.first_bad_byte)
          : absl::StrFormat("column %d: byte 0x%02X is undefined in Windows-1252", column,
                            issues.first_bad_byte);
  if (issues.bad_sequences > 1) {
    absl::StrAppend(&problem, " (and ", issues.bad_sequences - 1, " more)");
  }
  problems->push_back(std::move(problem));
}

}  // namespace confide::agent::internal
