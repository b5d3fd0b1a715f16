#include "agent/receipt.h"

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

v1::PushReceipt Example() {
  v1::PushReceipt receipt;
  receipt.set_dataset("police_crime");
  receipt.mutable_file()->set_name("crime \"May\".csv");
  receipt.mutable_file()->set_bytes(26454913);
  receipt.mutable_file()->set_sha256(std::string(64, 'f'));
  v1::PushReceipt::Counts* counts = receipt.mutable_counts();
  counts->set_read(2001);
  counts->set_sent(2000);
  counts->set_stored(1000);
  counts->set_duplicates(1000);
  counts->set_quarantined(1);
  counts->set_resumed(1000);
  receipt.set_started("2026-05-01T02:00:00Z");
  receipt.set_finished("2026-05-01T02:00:09Z");
  receipt.set_hub_policy_version("b321514ca4db2070");
  receipt.set_agent_config("/etc/confide/agent.textpb");
  for (int i = 0; i < 2; ++i) {
    v1::PushReceipt::BatchOutcome* batch = receipt.add_batches();
    batch->set_batch_id(i == 0 ? "police_crime.aa" : "police_crime.bb");
    batch->set_records(1000);
    batch->set_outcome(i == 0 ? v1::PushAck::STORED : v1::PushAck::DUPLICATE);
    batch->set_audit_sequence(40 + i);
  }
  return receipt;
}

TEST(ReceiptTest, JsonHasNumbersAsNumbersAndNamedOutcomes) {
  std::string json = ReceiptToJson(Example());
  EXPECT_THAT(json, HasSubstr("\"dataset\": \"police_crime\""));
  EXPECT_THAT(json, HasSubstr("\"name\": \"crime \\\"May\\\".csv\", \"bytes\": 26454913"));
  EXPECT_THAT(json, HasSubstr("\"sha256\": \"ffff"));
  EXPECT_THAT(json, HasSubstr("\"read\": 2001, \"sent\": 2000, \"stored\": 1000, "
                              "\"duplicates\": 1000, \"quarantined\": 1, \"resumed\": 1000"));
  EXPECT_THAT(json, HasSubstr("{\"batch_id\": \"police_crime.bb\", \"records\": 1000, "
                              "\"outcome\": \"DUPLICATE\", \"audit_sequence\": 41}"));
  EXPECT_THAT(json, HasSubstr("\"hub_policy_version\": \"b321514ca4db2070\""));
  EXPECT_THAT(json, HasSubstr("\"started\": \"2026-05-01T02:00:00Z\""));
}

TEST(ReceiptTest, RoundTripsThroughTheFile) {
  const std::string path = ::testing::TempDir() + "/receipt_test.json";
  ASSERT_THAT(WriteFileAtomic(path, ReceiptToJson(Example())), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushReceipt read, ReadReceipt(path));
  EXPECT_EQ(read.SerializeAsString(), Example().SerializeAsString());
}

TEST(ReceiptTest, EmptyBatchListIsValidJson) {
  v1::PushReceipt receipt = Example();
  receipt.clear_batches();
  const std::string path = ::testing::TempDir() + "/receipt_test_empty.json";
  ASSERT_THAT(WriteFileAtomic(path, ReceiptToJson(receipt)), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushReceipt read, ReadReceipt(path));
  EXPECT_EQ(read.batches_size(), 0);
  EXPECT_EQ(read.counts().read(), 2001);
}

TEST(ReceiptTest, OtherFilesAreRefusedNamingThePath) {
  const std::string path = ::testing::TempDir() + "/not_a_receipt.json";
  ASSERT_THAT(WriteFileAtomic(path, "Crime Reference\nMP/1\n"), IsOk());
  EXPECT_THAT(ReadReceipt(path), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("not_a_receipt.json is not a push receipt")));
  ASSERT_THAT(WriteFileAtomic(path, "{\"counts\": {\"read\": 1}}"), IsOk());
  EXPECT_THAT(ReadReceipt(path), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReadReceipt(path + ".missing"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ReceiptTest, TimesAreUtcRfc3339) {
  EXPECT_EQ(ReceiptTime(absl::FromUnixSeconds(1777593600)), "2026-05-01T00:00:00Z");
}

}  // namespace
}  // namespace confide::agent
