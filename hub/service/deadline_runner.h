#pragma once

// Bounds how long a request may wait for storage. Every RPC's work (authorise, audit, store,
// answer) runs on a worker of this pool while the gRPC thread waits at most `deadline`: a
// stalled disk (a hung fsync, a full or failing device) fails the request with Unavailable
// instead of hanging it (test matrix row 7). A call that times out keeps running on its worker
// and may still complete its durable write; nothing was acknowledged for it, so a client's retry
// is answered as a duplicate. Calls must therefore own everything they touch (capture by value).
//
// Thread-safe. The destructor waits for calls already running.

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace confide::hub {

class DeadlineRunner {
 public:
  // `workers` threads; at most `max_queued` calls wait for a worker (more are refused at once,
  // so a stalled disk cannot pile up unbounded work).
  DeadlineRunner(int workers, absl::Duration deadline, int max_queued);
  ~DeadlineRunner();
  DeadlineRunner(const DeadlineRunner&) = delete;
  DeadlineRunner& operator=(const DeadlineRunner&) = delete;

  template <typename T>
  absl::StatusOr<T> Run(std::function<absl::StatusOr<T>()> call) {
    auto outcome = std::make_shared<Outcome<T>>();
    absl::Status queued = Enqueue([outcome, call = std::move(call)]() mutable {
      absl::StatusOr<T> result = call();
      std::lock_guard<std::mutex> lock(outcome->mu);
      outcome->result = std::move(result);
      outcome->done = true;
      outcome->cv.notify_all();
    });
    if (!queued.ok()) {
      return queued;
    }
    std::unique_lock<std::mutex> lock(outcome->mu);
    if (!outcome->cv.wait_for(lock, absl::ToChronoMilliseconds(deadline_),
                              [&] { return outcome->done; })) {
      return TimedOut();
    }
    return std::move(outcome->result);
  }

  absl::Duration deadline() const { return deadline_; }

 private:
  template <typename T>
  struct Outcome {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    absl::StatusOr<T> result = absl::UnknownError("not run");
  };

  absl::Status Enqueue(std::function<void()> work);
  absl::Status TimedOut() const;
  void Work();

  const absl::Duration deadline_;
  const size_t max_queued_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace confide::hub
