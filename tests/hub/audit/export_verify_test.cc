// Offline verification of audit exports: a clean export verifies, and each kind of tampering is
// reported precisely (first bad sequence and what is wrong): a flipped byte, an edited field, a
// deleted, reordered, inserted or forged event, a truncated tail, a missing head, a wrong key,
// and a rollback or rewrite relative to a trusted earlier head.

#include "hub/audit/export_verify.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hub/audit/audit_leaf.h"
#include "hub/audit/merkle.h"
#include "hub/audit/tree_head.h"
#include "tests/testing/audit_keys.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::IsOk;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<TreeHeadSigner> NewSigner() { return testing::NewAuditSigner(); }

v1::AuditEvent MakeEvent(uint64_t sequence) {
  v1::AuditEvent event;
  event.set_sequence(sequence);
  event.set_time_micros(1700000000000000 + static_cast<int64_t>(sequence));
  event.set_actor("confide://user/analyst/a.khan");
  event.set_action("Query.Run");
  event.set_decision(v1::AuditEvent::ALLOW);
  event.set_detail(absl::StrCat("query ", sequence));
  return event;
}

// An honest hub's export of `count` events, as lines (header first, head last).
class ExportVerifyTest : public ::testing::Test {
 protected:
  std::vector<std::string> Export(const std::vector<v1::AuditEvent>& events, bool proofs,
                                  uint64_t head_size) {
    std::vector<std::string> hashes;
    for (const v1::AuditEvent& event : events) {
      hashes.push_back(AuditLeafHash(event));
    }
    const std::vector<std::string> covered(hashes.begin(), hashes.begin() + head_size);
    v1::SignedTreeHead head = *signer_->Sign(head_size, MerkleRoot(covered), 1700000000000000);
    std::vector<std::string> lines;
    v1::AuditExportLine header;
    header.set_format(kAuditExportFormat);
    header.set_public_key_pem(signer_->public_key_pem());
    header.set_key_fingerprint(signer_->key_fingerprint());
    lines.push_back(ExportLineToJson(header));
    for (size_t i = 0; i < events.size(); ++i) {
      v1::AuditExportLine line;
      *line.mutable_event() = events[i];
      line.set_leaf_hash(absl::BytesToHexString(hashes[i]));
      if (proofs && i < head_size) {
        absl::StatusOr<std::vector<std::string>> path = MerkleInclusionProof(covered, i);
        EXPECT_THAT(path, IsOk());
        for (const std::string& node : path.value_or(std::vector<std::string>())) {
          line.add_inclusion_proof(absl::BytesToHexString(node));
        }
      }
      lines.push_back(ExportLineToJson(line));
    }
    v1::AuditExportLine last;
    *last.mutable_tree_head() = head;
    lines.push_back(ExportLineToJson(last));
    return lines;
  }
  std::vector<std::string> Honest(int count, bool proofs = false) {
    std::vector<v1::AuditEvent> events;
    for (int i = 1; i <= count; ++i) {
      events.push_back(MakeEvent(i));
    }
    return Export(events, proofs, events.size());
  }
  ExportVerifyReport Verify(const std::vector<std::string>& lines,
                            std::optional<v1::SignedTreeHead> trusted = std::nullopt) {
    ExportVerifyOptions options;
    options.public_key_pem = signer_->public_key_pem();
    options.trusted_head = std::move(trusted);
    absl::StatusOr<ExportVerifyReport> report =
        VerifyAuditExport(absl::StrJoin(lines, "\n"), options);
    EXPECT_THAT(report, IsOk());
    return report.ok() ? *report : ExportVerifyReport();
  }
  static v1::SignedTreeHead HeadOf(const std::vector<std::string>& lines) {
    v1::AuditExportLine last;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(lines.back(), &last).ok());
    return last.tree_head();
  }
  std::unique_ptr<TreeHeadSigner> signer_ = NewSigner();
};

// Line index of event `sequence` in an honest export (the header is line 0).
size_t LineOf(uint64_t sequence) { return sequence; }

TEST_F(ExportVerifyTest, HonestExportVerifies) {
  for (bool proofs : {false, true}) {
    ExportVerifyReport report = Verify(Honest(12, proofs));
    EXPECT_TRUE(report.ok) << absl::StrJoin(report.problems, "\n");
    EXPECT_THAT(report.problems, IsEmpty());
    EXPECT_EQ(report.events, 12u);
    EXPECT_EQ(report.head.tree_size(), 12u);
  }
}

TEST_F(ExportVerifyTest, EmptyLogVerifies) { EXPECT_TRUE(Verify(Honest(0)).ok); }

TEST_F(ExportVerifyTest, FlippedByteIsReportedAtItsEvent) {
  std::vector<std::string> lines = Honest(10);
  // A flip inside a string value keeps the JSON valid: the event no longer matches its hash.
  std::string& line = lines[LineOf(6)];
  const size_t at = line.find("query 6");
  ASSERT_NE(at, std::string::npos);
  line[at] = static_cast<char>(line[at] ^ 0x01);
  ExportVerifyReport report = Verify(lines);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_sequence, 6u);
  EXPECT_THAT(report.problems[0], HasSubstr("event 6 (line 7) was changed"));
}

TEST_F(ExportVerifyTest, FlipThatBreaksTheLineIsReported) {
  std::vector<std::string> lines = Honest(10);
  lines[LineOf(4)][0] = '[';
  ExportVerifyReport report = Verify(lines);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_sequence, 4u);
  EXPECT_THAT(report.problems[0], HasSubstr("line 5 (after event 3) is not a valid export line"));
}

TEST_F(ExportVerifyTest, EditedDecisionIsReported) {
  std::vector<std::string> lines = Honest(5);
  lines[LineOf(2)] = absl::StrReplaceAll(lines[LineOf(2)], {{"\"ALLOW\"", "\"DENY\""}});
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 2u);
  EXPECT_THAT(report.problems[0], HasSubstr("event 2 (line 3) was changed"));
}

TEST_F(ExportVerifyTest, DeletedEventIsReported) {
  std::vector<std::string> lines = Honest(10);
  lines.erase(lines.begin() + LineOf(7));
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 7u);
  EXPECT_THAT(report.problems[0], HasSubstr("event 7 removed: event 8 (line 8) follows 6"));
}

TEST_F(ExportVerifyTest, ReorderedEventsAreReported) {
  std::vector<std::string> lines = Honest(10);
  std::swap(lines[LineOf(3)], lines[LineOf(4)]);
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 3u);
  EXPECT_THAT(report.problems[0],
              HasSubstr("events out of order: event 4 (line 4) comes before event 3"));
}

TEST_F(ExportVerifyTest, InsertedCopyIsReported) {
  std::vector<std::string> lines = Honest(10);
  lines.insert(lines.begin() + LineOf(5), lines[LineOf(2)]);
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 2u);
  EXPECT_THAT(report.problems[0], HasSubstr("event 2 appears twice (line 6)"));
}

TEST_F(ExportVerifyTest, InsertedNewEventBeyondTheHeadIsReported) {
  std::vector<std::string> lines = Honest(6);
  v1::AuditExportLine forged;
  *forged.mutable_event() = MakeEvent(7);
  forged.set_leaf_hash(absl::BytesToHexString(AuditLeafHash(forged.event())));
  lines.insert(lines.end() - 1, ExportLineToJson(forged));
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 7u);
  EXPECT_THAT(report.problems[0], HasSubstr("signed head covers only 6: events were inserted"));
}

TEST_F(ExportVerifyTest, ForgedEventWithRecomputedHashIsFoundByItsProof) {
  std::vector<std::string> lines = Honest(9, /*proofs=*/true);
  v1::AuditExportLine line;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[LineOf(5)], &line).ok());
  line.mutable_event()->set_actor("confide://user/analyst/j.smith");  // blame someone else
  line.set_leaf_hash(absl::BytesToHexString(AuditLeafHash(line.event())));
  lines[LineOf(5)] = ExportLineToJson(line);
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 5u);
  EXPECT_THAT(report.problems[0], HasSubstr("event 5 (line 6) is not the event the hub signed"));
  // Without proofs the root still gives it away, though not where.
  std::vector<std::string> plain = Honest(9);
  plain[LineOf(5)] = ExportLineToJson(line);
  line.clear_inclusion_proof();
  plain[LineOf(5)] = ExportLineToJson(line);
  ExportVerifyReport rootonly = Verify(plain);
  EXPECT_FALSE(rootonly.ok);
  EXPECT_THAT(rootonly.problems[0], HasSubstr("do not add up to the signed head's root"));
}

TEST_F(ExportVerifyTest, TruncatedTailIsReported) {
  std::vector<std::string> lines = Honest(10);
  lines.erase(lines.begin() + LineOf(8), lines.end() - 1);  // keep the head
  ExportVerifyReport report = Verify(lines);
  EXPECT_EQ(report.first_bad_sequence, 8u);
  EXPECT_THAT(report.problems[0], HasSubstr("truncated: the signed head covers 10 events but the "
                                            "export has 7; events from 8 are missing"));
  lines.pop_back();  // and without the head
  EXPECT_THAT(Verify(lines).problems[0], HasSubstr("no signed tree head at the end"));
}

TEST_F(ExportVerifyTest, HeadSignedByAnotherKeyIsRefused) {
  std::vector<std::string> lines = Honest(4);
  ExportVerifyOptions options;
  options.public_key_pem = NewSigner()->public_key_pem();  // pinned: not the export's key
  ExportVerifyReport report = *VerifyAuditExport(absl::StrJoin(lines, "\n"), options);
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problems[0], HasSubstr("tree head names signing key"));
}

TEST_F(ExportVerifyTest, UnpinnedKeyIsNoted) {
  ExportVerifyReport report = *VerifyAuditExport(absl::StrJoin(Honest(3), "\n"), {});
  EXPECT_TRUE(report.ok);
  EXPECT_THAT(report.notes[0], HasSubstr("public key not pinned"));
}

TEST_F(ExportVerifyTest, LaterExportExtendingTheTrustedHeadVerifies) {
  std::vector<v1::AuditEvent> events;
  for (int i = 1; i <= 20; ++i) {
    events.push_back(MakeEvent(i));
  }
  const v1::SignedTreeHead earlier = HeadOf(Export(events, false, 8));
  ExportVerifyReport report = Verify(Export(events, false, 20), earlier);
  EXPECT_TRUE(report.ok) << absl::StrJoin(report.problems, "\n");
}

TEST_F(ExportVerifyTest, RollbackBelowTheTrustedHeadIsReported) {
  const v1::SignedTreeHead trusted = HeadOf(Honest(12));
  ExportVerifyReport report = Verify(Honest(7), trusted);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_sequence, 8u);
  EXPECT_THAT(report.problems[0], HasSubstr("ROLLBACK: the hub's head covers 7 events but you "
                                            "already verified a head covering 12"));
}

TEST_F(ExportVerifyTest, RewrittenHistoryInconsistentWithTheTrustedHeadIsReported) {
  const v1::SignedTreeHead trusted = HeadOf(Honest(6));
  // The store was rolled back to 4 events and the hub carried on: 5 and 6 are new events.
  std::vector<v1::AuditEvent> events;
  for (int i = 1; i <= 9; ++i) {
    events.push_back(MakeEvent(i));
  }
  events[4].set_detail("a different event 5");
  ExportVerifyReport report = Verify(Export(events, false, 9), trusted);
  EXPECT_FALSE(report.ok);
  EXPECT_THAT(report.problems[0], HasSubstr("NOT CONSISTENT with the trusted head: the first 6"));
}

TEST_F(ExportVerifyTest, ForgedTrustedHeadIsRefused) {
  v1::SignedTreeHead trusted = HeadOf(Honest(6));
  trusted.set_tree_size(5);
  EXPECT_THAT(Verify(Honest(8), trusted).problems[0],
              HasSubstr("trusted head's signature does not verify"));
}

TEST_F(ExportVerifyTest, TreeHeadJsonRoundTrips) {
  const v1::SignedTreeHead head = HeadOf(Honest(3));
  absl::StatusOr<v1::SignedTreeHead> parsed = TreeHeadFromJson(TreeHeadToJson(head));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->SerializeAsString(), head.SerializeAsString());
  EXPECT_FALSE(TreeHeadFromJson("not json").ok());
}

}  // namespace
}  // namespace confide::hub
