#include "hub/service/deadline_runner.h"

#include "common/log.h"

namespace confide::hub {

DeadlineRunner::DeadlineRunner(int workers, absl::Duration deadline, int max_queued)
    : deadline_(deadline), max_queued_(static_cast<size_t>(max_queued)) {
  for (int i = 0; i < workers; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

DeadlineRunner::~DeadlineRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& worker : workers_) {
    worker.join();
  }
}

absl::Status DeadlineRunner::Enqueue(std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= max_queued_) {
      return absl::UnavailableError(
          "the hub is not keeping up with storage (too many requests waiting for the disk); "
          "nothing was stored or answered for this request: retry later");
    }
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
  return absl::OkStatus();
}

absl::Status DeadlineRunner::TimedOut() const {
  LogWarning("hub", "a request waited more than ", absl::FormatDuration(deadline_),
             " for storage and was failed (is the disk stalled?)");
  return absl::UnavailableError(absl::StrCat(
      "storage did not confirm within ", absl::FormatDuration(deadline_),
      ", so the hub neither acknowledged nor answered this request (fail closed): retry later"));
}

void DeadlineRunner::Work() {
  while (true) {
    std::function<void()> work;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping, and nothing left to run
      }
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace confide::hub
