#include "agent/progress.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"

namespace confide::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(ProgressLineTest, ShowsRowsPercentRateAndTimeLeft) {
  EXPECT_EQ(
      ProgressReporter::Line("pushing police_crime", 120000, 15000000, 25000000, absl::Seconds(6)),
      "pushing police_crime: 120000 rows, 60% of 25.0 MB, 20000 rows/s, about 4 s left");
}

TEST(ProgressLineTest, UnknownSizeHasNoPercentOrTimeLeft) {
  std::string line = ProgressReporter::Line("pushing x", 10, 100, -1, absl::Seconds(1));
  EXPECT_EQ(line, "pushing x: 10 rows, 10 rows/s");
}

TEST(ProgressBarTest, FillsInProportionAndShowsEta) {
  std::string bar = ProgressReporter::Bar("pushing police_crime", 90000, 45, 100, absl::Seconds(9));
  EXPECT_THAT(bar, StartsWith("pushing police_crime [==========>             ]  45%"));
  EXPECT_THAT(bar, HasSubstr("90000 rows  10000 rows/s  ETA 0:11"));
  EXPECT_THAT(ProgressReporter::Bar("x", 1, 100, 100, absl::Seconds(1)),
              HasSubstr("[========================] 100%"));
  EXPECT_THAT(ProgressReporter::Bar("x", 1, 1, 1000, absl::Hours(2)), HasSubstr("ETA 1998:00:00"));
}

TEST(ProgressReporterTest, PlainLinesAtTheIntervalWhenNotATerminal) {
  std::ostringstream out;
  testing::FakeClock clock;
  ProgressReporter progress(out, /*terminal=*/false, clock, absl::Seconds(5));
  progress.Begin("pushing d", 1000);
  clock.Advance(absl::Seconds(4));
  progress.Update(400, 400);
  EXPECT_EQ(out.str(), "");
  clock.Advance(absl::Seconds(1));
  progress.Update(500, 500);
  EXPECT_EQ(out.str(), "pushing d: 500 rows, 50% of 0.0 MB, 100 rows/s, about 5 s left\n");
  clock.Advance(absl::Seconds(1));
  progress.Update(600, 600);
  EXPECT_THAT(out.str(), Not(HasSubstr("600 rows")));
  progress.End();
  EXPECT_THAT(out.str(), Not(HasSubstr("\r")));
}

TEST(ProgressReporterTest, TerminalBarIsRedrawnInPlaceAndErasedAtTheEnd) {
  std::ostringstream out;
  testing::FakeClock clock;
  ProgressReporter progress(out, /*terminal=*/true, clock);
  progress.Begin("pushing d", 1000);
  clock.Advance(absl::Milliseconds(250));
  progress.Update(100, 100);
  clock.Advance(absl::Milliseconds(250));
  progress.Update(200, 200);
  progress.End();
  EXPECT_THAT(out.str(), StartsWith("\rpushing d ["));
  EXPECT_THAT(out.str(), HasSubstr("\x1b[K\rpushing d ["));
  EXPECT_THAT(out.str(), HasSubstr("200 rows"));
  EXPECT_THAT(out.str(), ::testing::EndsWith("\r\x1b[K"));
  EXPECT_THAT(out.str(), Not(HasSubstr("\n")));
}

}  // namespace
}  // namespace confide::agent
