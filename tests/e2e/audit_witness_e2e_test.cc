// Agencies and the IG officer as witnesses of the hub's audit log, end to end with real hubs,
// agents and the CLI: an agent refuses to push to a hub whose store was rolled back to an
// earlier copy, and a hub forked into two views (each consistent on its own) is caught when two
// witnesses compare the heads they verified, and by an agent that is moved to the other view.

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

// Writes `dir`/`name` from the demo template, pointed at the hub on `port`, plus `extra` lines.
void WriteConfig(const std::string& dir, const std::string& name, int port,
                 const std::string& extra = "") {
  WriteFileOrDie(
      dir + "/" + name,
      absl::StrCat(absl::StrReplaceAll(ReadFileOrDie(SourceDir() + "/deploy/demo/" + name),
                                       {{"HUB_PORT", absl::StrCat(port)}}),
                   "\n", extra));
}

void PointAt(const std::string& dir, int port) {
  for (const char* name : {"police-agent.textpb", "ed-agent.textpb", "ig.textpb"}) {
    WriteConfig(dir, name, port);
  }
}

// Small synthetic extracts; each seed gives a different set of rows.
void MakeExtracts(const std::string& dir, const std::string& name, int seed) {
  CommandResult synth = RunCommand({BinDir() + "/confide-synth", "--out", dir + "/" + name,
                                    "--seed", absl::StrCat(seed), "--people", "400", "--police",
                                    "120", "--ed", "80", "--fire", "0"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
}

CommandResult Push(const std::string& dir, const std::string& agent_config,
                   const std::string& dataset, const std::string& csv) {
  return RunCommand(
      {BinDir() + "/confide-agent", "push", "--config", agent_config, "--dataset", dataset, csv},
      dir);
}

CommandResult Confide(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), BinDir() + "/confide");
  return RunCommand(args, dir);
}

int CountPushEvents(const std::string& dir) {
  // A fresh IG witness (its own state file), so the count works on any hub.
  WriteFileOrDie(dir + "/ig-count.textpb",
                 absl::StrCat(ReadFileOrDie(dir + "/ig.textpb"),
                              "\naudit_witness_state_file: \"ig-count-state.json\"\n"));
  fs::remove(dir + "/ig-count-state.json");
  CommandResult listed = Confide(dir, {"audit", "list", "--config", "ig-count.textpb", "--action",
                                       "Ingest.Push", "--format", "csv"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  std::vector<std::string> lines = absl::StrSplit(listed.out, '\n', absl::SkipWhitespace());
  return lines.empty() ? 0 : static_cast<int>(lines.size()) - 1;  // less the header
}

class AuditWitnessE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeRunDir(run_.path());
    for (int seed : {1, 2, 3}) {
      MakeExtracts(run_.path(), absl::StrCat("extracts-", seed), seed);
    }
  }
  std::string Extract(int seed, const std::string& file) const {
    return absl::StrCat(run_.path(), "/extracts-", seed, "/", file);
  }
  void StartHub(HubProcess& hub, const std::string& dir) {
    absl::Status started = hub.Start(dir);
    ASSERT_TRUE(started.ok()) << started << hub.log();
    PointAt(dir, hub.port());
  }

  TempDir run_;
};

TEST_F(AuditWitnessE2eTest, AgentRefusesAHubWhoseStoreWasRolledBack) {
  HubProcess hub;
  StartHub(hub, run_.path());
  CommandResult first =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(1, "police_crime.csv"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // The demo configs pin audit-signing.pub, so nothing is trusted on first use.
  EXPECT_THAT(first.err, Not(HasSubstr("on first use")));
  ASSERT_TRUE(fs::exists(run_.path() + "/journal/audit-witness.json"));
  ASSERT_EQ(hub.Stop(), 0);
  fs::copy(run_.path() + "/hub-data", run_.path() + "/snapshot", fs::copy_options::recursive);

  StartHub(hub, run_.path());
  CommandResult second =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(2, "police_crime.csv"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  CommandResult ig_saw = Confide(run_.path(), {"audit", "witness", "--config", "ig.textpb"});
  ASSERT_EQ(ig_saw.exit_code, 0) << ig_saw.out << ig_saw.err;
  ASSERT_EQ(hub.Stop(), 0);

  // The hub's operator restores the earlier copy: the second push and its audit trail vanish.
  fs::remove_all(run_.path() + "/hub-data");
  fs::rename(run_.path() + "/snapshot", run_.path() + "/hub-data");
  StartHub(hub, run_.path());
  const int pushes_before = CountPushEvents(run_.path());
  CommandResult third =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(3, "police_crime.csv"));
  EXPECT_EQ(third.exit_code, 5) << third.out << third.err;
  EXPECT_THAT(third.err, HasSubstr("STOPPED before sending"));
  EXPECT_THAT(third.err, HasSubstr("THE HUB'S AUDIT LOG FAILED VERIFICATION"));
  EXPECT_THAT(third.err, HasSubstr("rolled back"));
  EXPECT_EQ(CountPushEvents(run_.path()), pushes_before) << "the agent sent a batch anyway";

  // The IG officer's CLI, which saw the longer history too, says the same.
  CommandResult ig = Confide(run_.path(), {"audit", "witness", "--config", "ig.textpb"});
  EXPECT_EQ(ig.exit_code, 5) << ig.out << ig.err;
  EXPECT_THAT(ig.out, HasSubstr("AUDIT LOG WITNESS CHECK FAILED"));
  // Since the rollback the log has grown again (the refused agent's requests are audited), so
  // it may be shorter than, as long as, or longer than what the CLI saw: each is caught.
  EXPECT_THAT(ig.out, ContainsRegex("rolled back|two different audit histories|does not extend"));
  ASSERT_EQ(hub.Stop(), 0);
}

TEST_F(AuditWitnessE2eTest, AgentRefusesAHubSigningWithAnotherKey) {
  HubProcess hub;
  StartHub(hub, run_.path());
  CommandResult first =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(1, "police_crime.csv"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(hub.Stop(), 0);
  // Someone with access to the hub replaces its audit signing key (to re-sign a rewritten log).
  CommandResult rekeyed = RunShell(
      "rm audit-signing.key && openssl genpkey -algorithm ed25519 -out audit-signing.key && "
      "chmod 600 audit-signing.key",
      run_.path());
  ASSERT_EQ(rekeyed.exit_code, 0) << rekeyed.err;
  StartHub(hub, run_.path());
  CommandResult refused =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(2, "police_crime.csv"));
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("not validly signed by the pinned audit key"));
  ASSERT_EQ(hub.Stop(), 0);
}

TEST_F(AuditWitnessE2eTest, SplitViewIsCaughtWhenWitnessesCompareHeads) {
  HubProcess hub;
  StartHub(hub, run_.path());
  for (const auto& [config, dataset, file] :
       {std::tuple<std::string, std::string, std::string>{"police-agent.textpb", "police_crime",
                                                          "police_crime.csv"},
        {"ed-agent.textpb", "ed_attendance", "ed_attendance.csv"}}) {
    CommandResult pushed = Push(run_.path(), config, dataset, Extract(1, file));
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  }
  CommandResult seen = Confide(run_.path(), {"audit", "witness", "--config", "ig.textpb"});
  ASSERT_EQ(seen.exit_code, 0) << seen.out << seen.err;
  ASSERT_EQ(hub.Stop(), 0);

  // The operator forks the hub: the police see one copy, the hospital the other. Each copy is
  // append-only on its own, signed with the same key.
  TempDir fork_parent;
  const std::string fork = fork_parent.path() + "/run";
  fs::copy(run_.path(), fork, fs::copy_options::recursive);
  HubProcess forked;
  StartHub(hub, run_.path());
  StartHub(forked, fork);
  CommandResult police =
      Push(run_.path(), "police-agent.textpb", "police_crime", Extract(2, "police_crime.csv"));
  ASSERT_EQ(police.exit_code, 0) << police.err;
  CommandResult ed =
      Push(fork, "ed-agent.textpb", "ed_attendance", Extract(2, "ed_attendance.csv"));
  ASSERT_EQ(ed.exit_code, 0) << "the fork is consistent on its own: " << ed.err;

  // Each witness alone sees nothing wrong; comparing heads exposes the fork.
  CommandResult same_view =
      Confide(run_.path(), {"audit", "witness", "--config", "ig.textpb", "--compare",
                            run_.path() + "/journal/audit-witness.json"});
  EXPECT_EQ(same_view.exit_code, 0) << same_view.out << same_view.err;
  EXPECT_THAT(same_view.out, HasSubstr("consistent with"));
  CommandResult compared =
      Confide(run_.path(), {"audit", "witness", "--config", "ig.textpb", "--compare",
                            fork + "/journal/audit-witness.json"});
  EXPECT_EQ(compared.exit_code, 5) << compared.out << compared.err;
  EXPECT_THAT(compared.out, HasSubstr("AUDIT LOG WITNESS CHECK FAILED"));
  EXPECT_THAT(compared.out, HasSubstr("different views"));

  // The police agent, moved to the other view, refuses before sending anything.
  std::string moved = ReadFileOrDie(run_.path() + "/police-agent.textpb");
  WriteFileOrDie(run_.path() + "/police-agent-fork.textpb",
                 absl::StrReplaceAll(
                     moved, {{absl::StrCat(":", hub.port()), absl::StrCat(":", forked.port())}}));
  CommandResult refused =
      Push(run_.path(), "police-agent-fork.textpb", "police_crime", Extract(3, "police_crime.csv"));
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("THE HUB'S AUDIT LOG FAILED VERIFICATION"));
  ASSERT_EQ(forked.Stop(), 0);
  ASSERT_EQ(hub.Stop(), 0);
}

}  // namespace
}  // namespace confide::e2e
