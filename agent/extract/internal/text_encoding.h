#pragma once

// Byte-level conversion of one CSV field to UTF-8. Private to agent/extract.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "agent/extract/csv_reader.h"

namespace confide::agent::internal {

// What went wrong while converting one field. Holds byte values and counts
// only, never field content.
struct ConversionIssues {
  size_t nul_bytes = 0;
  size_t bad_sequences = 0;  // invalid UTF-8 or undefined Windows-1252 bytes
  uint8_t first_bad_byte = 0;
};

// Appends `raw`, decoded from `encoding`, to *out as valid UTF-8. NUL bytes,
// invalid UTF-8 sequences (one U+FFFD per maximal invalid subpart, as the
// Unicode standard recommends) and bytes undefined in Windows-1252 become
// U+FFFD and are counted in *issues.
void AppendAsUtf8(absl::string_view raw, Encoding encoding, std::string* out,
                  ConversionIssues* issues);

// Length of `raw` (UTF-8) without a trailing incomplete multi-byte sequence;
// used after truncating an over-long field.
size_t Utf8CompletePrefixLength(absl::string_view raw);

// Row problems for one field's issues, e.g. "column 3: invalid UTF-8 byte 0xC3".
void DescribeIssues(const ConversionIssues& issues, Encoding encoding, size_t column,
                    std::vector<std::string>* problems);

}  // namespace confide::agent::internal
