#pragma once

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace confide::synth::internal {

// Appends one RFC 4180 record terminated by CRLF, as Excel writes it: a field is quoted only
// when it holds a comma, a double quote, CR or LF, and quotes inside are doubled.
void AppendCsvRow(std::string& out, std::initializer_list<absl::string_view> fields);

}  // namespace confide::synth::internal
