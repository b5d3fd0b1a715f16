#pragma once

// Minimal structured logging to stderr. Callers must never pass identifiers, tokens, keys or
// payload values: log counts, ids of batches and policy rules only.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace confide {

enum class LogLevel { kInfo, kWarning, kError };

void Log(LogLevel level, absl::string_view component, absl::string_view message);

template <typename... Args>
void LogInfo(absl::string_view component, const Args&... args) {
  Log(LogLevel::kInfo, component, absl::StrCat(args...));
}
template <typename... Args>
void LogWarning(absl::string_view component, const Args&... args) {
  Log(LogLevel::kWarning, component, absl::StrCat(args...));
}
template <typename... Args>
void LogError(absl::string_view component, const Args&... args) {
  Log(LogLevel::kError, component, absl::StrCat(args...));
}

}  // namespace confide
