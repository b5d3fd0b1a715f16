#include "agent/agent_config.h"

#include <filesystem>
#include <string>

#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::agent {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::HasSubstr;

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

}  // namespace
}  // namespace confide::agent
