#pragma once

// Abseil 20220623 ships no IsOk/StatusIs matchers.

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace confide::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = ::confide::testing::GetStatus(arg);
  if (!status.ok()) {
    *result_listener << "status is " << status;
  }
  return status.ok();
}

MATCHER_P(StatusIs, code, "has status code " + ::testing::PrintToString(code)) {
  const absl::Status& status = ::confide::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher, "has status code and message") {
  const absl::Status& status = ::confide::testing::GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                       result_listener);
}

MATCHER_P(IsOkAndHolds, value, "is OK and holds " + ::testing::PrintToString(value)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value, *arg, result_listener);
}

}  // namespace confide::testing

#define CONFIDE_ASSERT_OK_AND_ASSIGN(lhs, expr)                             \
  auto CONFIDE_STATUS_TEST_CONCAT_(confide_test_so_, __LINE__) = (expr);    \
  ASSERT_TRUE(CONFIDE_STATUS_TEST_CONCAT_(confide_test_so_, __LINE__).ok()) \
      << CONFIDE_STATUS_TEST_CONCAT_(confide_test_so_, __LINE__).status();  \
  lhs = *std::move(CONFIDE_STATUS_TEST_CONCAT_(confide_test_so_, __LINE__))
#define CONFIDE_STATUS_TEST_CONCAT_INNER_(a, b) a##b
#define CONFIDE_STATUS_TEST_CONCAT_(a, b) CONFIDE_STATUS_TEST_CONCAT_INNER_(a, b)
