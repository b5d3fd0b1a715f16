#pragma once

// Abseil 20220623 has no ABSL_RETURN_IF_ERROR / ABSL_ASSIGN_OR_RETURN yet.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CONFIDE_RETURN_IF_ERROR(expr)                                     \
  do {                                                                    \
    if (::absl::Status confide_status_ = (expr); !confide_status_.ok()) { \
      return confide_status_;                                             \
    }                                                                     \
  } while (false)

#define CONFIDE_STATUS_CONCAT_INNER_(a, b) a##b
#define CONFIDE_STATUS_CONCAT_(a, b) CONFIDE_STATUS_CONCAT_INNER_(a, b)

// CONFIDE_ASSIGN_OR_RETURN(auto x, Foo()); or CONFIDE_ASSIGN_OR_RETURN(x, Foo());
#define CONFIDE_ASSIGN_OR_RETURN(lhs, expr) \
  CONFIDE_ASSIGN_OR_RETURN_IMPL_(CONFIDE_STATUS_CONCAT_(confide_statusor_, __LINE__), lhs, expr)

#define CONFIDE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) {                                     \
    return std::move(statusor).status();                    \
  }                                                         \
  lhs = *std::move(statusor)
