#include "common/files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "confide/v1/config.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// 32 bytes of key material as hex.
constexpr char kKeyHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    return names;
  }
  while (struct dirent* entry = ::readdir(handle)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

int ModeOf(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return -1;
  }
  return static_cast<int>(info.st_mode & 07777);
}

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/confide-files-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    for (const std::string& name : ListDir(dir_)) {
      std::string path = dir_ + "/" + name;
      if (::unlink(path.c_str()) != 0) {
        ::rmdir(path.c_str());
      }
    }
    ::rmdir(dir_.c_str());
  }

  // Writes `contents` to dir_/name and sets `mode` explicitly (independent of the umask).
  std::string WriteWithMode(const std::string& name, const std::string& contents, int mode) {
    std::string path = dir_ + "/" + name;
    EXPECT_THAT(WriteFileAtomic(path, contents, 0600), IsOk());
    EXPECT_EQ(::chmod(path.c_str(), static_cast<mode_t>(mode)), 0);
    return path;
  }

  std::string dir_;
};

TEST_F(FilesTest, WriteFileAtomicThenReadFileRoundTripsBinaryContents) {
  std::string path = dir_ + "/blob";
  std::string contents("a\0b\nc\xff", 6);
  ASSERT_THAT(WriteFileAtomic(path, contents), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string read, ReadFile(path));
  EXPECT_EQ(read, contents);
}

TEST_F(FilesTest, WriteFileAtomicReplacesExistingFileAndLeavesNoTemporary) {
  std::string path = dir_ + "/state.txt";
  ASSERT_THAT(WriteFileAtomic(path, "first version, longer than the second"), IsOk());
  ASSERT_THAT(WriteFileAtomic(path, "second"), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string read, ReadFile(path));
  EXPECT_EQ(read, "second");
  EXPECT_THAT(ListDir(dir_), ElementsAre("state.txt"));
}

TEST_F(FilesTest, WriteFileAtomicWritesEmptyFile) {
  std::string path = dir_ + "/empty";
  ASSERT_THAT(WriteFileAtomic(path, ""), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string read, ReadFile(path));
  EXPECT_EQ(read, "");
}

TEST_F(FilesTest, WriteFileAtomicAppliesMode) {
  std::string path = dir_ + "/secret";
  ASSERT_THAT(WriteFileAtomic(path, "x", 0600), IsOk());
  EXPECT_EQ(ModeOf(path), 0600);
}

TEST_F(FilesTest, WriteFileAtomicIntoMissingDirectoryFailsAndCreatesNothing) {
  std::string path = dir_ + "/no-such-dir/file";
  EXPECT_THAT(WriteFileAtomic(path, "x"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such-dir")));
  EXPECT_THAT(ListDir(dir_), ::testing::IsEmpty());
}

TEST_F(FilesTest, ReadFileOfMissingFileIsNotFound) {
  EXPECT_THAT(ReadFile(dir_ + "/missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing")));
}

TEST_F(FilesTest, ReadSecretFileAcceptsMode0600) {
  std::string path = WriteWithMode("key", "s3cret", 0600);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string read, ReadSecretFile(path));
  EXPECT_EQ(read, "s3cret");
}

TEST_F(FilesTest, ReadSecretFileAcceptsOwnerReadOnly) {
  std::string path = WriteWithMode("key", "s3cret", 0400);
  EXPECT_THAT(ReadSecretFile(path), IsOk());
}

class SecretFileModeTest : public FilesTest, public ::testing::WithParamInterface<int> {};

TEST_P(SecretFileModeTest, RefusesGroupOrOtherAccessWithFailedPrecondition) {
  std::string path = WriteWithMode("key", "s3cret", GetParam());
  absl::StatusOr<std::string> read = ReadSecretFile(path);
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kFailedPrecondition,
                             AllOf(HasSubstr("0600"), HasSubstr(path), HasSubstr("chmod 600"))));
  EXPECT_THAT(std::string(read.status().message()), Not(HasSubstr("s3cret")));
}

INSTANTIATE_TEST_SUITE_P(LeakyModes, SecretFileModeTest,
                         ::testing::Values(0644, 0640, 0604, 0660, 0606, 0620, 0602, 0610, 0601,
                                           0777));

TEST_F(FilesTest, ReadSecretFileReportsTheActualMode) {
  std::string path = WriteWithMode("key", "s3cret", 0640);
  EXPECT_THAT(ReadSecretFile(path),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("mode 0640")));
}

TEST_F(FilesTest, ReadSecretFileRefusesDirectory) {
  std::string path = dir_ + "/subdir";
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);
  EXPECT_THAT(ReadSecretFile(path),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a regular file")));
}

TEST_F(FilesTest, ReadSecretFileOfMissingFileIsNotFound) {
  EXPECT_THAT(ReadSecretFile(dir_ + "/missing"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FilesTest, ReadHexKeyFileDecodesKey) {
  std::string path = WriteWithMode("linkage.key", kKeyHex, 0600);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string key, ReadHexKeyFile(path, 32));
  ASSERT_EQ(key.size(), 32u);
  for (size_t i = 0; i < key.size(); ++i) {
    EXPECT_EQ(static_cast<unsigned char>(key[i]), i);
  }
}

TEST_F(FilesTest, ReadHexKeyFileToleratesWhitespaceAndUpperCase) {
  std::string spaced =
      " 00010203 04050607\n08090A0B0C0D0E0F\r\n\t101112131415161718191A1B1C1D1E1F \n";
  std::string path = WriteWithMode("linkage.key", spaced, 0600);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string key, ReadHexKeyFile(path, 32));
  std::string plain_path = WriteWithMode("plain.key", kKeyHex, 0600);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string plain, ReadHexKeyFile(plain_path, 32));
  EXPECT_EQ(key, plain);
}

TEST_F(FilesTest, ReadHexKeyFileAcceptsLongerThanMinimum) {
  std::string path = WriteWithMode("linkage.key", std::string(kKeyHex) + "2021", 0600);
  CONFIDE_ASSERT_OK_AND_ASSIGN(std::string key, ReadHexKeyFile(path, 32));
  EXPECT_EQ(key.size(), 34u);
}

TEST_F(FilesTest, ReadHexKeyFileRejectsOddLength) {
  std::string path = WriteWithMode("linkage.key", std::string(kKeyHex) + "a", 0600);
  EXPECT_THAT(ReadHexKeyFile(path, 32),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("even number of hex digits")));
}

TEST_F(FilesTest, ReadHexKeyFileRejectsNonHexWithoutEchoingTheKey) {
  std::string bad = std::string(kKeyHex).replace(10, 2, "zz");
  std::string path = WriteWithMode("linkage.key", bad, 0600);
  absl::StatusOr<std::string> key = ReadHexKeyFile(path, 32);
  EXPECT_THAT(key, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("hex digits")));
  EXPECT_THAT(std::string(key.status().message()), Not(HasSubstr("0001020304")));
}

TEST_F(FilesTest, ReadHexKeyFileRejectsHexPrefix) {
  std::string path = WriteWithMode("linkage.key", std::string("0x") + kKeyHex, 0600);
  EXPECT_THAT(ReadHexKeyFile(path, 32), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FilesTest, ReadHexKeyFileRejectsEmptyFile) {
  std::string path = WriteWithMode("linkage.key", " \n", 0600);
  EXPECT_THAT(ReadHexKeyFile(path, 32), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FilesTest, ReadHexKeyFileRejectsTooShortKey) {
  std::string path = WriteWithMode("linkage.key", std::string(kKeyHex, 62), 0600);
  EXPECT_THAT(ReadHexKeyFile(path, 32),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("holds 31 bytes"), HasSubstr("at least 32"))));
}

TEST_F(FilesTest, ReadHexKeyFileRefusesLeakyMode) {
  std::string path = WriteWithMode("linkage.key", kKeyHex, 0644);
  EXPECT_THAT(ReadHexKeyFile(path, 32),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("0600")));
}

TEST(ParseTextProtoTest, ParsesValidText) {
  v1::HubConfig config;
  ASSERT_THAT(ParseTextProto("listen_address: \"127.0.0.1:0\"\nmax_batch_records: 7\n",
                             "hub.textpb", &config),
              IsOk());
  EXPECT_EQ(config.listen_address(), "127.0.0.1:0");
  EXPECT_EQ(config.max_batch_records(), 7);
}

TEST(ParseTextProtoTest, UnknownFieldErrorCarriesFileLineAndColumn) {
  // Protobuf reports an unknown field at the token after its name; columns count from 1.
  v1::HubConfig config;
  absl::Status status = ParseTextProto(
      "listen_address: \"127.0.0.1:0\"\ndata_dir: \"/tmp\"\n  listen: 3\n", "hub.textpb", &config);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               AllOf(StartsWith("hub.textpb:3:9: "), HasSubstr("\"listen\""))));
}

TEST(ParseTextProtoTest, BadValueErrorCarriesFileLineAndColumn) {
  v1::HubConfig config;
  absl::Status status =
      ParseTextProto("max_batch_records: \"many\"\n", "configs/hub.textpb", &config);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               StartsWith("configs/hub.textpb:1:20: ")));
}

TEST(ParseTextProtoTest, UnterminatedMessageErrorCarriesLocation) {
  v1::HubConfig config;
  absl::Status status = ParseTextProto("tls {\n  ca_cert: \"ca.crt\"\n", "hub.textpb", &config);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               ::testing::MatchesRegex("hub\\.textpb:[0-9]+:[0-9]+: .*")));
}

TEST_F(FilesTest, ParseTextProtoFileNamesThePathInErrors) {
  std::string path = dir_ + "/agent.textpb";
  ASSERT_THAT(WriteFileAtomic(path, "hub_address: \"x\"\nbatch_sise: 3\n"), IsOk());
  v1::AgentConfig config;
  EXPECT_THAT(ParseTextProtoFile(path, &config),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith(path + ":2:11: "), HasSubstr("batch_sise"))));
}

TEST_F(FilesTest, ParseTextProtoFileOfMissingFileIsNotFound) {
  v1::AgentConfig config;
  EXPECT_THAT(ParseTextProtoFile(dir_ + "/missing.textpb", &config),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(ResolvePathTest, ResolvesAgainstTheConfigDirectory) {
  EXPECT_EQ(ResolvePath("/etc/confide/hub.textpb", "pki/ca.crt"), "/etc/confide/pki/ca.crt");
  EXPECT_EQ(ResolvePath("run/hub.textpb", "data"), "run/data");
  EXPECT_EQ(ResolvePath("/etc/confide/hub.textpb", "/abs/ca.crt"), "/abs/ca.crt");
  EXPECT_EQ(ResolvePath("/etc/confide/hub.textpb", ""), "");
  EXPECT_EQ(ResolvePath("hub.textpb", "pki/ca.crt"), "pki/ca.crt");
}

}  // namespace
}  // namespace confide
