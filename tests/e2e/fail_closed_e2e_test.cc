// Fail closed, end to end (test matrix row 7), with the real hub:
// - under libfiu's POSIX fault injection (Debian fiu-utils): while storage cannot make a write
//   durable (every fsync and fdatasync fails with EIO), uploads and queries fail with
//   UNAVAILABLE and nothing is acknowledged or answered; when the disk comes back, service
//   resumes by itself, a re-push stores exactly what was missing, and the audit log verifies;
// - with a disk that stalls (tests/e2e/stall_shim.cc): a request fails with UNAVAILABLE once
//   the hub's storage deadline passes instead of hanging, and service resumes afterwards.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFiuRun[] = "/usr/bin/fiu-run";
constexpr char kFiuCtrl[] = "/usr/bin/fiu-ctrl";
constexpr const char* kSyncCalls[] = {"posix/io/sync/fdatasync", "posix/io/sync/fsync"};

class FailClosedE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { Prepare({kFiuRun, "-x", "-f", Path("fiu-ctl")}); }
  void Prepare(std::vector<std::string> launcher, const std::string& hub_config_extra = "") {
    // libfiu is preloaded; under AddressSanitizer the runtime must tolerate not coming first.
    const char* asan = std::getenv("ASAN_OPTIONS");  // NOLINT(concurrency-mt-unsafe)
    setenv("ASAN_OPTIONS",                           // NOLINT(concurrency-mt-unsafe)
           absl::StrCat(asan == nullptr ? "" : asan, asan == nullptr ? "" : ":",
                        "verify_asan_link_order=0")
               .c_str(),
           1);
    MakeRunDir(dir_.path());
    CommandResult synth =
        RunCommand({BinDir() + "/confide-synth", "--out", Path("extracts"), "--seed", "11",
                    "--people", "600", "--police", "300", "--ed", "200", "--fire", "0"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    if (!hub_config_extra.empty()) {
      WriteFileOrDie(Path("hub.textpb"),
                     absl::StrCat(ReadFileOrDie(Path("hub.textpb")), "\n", hub_config_extra));
    }
    hub_.set_launcher(std::move(launcher));
    absl::Status started = hub_.Start(dir_.path());
    ASSERT_TRUE(started.ok()) << started << "\n(is Debian's fiu-utils installed?)";
    SetHubPort(dir_.path(), hub_.port());
  }
  void TearDown() override { hub_.Stop(); }

  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  void Disk(bool failing) {
    for (const char* call : kSyncCalls) {
      CommandResult control =
          RunCommand({kFiuCtrl, "-f", Path("fiu-ctl"), "-c",
                      failing ? absl::StrCat("enable name=", call, ",failinfo=5")  // EIO
                              : absl::StrCat("disable name=", call),
                      absl::StrCat(hub_.pid())});
      ASSERT_EQ(control.exit_code, 0) << control.err;
    }
  }
  CommandResult Push(const std::string& config, const std::string& dataset) {
    return RunCommand({BinDir() + "/confide-agent", "push", "--config", config, "--dataset",
                       dataset, Path("extracts/" + dataset + ".csv")},
                      dir_.path());
  }
  CommandResult Count(const std::string& dataset) {
    return RunCommand({BinDir() + "/confide", "query", "--config", "analyst.textpb", "--agreement",
                       "svd-merseyside-2026", "--purpose", "hotspot analysis", "--format", "csv",
                       absl::StrCat("SELECT COUNT(*) FROM ", dataset)},
                      dir_.path());
  }

  TempDir dir_;
  HubProcess hub_;
};

TEST_F(FailClosedE2eTest, UnwritableStorageRefusesEverythingThenRecovers) {
  CommandResult police = Push("police-agent.textpb", "police_crime");
  ASSERT_EQ(police.exit_code, 0) << police.err;
  CommandResult before = Count("police_crime");
  ASSERT_EQ(before.exit_code, 0) << before.err;
  ASSERT_THAT(before.out, HasSubstr("300"));

  Disk(/*failing=*/true);
  CommandResult upload = Push("ed-agent.textpb", "ed_attendance");
  EXPECT_EQ(upload.exit_code, 4) << upload.out << upload.err;
  EXPECT_THAT(upload.err, HasSubstr("unavailable"));
  EXPECT_THAT(upload.out, Not(HasSubstr("pushed")));
  for (int attempt = 0; attempt < 3; ++attempt) {
    CommandResult query = Count("police_crime");
    EXPECT_EQ(query.exit_code, 4) << query.out << query.err;
    EXPECT_THAT(query.err, HasSubstr("unavailable"));
    EXPECT_EQ(query.out, "") << "a query was answered while its audit event could not be stored";
  }
  CommandResult ig =
      RunCommand({BinDir() + "/confide", "audit", "list", "--config", "ig.textpb", "--limit", "5"},
                 dir_.path());
  EXPECT_EQ(ig.exit_code, 4) << "the audit read itself must be audited: " << ig.out << ig.err;

  Disk(/*failing=*/false);
  CommandResult after = Count("police_crime");
  EXPECT_EQ(after.exit_code, 0) << after.err << hub_.log();
  EXPECT_THAT(after.out, HasSubstr("300"));
  // The refused upload may or may not have reached the disk before its fsync failed; either way
  // the agent was told nothing was stored, and a re-run leaves exactly one copy.
  CommandResult again = Push("ed-agent.textpb", "ed_attendance");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  CommandResult ed = Count("ed_attendance");
  EXPECT_EQ(ed.exit_code, 0) << ed.err;
  EXPECT_THAT(ed.out, HasSubstr("200"));
  EXPECT_THAT(hub_.log(), HasSubstr("storage recovered after a failed write"));

  CommandResult exported = RunCommand({BinDir() + "/confide", "audit", "export", "--config",
                                       "ig.textpb", "--output", Path("audit.jsonl")},
                                      dir_.path());
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  CommandResult verified =
      RunCommand({BinDir() + "/confide", "audit", "verify", Path("audit.jsonl"), "--public-key",
                  "audit-signing.pub", "--no-state"},
                 dir_.path());
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

class StalledDiskE2eTest : public FailClosedE2eTest {
 protected:
  void SetUp() override {
    Prepare({"/usr/bin/env", absl::StrCat("LD_PRELOAD=", CONFIDE_STALL_SHIM),
             absl::StrCat("CONFIDE_TEST_STALL_FILE=", Path("stall"))},
            "storage_deadline_ms: 1000");
  }
};

TEST_F(StalledDiskE2eTest, AStalledWriteFailsTheRequestAtTheDeadlineInsteadOfHanging) {
  CommandResult police = Push("police-agent.textpb", "police_crime");
  ASSERT_EQ(police.exit_code, 0) << police.err;

  WriteFileOrDie(Path("stall"), "");
  const absl::Time started = absl::Now();
  CommandResult query = Count("police_crime");
  const absl::Duration waited = absl::Now() - started;
  EXPECT_EQ(query.exit_code, 4) << query.out << query.err;
  EXPECT_THAT(query.err, HasSubstr("storage did not confirm within 1s"));
  EXPECT_EQ(query.out, "");
  EXPECT_LT(waited, absl::Seconds(15)) << "the request hung on the stalled disk";
  CommandResult upload = Push("ed-agent.textpb", "ed_attendance");
  EXPECT_EQ(upload.exit_code, 4) << upload.out << upload.err;
  EXPECT_THAT(upload.out, Not(HasSubstr("pushed")));

  std::filesystem::remove(Path("stall"));
  CommandResult after = Count("police_crime");
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(after.out, HasSubstr("300"));
  CommandResult again = Push("ed-agent.textpb", "ed_attendance");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  CommandResult ed = Count("ed_attendance");
  EXPECT_THAT(ed.out, HasSubstr("200"));
}

}  // namespace
}  // namespace confide::e2e
