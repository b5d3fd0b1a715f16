// The audit log's tamper evidence end to end, with the real hub and CLI: an IG officer exports
// the log with its signed tree head and verifies it offline; edits to the export are pinpointed;
// an audit event edited inside RocksDB stops the hub from starting; and a whole-store rollback
// to an earlier copy is caught both by the CLI's witness check and, offline, by the head the
// verifier remembered.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "confide/v1/audit.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::HasSubstr;

class AuditTamperE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MakeRunDir(dir_.path());
    StartHub();
  }
  void StartHub() {
    absl::Status started = hub_.Start(dir_.path());
    ASSERT_TRUE(started.ok()) << started;
    // The port changes on every start; the IG config follows it.
    WriteFileOrDie(Path("ig.textpb"),
                   absl::StrReplaceAll(ReadFileOrDie(SourceDir() + "/deploy/demo/ig.textpb"),
                                       {{"HUB_PORT", absl::StrCat(hub_.port())}}));
  }
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }
  CommandResult Confide(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/confide");
    return RunCommand(args, dir_.path());
  }
  CommandResult Export(const std::string& file, bool proofs = false) {
    std::vector<std::string> args = {"audit", "export", "--config", "ig.textpb", "--output", file};
    if (proofs) {
      args.push_back("--with-proofs");
    }
    return Confide(args);
  }
  CommandResult Verify(const std::string& file) {
    return Confide({"audit", "verify", file, "--public-key", "audit-signing.pub", "--state",
                    "ig-state/last-head.json"});
  }
  void SomeActivity(int times) {
    for (int i = 0; i < times; ++i) {
      CommandResult listed = Confide({"audit", "list", "--config", "ig.textpb", "--limit", "1"});
      ASSERT_EQ(listed.exit_code, 0) << listed.err;
    }
  }
  TempDir dir_;
  HubProcess hub_;
};

TEST_F(AuditTamperE2eTest, ExportVerifiesAndEditsArePinpointed) {
  SomeActivity(3);
  CommandResult exported = Export("export.jsonl", /*proofs=*/true);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  CommandResult verified = Verify("export.jsonl");
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("audit log verified"));
  EXPECT_TRUE(std::filesystem::exists(Path("ig-state/last-head.json")));

  // Rewrite event 2's action in the export: the verifier names event 2.
  std::vector<std::string> lines = absl::StrSplit(ReadFileOrDie(Path("export.jsonl")), '\n');
  ASSERT_GT(lines.size(), 4u);
  lines[2] = absl::StrReplaceAll(lines[2], {{"\"action\":\"", "\"action\":\"x"}});
  WriteFileOrDie(Path("edited.jsonl"), absl::StrJoin(lines, "\n"));
  CommandResult edited = Verify("edited.jsonl");
  EXPECT_EQ(edited.exit_code, 5);
  EXPECT_THAT(edited.out, HasSubstr("AUDIT LOG VERIFICATION FAILED"));
  EXPECT_THAT(edited.out, HasSubstr("first bad sequence: 2"));
  EXPECT_THAT(edited.out, HasSubstr("event 2 (line 3) was changed"));

  // Drop event 3.
  lines = absl::StrSplit(ReadFileOrDie(Path("export.jsonl")), '\n');
  lines.erase(lines.begin() + 3);
  WriteFileOrDie(Path("deleted.jsonl"), absl::StrJoin(lines, "\n"));
  CommandResult deleted = Verify("deleted.jsonl");
  EXPECT_EQ(deleted.exit_code, 5);
  EXPECT_THAT(deleted.out, HasSubstr("event 3 removed"));
}

TEST_F(AuditTamperE2eTest, EventEditedInsideTheStoreStopsTheHub) {
  SomeActivity(2);
  ASSERT_EQ(Export("export.jsonl").exit_code, 0);  // the hub signs and saves a head
  ASSERT_EQ(hub_.Stop(), 0);
  {
    // An insider with file access rewrites event 2 directly in RocksDB.
    const std::string data = Path("hub-data");
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), data, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& name : names) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), data, families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const std::string key("\0\0\0\0\0\0\0\2", 8);
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] != "audit") {
        continue;
      }
      std::string value;
      ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[i], key, &value).ok());
      v1::AuditEvent event;
      ASSERT_TRUE(event.ParseFromString(value));
      event.set_actor("confide://user/ig/someone-else");
      ASSERT_TRUE(
          db->Put(rocksdb::WriteOptions(), handles[i], key, event.SerializeAsString()).ok());
    }
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      db->DestroyColumnFamilyHandle(handle);
    }
  }
  absl::Status restarted = hub_.Start(dir_.path());
  EXPECT_FALSE(restarted.ok());
  EXPECT_THAT(std::string(restarted.message()), HasSubstr("audit event 2 was changed"));
}

TEST_F(AuditTamperE2eTest, WholeStoreRollbackIsCaughtByTheRememberedHead) {
  SomeActivity(2);
  ASSERT_EQ(hub_.Stop(), 0);
  std::filesystem::copy(Path("hub-data"), Path("snapshot"),
                        std::filesystem::copy_options::recursive);
  StartHub();
  SomeActivity(6);
  ASSERT_EQ(Export("later.jsonl").exit_code, 0);
  CommandResult later = Verify("later.jsonl");
  ASSERT_EQ(later.exit_code, 0) << later.out << later.err;  // remembered: this head

  // Roll the whole store back to the earlier copy and serve again.
  ASSERT_EQ(hub_.Stop(), 0);
  std::filesystem::remove_all(Path("hub-data"));
  std::filesystem::copy(Path("snapshot"), Path("hub-data"),
                        std::filesystem::copy_options::recursive);
  StartHub();
  // The CLI witnesses the hub before exporting, so the rollback is refused at once...
  CommandResult witnessed = Export("refused.jsonl");
  EXPECT_EQ(witnessed.exit_code, 5) << witnessed.out << witnessed.err;
  EXPECT_THAT(witnessed.out, HasSubstr("AUDIT LOG WITNESS CHECK FAILED"));
  EXPECT_THAT(witnessed.out, HasSubstr("rolled back"));
  // ...and an export made by an IG officer whose CLI never saw the longer history is caught
  // offline by the head remembered from the earlier verification.
  WriteFileOrDie(Path("ig.textpb"),
                 absl::StrCat(ReadFileOrDie(Path("ig.textpb")),
                              "\naudit_witness_state_file: \"fresh-witness.json\"\n"));
  CommandResult exported = Export("rolled-back.jsonl");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  CommandResult verified = Verify("rolled-back.jsonl");
  EXPECT_EQ(verified.exit_code, 5) << verified.out;
  EXPECT_THAT(verified.out, HasSubstr("AUDIT LOG VERIFICATION FAILED"));
  EXPECT_THAT(verified.out, HasSubstr("ROLLBACK"));
  EXPECT_THAT(verified.out, HasSubstr("remembered head"));
  // The rolled-back export is internally consistent: only the remembered head exposes it.
  CommandResult alone = Confide(
      {"audit", "verify", "rolled-back.jsonl", "--public-key", "audit-signing.pub", "--no-state"});
  EXPECT_EQ(alone.exit_code, 0) << alone.out;
}

TEST_F(AuditTamperE2eTest, HubRefusesToStartWithoutItsSigningKey) {
  ASSERT_EQ(hub_.Stop(), 0);
  std::filesystem::permissions(Path("audit-signing.key"), std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  absl::Status loose = hub_.Start(dir_.path());
  EXPECT_FALSE(loose.ok());
  EXPECT_THAT(std::string(loose.message()), HasSubstr("audit signing key"));
  std::filesystem::remove(Path("audit-signing.key"));
  absl::Status missing = hub_.Start(dir_.path());
  EXPECT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.message()), HasSubstr("audit signing key"));
  // And a config that names no key at all.
  WriteFileOrDie(Path("hub.textpb"),
                 absl::StrReplaceAll(ReadFileOrDie(Path("hub.textpb")),
                                     {{"audit_signing_key_file:", "# audit_signing_key_file:"}}));
  absl::Status unset = hub_.Start(dir_.path());
  EXPECT_FALSE(unset.ok());
  EXPECT_THAT(std::string(unset.message()),
              HasSubstr("required field 'audit_signing_key_file' is not set"));
}

}  // namespace
}  // namespace confide::e2e
