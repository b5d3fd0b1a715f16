#pragma once

// Certificate identities and the test hub secret used by the Exchange tests, all from the
// example Merseyside policy (deploy/policy/merseyside.textpb).

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::testing {

inline constexpr char kPoliceAgent[] = "confide://agency/merseyside-police/agent";
inline constexpr char kHospitalAgent[] = "confide://agency/liverpool-university-hospitals/agent";
inline constexpr char kAnalyst[] = "confide://user/analyst/a.khan";
inline constexpr char kYouthAnalyst[] = "confide://user/analyst/j.smith";
inline constexpr char kIg[] = "confide://user/ig/r.patel";
inline constexpr char kTestHubSecret[] = "hub-secret-0123456789abcdef0123456789abcdef";

// The parsed identity of `uri`; a test failure (and an empty identity) if it does not parse.
inline Identity Id(absl::string_view uri) {
  absl::StatusOr<Identity> identity = ParseIdentity(uri);
  EXPECT_THAT(identity, IsOk()) << uri;
  return identity.value_or(Identity());
}

}  // namespace confide::testing
