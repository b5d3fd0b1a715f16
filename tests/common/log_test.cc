#include "common/log.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide {
namespace {

using ::testing::MatchesRegex;

TEST(LogTest, WritesOneTimestampedLineWithLevelAndComponent) {
  ::testing::internal::CaptureStderr();
  LogWarning("agent", "quarantined ", 3, " rows");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
                                "WARN agent: quarantined 3 rows\n"));
}

TEST(LogTest, LevelsAreTagged) {
  ::testing::internal::CaptureStderr();
  LogInfo("hub", "started");
  LogError("hub", "stopped");
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, ::testing::HasSubstr(" INFO hub: started\n"));
  EXPECT_THAT(out, ::testing::HasSubstr(" ERROR hub: stopped\n"));
}

}  // namespace
}  // namespace confide
