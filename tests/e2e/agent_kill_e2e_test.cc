// End to end: the agent is SIGKILLed at random points of a 200,000-row push (TEST-MATRIX #1 and
// #2 from the agent's side) and re-run until it finishes. Afterwards the hub holds every record
// exactly once: a full re-push is answered DUPLICATE for every batch, COUNT(*) is 200,000, and
// the audit log holds no batch conflict.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "confide/v1/ingest.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;

constexpr int kRows = 200000;
constexpr int kBatches = kRows / 1000;  // police-agent.textpb: batch_size 1000
constexpr int kKills = 20;

// Acknowledged batches recorded in the agent's journal(s).
int JournalEntries(const std::string& dir) {
  int entries = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    for (absl::string_view line : absl::StrSplit(ReadFileOrDie(entry.path().string()), '\n')) {
      entries +=
          !line.empty() && line[0] != '#' && absl::EndsWith(entry.path().string(), ".journal");
    }
  }
  return entries;
}

pid_t StartAgent(const std::vector<std::string>& argv, const std::string& cwd) {
  pid_t pid = fork();
  if (pid != 0) {
    return pid;
  }
  if (chdir(cwd.c_str()) != 0) {
    _exit(126);
  }
  FILE* ignored = freopen("/dev/null", "w", stdout);
  ignored = freopen((cwd + "/agent.err").c_str(), "a", stderr);
  (void)ignored;
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

TEST(AgentKillE2eTest, KilledPushesResumeAndLeaveEveryRecordAtTheHubExactlyOnce) {
  TempDir dir;
  const std::string& run = dir.path();
  MakeRunDir(run);
  CommandResult synth =
      RunCommand({BinDir() + "/confide-synth", "--out", run + "/extracts", "--police",
                  absl::StrCat(kRows), "--ed", "0", "--fire", "0", "--people", "100000"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  HubProcess hub;
  absl::Status started = hub.Start(run);
  ASSERT_TRUE(started.ok()) << started;
  SetHubPort(run, hub.port());
  const std::vector<std::string> push = {BinDir() + "/confide-agent", "push",      "--config",
                                         "police-agent.textpb",       "--dataset", "police_crime",
                                         "extracts/police_crime.csv"};
  const std::string journal = run + "/journal";

  // Kill points spread over the push: after a random number of acknowledged batches, plus a
  // random 0-40 ms so that some kills land mid-batch (sent, not yet acknowledged). Two kills
  // land in the first 100 ms of a run: during start-up (file digest, schema fetch) or the
  // journal replay.
  std::mt19937 random(20260521);
  std::vector<int> targets;
  std::uniform_int_distribution<int> batch(1, kBatches - 10);
  while (targets.size() < kKills - 2) {
    targets.push_back(batch(random));
  }
  std::sort(targets.begin(), targets.end());
  targets.insert(targets.begin(), {0, 0});
  int kills = 0;
  std::vector<int> killed_at;  // acknowledged batches when each kill landed
  for (int target : targets) {
    pid_t pid = StartAgent(push, run);
    ASSERT_GT(pid, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    bool exited = false;
    if (target == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 500));
    } else {
      while (JournalEntries(journal) < target && std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
          exited = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 40));
    }
    if (!exited) {
      kill(pid, SIGKILL);
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      ++kills;
      killed_at.push_back(JournalEntries(journal));
    } else {
      ADD_FAILURE() << "the agent was not killed at target " << target << ": status " << status
                    << "\n"
                    << ReadFileOrDie(run + "/agent.err");
    }
  }
  EXPECT_GE(kills, 10);
  int first_half = 0, second_half = 0;
  for (int at : killed_at) {
    (at < kBatches / 2 ? first_half : second_half) += 1;
  }
  EXPECT_GE(first_half, 3) << "kills should be spread over the push";
  EXPECT_GE(second_half, 3) << "kills should be spread over the push";
  ::testing::Test::RecordProperty("acknowledged_batches_at_kills", absl::StrJoin(killed_at, " "));
  const int acknowledged = JournalEntries(journal);
  EXPECT_GE(acknowledged, targets.back()) << "the kills should reach late into the push";
  EXPECT_LT(acknowledged, kBatches);

  // Re-run until it finishes: it resumes from the journal.
  CommandResult resumed;
  for (int attempt = 0; attempt < 3 && resumed.exit_code != 0; ++attempt) {
    resumed = RunCommand(push, run);
  }
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr(absl::StrCat(kRows, " rows read, ", kRows, " sent in ",
                                                  kBatches, " batches")));
  EXPECT_THAT(resumed.out, HasSubstr("acknowledged before an interruption were not sent again"));
  EXPECT_THAT(resumed.err, HasSubstr("resuming an interrupted push"));
  EXPECT_EQ(JournalEntries(journal), 0) << "a finished push removes its journal";

  // A full re-push: every batch is already at the hub, so nothing was stored twice or lost.
  std::vector<std::string> again = push;
  again.insert(again.end() - 1, {"--receipt", "again.json"});
  CommandResult full = RunCommand(again, run);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  EXPECT_THAT(full.out, HasSubstr(absl::StrCat("(0 stored, ", kRows, " already at the hub)")));
  v1::PushReceipt receipt;
  google::protobuf::util::JsonParseOptions options;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ReadFileOrDie(run + "/again.json"),
                                                          &receipt, options)
                  .ok());
  ASSERT_EQ(receipt.batches_size(), kBatches);
  for (const v1::PushReceipt::BatchOutcome& outcome : receipt.batches()) {
    EXPECT_EQ(outcome.outcome(), v1::PushAck::DUPLICATE) << outcome.batch_id();
  }

  CommandResult count =
      RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                  "svd-merseyside-2026", "--purpose", "hotspot analysis",
                  "SELECT COUNT(*) FROM police_crime", "--format", "csv"},
                 run);
  ASSERT_EQ(count.exit_code, 0) << count.err;
  EXPECT_EQ(count.out, absl::StrCat("COUNT(*)\n", kRows, "\n"));

  // No batch id was ever reused with different content.
  CommandResult alerts = RunCommand(
      {BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--decision", "error"},
      run);
  ASSERT_EQ(alerts.exit_code, 0) << alerts.err;
  EXPECT_THAT(alerts.out, ::testing::Not(HasSubstr("batch-conflict")));
  EXPECT_EQ(hub.Stop(), 0);
}

}  // namespace
}  // namespace confide::e2e
