#include "agent/agent_config.h"

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

class AgentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs the tests of this file in parallel.
    dir_ = ::testing::TempDir() + "/agent_config_test/" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir_);
  }
  std::string Write(const std::string& text) {
    std::string path = dir_ + "/agent.textpb";
    EXPECT_THAT(WriteFileAtomic(path, text), IsOk());
    return path;
  }
  std::string dir_;
};

constexpr char kMinimal[] =
    "hub_address: \"localhost:7443\"\nlinkage_key_file: \"linkage.key\"\n"
    "linkage_key_version: \"2026-1\"\n";

TEST_F(AgentConfigTest, JournalAndQuarantineDirectoriesDefaultNextToTheConfig) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kMinimal)));
  EXPECT_EQ(config.journal_dir(), dir_ + "/journal");
  EXPECT_EQ(config.quarantine_dir(), dir_ + "/quarantine");
  EXPECT_EQ(config.linkage_key_file(), dir_ + "/linkage.key");
  EXPECT_EQ(config.batch_size(), 1000);
}

TEST_F(AgentConfigTest, ConfiguredDirectoriesResolveAgainstTheConfig) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::AgentConfig config,
      LoadAgentConfig(
          Write(std::string(kMinimal) + "journal_dir: \"state/j\"\nquarantine_dir: \"/var/q\"\n")));
  EXPECT_EQ(config.journal_dir(), dir_ + "/state/j");
  EXPECT_EQ(config.quarantine_dir(), "/var/q");
}

TEST_F(AgentConfigTest, MissingSettingsAndBadDelimitersAreRefused) {
  EXPECT_THAT(LoadAgentConfig(Write("hub_address: \"x:1\"\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("linkage_key_file")));
  v1::DatasetMapping mapping;
  mapping.set_delimiter("::");
  EXPECT_THAT(CsvOptionsFor(mapping), StatusIs(absl::StatusCode::kInvalidArgument));
  mapping.set_delimiter("tab");
  mapping.set_encoding("windows-1252");
  CONFIDE_ASSERT_OK_AND_ASSIGN(CsvOptions options, CsvOptionsFor(mapping));
  EXPECT_EQ(options.delimiter, '\t');
  EXPECT_EQ(options.encoding, Encoding::kWindows1252);
}

constexpr char kKeyHex[] = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
constexpr char kNextKeyHex[] = "a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5";
constexpr char kRotating[] =
    "hub_address: \"localhost:7443\"\nlinkage_key_file: \"linkage.key\"\n"
    "linkage_key_version: \"2026-1\"\nnext_linkage_key_file: \"linkage-next.key\"\n"
    "next_linkage_key_version: \"2026-2\"\n";

class LinkageKeysTest : public AgentConfigTest {
 protected:
  void WriteKey(const std::string& name, const std::string& hex, int mode = 0600) {
    const std::string path = dir_ + "/" + name;
    ASSERT_THAT(WriteFileAtomic(path, hex, mode), IsOk());
    std::filesystem::permissions(path, static_cast<std::filesystem::perms>(mode));
  }
};

TEST_F(AgentConfigTest, NextKeyFileAndVersionGoTogether) {
  EXPECT_THAT(
      LoadAgentConfig(Write(std::string(kMinimal) + "next_linkage_key_file: \"n.key\"\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("next_linkage_key_file and next_linkage_key_version go together")));
  EXPECT_THAT(LoadAgentConfig(Write(std::string(kMinimal) + "next_linkage_key_version: \"v2\"\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("go together")));
}

TEST_F(AgentConfigTest, NextVersionMustDifferFromTheCurrentOne) {
  EXPECT_THAT(
      LoadAgentConfig(Write(std::string(kMinimal) + "next_linkage_key_file: \"n.key\"\n"
                                                    "next_linkage_key_version: \"2026-1\"\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("next_linkage_key_version is '2026-1', the same as "
                         "linkage_key_version")));
}

TEST_F(LinkageKeysTest, ReadsBothVersionsCurrentFirst) {
  WriteKey("linkage.key", kKeyHex);
  WriteKey("linkage-next.key", kNextKeyHex);
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kRotating)));
  EXPECT_EQ(config.next_linkage_key_file(), dir_ + "/linkage-next.key");
  CONFIDE_ASSERT_OK_AND_ASSIGN(LinkageKeys keys, LoadLinkageKeys(config));
  ASSERT_EQ(keys.versions.size(), 2u);
  EXPECT_EQ(keys.versions[0].version, "2026-1");
  EXPECT_EQ(keys.versions[0].secret, std::string(32, '\x5a'));
  EXPECT_EQ(keys.versions[1].version, "2026-2");
  EXPECT_EQ(keys.versions[1].secret, std::string(32, '\xa5'));
  EXPECT_TRUE(keys.record_id_secret.empty());
}

TEST_F(LinkageKeysTest, NextKeyFileMustBe0600) {
  WriteKey("linkage.key", kKeyHex);
  WriteKey("linkage-next.key", kNextKeyHex, 0640);
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kRotating)));
  EXPECT_THAT(LoadLinkageKeys(config),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("next_linkage_key_file"), HasSubstr("0600"))));
}

TEST_F(LinkageKeysTest, CurrentKeyFileMustBe0600) {
  WriteKey("linkage.key", kKeyHex, 0644);
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kMinimal)));
  EXPECT_THAT(LoadLinkageKeys(config),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("linkage_key_file")));
}

TEST_F(LinkageKeysTest, TheSameKeyUnderTwoVersionsIsRefused) {
  WriteKey("linkage.key", kKeyHex);
  WriteKey("linkage-next.key", std::string(kKeyHex) + "\n");
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kRotating)));
  absl::StatusOr<LinkageKeys> keys = LoadLinkageKeys(config);
  EXPECT_THAT(keys, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("'2026-1' and '2026-2' hold the same key")));
  EXPECT_THAT(keys.status().message(), Not(HasSubstr(kKeyHex)));
}

TEST_F(LinkageKeysTest, RecordIdKeyFileIsReadAndMustBe0600) {
  WriteKey("linkage.key", kKeyHex);
  WriteKey("record-id.key", kNextKeyHex);
  const std::string text = std::string(kMinimal) + "record_id_key_file: \"record-id.key\"\n";
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(text)));
  CONFIDE_ASSERT_OK_AND_ASSIGN(LinkageKeys keys, LoadLinkageKeys(config));
  EXPECT_EQ(keys.record_id_secret, std::string(32, '\xa5'));
  ASSERT_EQ(keys.versions.size(), 1u);
  std::filesystem::permissions(dir_ + "/record-id.key", std::filesystem::perms(0604));
  EXPECT_THAT(LoadLinkageKeys(config),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("record_id_key_file")));
}

v1::LinkageRecipe AcceptingVersions(std::vector<std::string> versions) {
  v1::LinkageRecipe recipe;
  for (const std::string& version : versions) {
    recipe.add_key_versions(version);
  }
  return recipe;
}

TEST_F(AgentConfigTest, KeyVersionsTheHubDoesNotAcceptAreRefusedNamingBoth) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::AgentConfig config, LoadAgentConfig(Write(kRotating)));
  EXPECT_THAT(CheckKeyVersionsAccepted(config, AcceptingVersions({"2026-1", "2026-2"})), IsOk());
  EXPECT_THAT(CheckKeyVersionsAccepted(config, AcceptingVersions({})), IsOk());
  // The policy has not yet listed the new version.
  EXPECT_THAT(CheckKeyVersionsAccepted(config, AcceptingVersions({"2026-1"})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("accepts key versions [2026-1]"),
                             HasSubstr("next_linkage_key_version is '2026-2'"))));
  // The policy has already dropped the old version.
  EXPECT_THAT(CheckKeyVersionsAccepted(config, AcceptingVersions({"2026-2", "2027-1"})),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("accepts key versions [2026-2, 2027-1]"),
                             HasSubstr("linkage_key_version is '2026-1'"))));
}

}  // namespace
}  // namespace confide::agent
