#pragma once

// Escaping for the text formats Confide writes (CSV exports, quarantine files, JSON receipts and
// results), shared so every writer quotes the same way.

#include <string>

#include "absl/strings/string_view.h"

namespace confide {

// RFC 4180 field: quoted (with doubled quotes) only when it holds a comma, quote, CR or LF.
std::string CsvField(absl::string_view text);

// A JSON string literal, quotes included; control characters escaped.
std::string JsonQuoted(absl::string_view text);

}  // namespace confide
