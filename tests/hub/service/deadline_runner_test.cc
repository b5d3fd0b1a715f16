// The deadline on storage waits: a call that stalls fails its request with Unavailable on time
// (and does not hang it), still runs to completion afterwards, the pool's queue is bounded, and
// work after the stall is served normally.

#include "hub/service/deadline_runner.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOkAndHolds;

using ::testing::HasSubstr;

// A disk that stalls until released.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(DeadlineRunnerTest, ReturnsTheCallsResult) {
  DeadlineRunner runner(2, absl::Seconds(5), 8);
  EXPECT_THAT(runner.Run<int>([]() -> absl::StatusOr<int> { return 42; }), IsOkAndHolds(42));
  absl::StatusOr<std::string> failed = runner.Run<std::string>(
      []() -> absl::StatusOr<std::string> { return absl::PermissionDeniedError("no"); });
  EXPECT_TRUE(absl::IsPermissionDenied(failed.status()));
}

TEST(DeadlineRunnerTest, AStalledCallFailsOnTimeAndStillCompletesLater) {
  auto gate = std::make_shared<Gate>();
  auto completed = std::make_shared<std::atomic<bool>>(false);
  DeadlineRunner runner(2, absl::Milliseconds(200), 8);
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<int> stalled = runner.Run<int>([gate, completed]() -> absl::StatusOr<int> {
    gate->Wait();
    completed->store(true);
    return 1;
  });
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(absl::IsUnavailable(stalled.status())) << stalled.status();
  EXPECT_THAT(stalled.status().message(), HasSubstr("neither acknowledged nor answered"));
  EXPECT_LT(waited, std::chrono::seconds(5)) << "the request hung on the stalled call";
  EXPECT_FALSE(completed->load());

  // The other worker still serves requests that do not touch the stalled disk.
  EXPECT_THAT(runner.Run<int>([]() -> absl::StatusOr<int> { return 7; }), IsOkAndHolds(7));

  gate->Open();
  for (int i = 0; i < 500 && !completed->load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(completed->load()) << "the stalled call was abandoned instead of completed";
}

TEST(DeadlineRunnerTest, WhenEveryWorkerIsStuckRequestsFailInsteadOfPilingUp) {
  auto gate = std::make_shared<Gate>();
  DeadlineRunner runner(2, absl::Milliseconds(50), 3);
  auto stall = [gate]() -> absl::StatusOr<int> {
    gate->Wait();
    return 0;
  };
  std::vector<absl::Status> statuses;
  for (int i = 0; i < 8; ++i) {
    statuses.push_back(runner.Run<int>(stall).status());
  }
  int timed_out = 0;
  int refused = 0;
  for (const absl::Status& status : statuses) {
    ASSERT_TRUE(absl::IsUnavailable(status)) << status;
    timed_out += absl::StrContains(status.message(), "did not confirm") ? 1 : 0;
    refused += absl::StrContains(status.message(), "too many requests") ? 1 : 0;
  }
  // At most 2 running and 3 queued are ever accepted (and then time out); the rest are refused
  // at once. (Exactly 5 and 3 unless a worker is slow to pick up its call.)
  EXPECT_GE(timed_out, 3);
  EXPECT_LE(timed_out, 5);
  EXPECT_GE(refused, 3);
  EXPECT_EQ(timed_out + refused, 8);
  gate->Open();
  // Once the disk is back the queue drains and new work is served.
  absl::StatusOr<int> after = absl::UnavailableError("not yet");
  for (int i = 0; i < 100 && !after.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    after = runner.Run<int>([]() -> absl::StatusOr<int> { return 3; });
  }
  EXPECT_THAT(after, IsOkAndHolds(3));
}

}  // namespace
}  // namespace confide::hub
