// confide-audit-bench: sustained durable audit appends per second through RocksDbStore::Append
// (group commit: concurrent appenders share one fsynced WriteBatch, each returning only once its
// event is durable), for several appender counts, against the peer of one appender at a time
// (one fsync per event). Every event also extends the Merkle tree, as in the hub.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "hub/audit/merkle.h"
#include "hub/storage/rocksdb_store.h"

ABSL_FLAG(std::string, threads, "1,8,16,32,64", "Comma-separated appender counts to run.");
ABSL_FLAG(double, seconds, 5, "Duration of each run.");
ABSL_FLAG(std::string, dir, "", "Directory for the databases (default: $TMPDIR or /tmp).");

namespace {

// An event shaped like the hub's: identity, action, policy version, a short detail.
confide::v1::AuditEvent BenchEvent(int thread, int64_t i) {
  confide::v1::AuditEvent event;
  event.set_time_micros(1700000000000000 + i);
  event.set_actor("confide://user/analyst/a.khan");
  event.set_agency("merseyside-police");
  event.set_role("analyst");
  event.set_action("Query.Run");
  event.set_agreement("svd-merseyside-2026");
  event.set_purpose("hotspot analysis");
  event.set_decision(confide::v1::AuditEvent::ALLOW);
  event.set_rule("query.agreement-permits");
  event.set_policy_version("2026-06-01");
  event.set_detail(absl::StrCat("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough -- ",
                                thread, "/", i));
  return event;
}

struct Run {
  int64_t events = 0;
  double seconds = 0;
};

Run Measure(const std::string& base, int threads, double seconds) {
  const std::string dir = absl::StrCat(base, "/confide-audit-bench-", getpid(), "-", threads);
  std::filesystem::remove_all(dir);
  absl::StatusOr<std::unique_ptr<confide::hub::RocksDbStore>> store =
      confide::hub::RocksDbStore::Open(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", dir.c_str(),
                 std::string(store.status().message()).c_str());
    std::exit(1);
  }
  std::atomic<bool> stop{false};
  std::atomic<int64_t> appended{0};
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        if (!(*store)->Append(BenchEvent(t, i)).ok()) {
          std::fprintf(stderr, "append failed\n");
          std::exit(1);
        }
        appended.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& worker : workers) {
    worker.join();
  }
  Run run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.events = appended.load();
  // Sanity: the tree covers every durable event.
  if ((*store)->CurrentTree().tree_size != static_cast<uint64_t>(run.events)) {
    std::fprintf(stderr, "tree size does not match the events appended\n");
    std::exit(1);
  }
  store->reset();
  std::filesystem::remove_all(dir);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::string base = absl::GetFlag(FLAGS_dir);
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe): before threads
    base = tmp != nullptr ? tmp : "/tmp";
  }
  const double seconds = absl::GetFlag(FLAGS_seconds);
  std::printf("durable audit appends (fsync per write batch), %u hardware threads, %s\n",
              std::thread::hardware_concurrency(), base.c_str());
  double single = 0;
  for (absl::string_view field : absl::StrSplit(absl::GetFlag(FLAGS_threads), ',')) {
    int threads = 0;
    if (!absl::SimpleAtoi(field, &threads) || threads <= 0) {
      std::fprintf(stderr, "--threads: expected positive integers, got %s\n",
                   std::string(field).c_str());
      return 1;
    }
    Run run = Measure(base, threads, seconds);
    const double rate = static_cast<double>(run.events) / run.seconds;
    if (threads == 1) {
      single = rate;
    }
    std::printf("%3d appenders: %9.0f events/s%s\n", threads, rate,
                single > 0 && threads > 1
                    ? absl::StrFormat("  (%.1fx one appender at a time)", rate / single).c_str()
                    : "");
  }
  return 0;
}
