// Exchange with the in-memory store, a fake clock and the example Merseyside policy: every
// request is authorised, audited before it is answered, and fails closed.

#include "hub/exchange.h"

#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/crypto/hash.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/in_memory_record_store.h"
#include "tests/testing/example_identities.h"
#include "tests/testing/status_matchers.h"

namespace confide::hub {
namespace {

using ::confide::testing::FakeClock;
using ::confide::testing::Id;
using ::confide::testing::InMemoryRecordStore;
using ::confide::testing::IsOk;
using ::confide::testing::kAnalyst;
using ::confide::testing::kHospitalAgent;
using ::confide::testing::kIg;
using ::confide::testing::kPoliceAgent;
using ::confide::testing::kTestHubSecret;
using ::confide::testing::kYouthAnalyst;
using ::confide::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kPolicyPath[] = CONFIDE_SOURCE_DIR "/deploy/policy/merseyside.textpb";
constexpr char kSvd[] = "svd-merseyside-2026";
constexpr char kPurpose[] = "hotspot analysis";
constexpr char kKeyVersion[] = "2026-1";  // the example policy's linkage key version
// A value planted in bad input: it must never come back in an error or an audit event.
constexpr char kPlanted[] = "Zebedee";

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone());
const int64_t kEventBase = (absl::CivilSecond(2025, 6, 6, 0, 0, 0) - absl::CivilSecond(1970, 1, 1));

std::shared_ptr<const policy::Policy> LoadPolicy(absl::string_view text = "") {
  absl::StatusOr<std::shared_ptr<const policy::Policy>> loaded =
      text.empty() ? policy::Policy::FromFile(kPolicyPath, absl::CivilDay(2026, 6, 1))
                   : policy::Policy::FromText(text, "test.textpb", absl::CivilDay(2026, 6, 1));
  EXPECT_THAT(loaded, IsOk());
  return loaded.value_or(nullptr);
}

std::string PolicyText() {
  std::ifstream in(kPolicyPath);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example policy in the middle of a linkage key rotation: both versions accepted.
std::shared_ptr<const policy::Policy> RotationPolicy() {
  std::string text = PolicyText();
  const std::string listed = "key_versions: [\"2026-1\"]";
  EXPECT_NE(text.find(listed), std::string::npos);
  text.replace(text.find(listed), listed.size(), "key_versions: [\"2026-1\", \"2027-1\"]");
  return LoadPolicy(text);
}

std::string WireToken(int person) { return crypto::Sha256(absl::StrCat("person-", person)); }

v1::WireRecord PoliceRecord(int n, absl::string_view district, bool knife = false) {
  v1::WireRecord record;
  record.set_record_id(absl::StrFormat("record-%012d", n));
  record.set_event_time(kEventBase + 3600 * (n % 200));
  auto& values = *record.mutable_values();
  values["offence_group"] = n % 3 == 0 ? "robbery" : "assault_with_injury";
  values["knife"] = knife ? "true" : "false";
  values["sex"] = n % 2 == 0 ? "f" : "m";
  values["age"] = absl::StrCat(14 + n % 50);
  values["district"] = std::string(district);
  v1::MatchToken* token = record.add_tokens();
  token->set_key_id("name_dob_sex");
  token->set_key_version(kKeyVersion);
  token->set_token(WireToken(n));
  return record;
}

v1::Batch EdBatch(absl::string_view id, int records) {
  v1::Batch batch;
  batch.set_batch_id(std::string(id));
  batch.set_dataset("ed_attendance");
  for (int i = 0; i < records; ++i) {
    v1::WireRecord* record = batch.add_records();
    record->set_record_id(absl::StrFormat("ed-record-%010d", i));
    record->set_event_time(kEventBase);
    (*record->mutable_values())["district"] = "L8";
    (*record->mutable_values())["means_of_assault"] = "knife";
  }
  return batch;
}

// Every count below is built from this table, so tests can count independently.
struct Cell {
  std::string district;
  int count;
  bool knife = false;
};
// Borough of each district used below, written out here rather than read from the policy.
const std::map<std::string, std::string>& BoroughOf() {
  static const auto* boroughs = new std::map<std::string, std::string>{
      {"L8", "Liverpool"}, {"L4", "Liverpool"},   {"L36", "Knowsley"}, {"L20", "Sefton"},
      {"CH41", "Wirral"},  {"WA10", "St Helens"}, {"ZZ9", "(missing)"}};
  return *boroughs;
}

int64_t Nhs(int64_t count) {  // 1-7 suppressed, else rounded to the nearest 5
  return count >= 1 && count <= 7 ? -1 : (count + 2) / 5 * 5;
}

// One hub: store, clock and exchange.
struct Hub {
  explicit Hub(std::shared_ptr<const policy::Policy> policy, std::string secret = kTestHubSecret,
               ExchangeOptions options = {})
      : exchange(std::move(policy), store, store, clock, std::move(secret), options) {}

  v1::Batch PoliceBatch(absl::string_view id, const std::vector<Cell>& cells) {
    v1::Batch batch;
    batch.set_batch_id(std::string(id));
    batch.set_dataset("police_crime");
    for (const Cell& cell : cells) {
      for (int i = 0; i < cell.count; ++i) {
        *batch.add_records() = PoliceRecord(next_record++, cell.district, cell.knife);
      }
    }
    return batch;
  }
  absl::StatusOr<v1::PushAck> PushPolice(absl::string_view id, const std::vector<Cell>& cells) {
    return exchange.Push(Id(kPoliceAgent), PoliceBatch(id, cells));
  }
  absl::StatusOr<v1::QueryResult> Query(absl::string_view sql, absl::string_view who = kAnalyst,
                                        absl::string_view agreement = kSvd,
                                        absl::string_view purpose = kPurpose) {
    v1::QueryRequest request;
    request.set_agreement(std::string(agreement));
    request.set_purpose(std::string(purpose));
    request.set_sql(std::string(sql));
    return exchange.Query(Id(who), request);
  }
  v1::AuditEvent LastEvent() const {
    std::vector<v1::AuditEvent> events = store.AllEvents();
    return events.empty() ? v1::AuditEvent() : events.back();
  }
  size_t EventCount() const { return store.AllEvents().size(); }
  // Nothing stored or audited contains `needle`.
  void ExpectNowhere(absl::string_view needle) const {
    for (const v1::AuditEvent& event : store.AllEvents()) {
      EXPECT_FALSE(absl::StrContains(event.SerializeAsString(), needle)) << event.DebugString();
    }
    for (const v1::StoredRecord& record : store.AllRecords()) {
      EXPECT_FALSE(absl::StrContains(record.SerializeAsString(), needle));
    }
  }

  InMemoryRecordStore store;
  FakeClock clock{kNow};
  Exchange exchange;
  int next_record = 0;
};

// Published rows of a one-dimension, one-count result, sorted: "Knowsley=*; Liverpool=30".
std::string Displays(const v1::QueryResult& result) {
  std::map<std::string, std::string> rows;
  for (const v1::ResultRow& row : result.rows()) {
    rows[row.dimensions(0)] = row.measures(0).display();
  }
  return absl::StrJoin(rows, "; ", absl::PairFormatter("="));
}

std::vector<std::string> FirstDimensions(const v1::QueryResult& result) {
  std::vector<std::string> out;
  for (const v1::ResultRow& row : result.rows()) {
    out.push_back(row.dimensions(0));
  }
  return out;
}

// Every published count of a by-borough result against an independent count of the pushed
// cells under the NHS rule.
void ExpectNhsCounts(const v1::QueryResult& result, const std::vector<Cell>& cells) {
  std::map<std::string, int64_t> expected;
  for (const Cell& cell : cells) {
    expected[BoroughOf().at(cell.district)] += cell.count;
  }
  ASSERT_THAT(result.rows(), SizeIs(expected.size()));
  for (const v1::ResultRow& row : result.rows()) {
    ASSERT_THAT(row.dimensions(), SizeIs(1));
    ASSERT_THAT(row.measures(), SizeIs(1));
    const std::string& borough = row.dimensions(0);
    ASSERT_TRUE(expected.contains(borough)) << borough;
    const v1::ResultCell& cell = row.measures(0);
    const int64_t published = Nhs(expected[borough]);
    if (published < 0) {
      EXPECT_TRUE(cell.suppressed()) << borough;
    }
    if (cell.suppressed()) {
      EXPECT_EQ(cell.display(), "*") << borough;
      EXPECT_EQ(cell.value(), 0) << borough;
    } else {
      EXPECT_EQ(cell.value(), published) << borough;
      EXPECT_EQ(cell.display(), absl::StrCat(published)) << borough;
    }
  }
}

class ExchangeTest : public ::testing::Test {
 protected:
  std::shared_ptr<const policy::Policy> policy_ = LoadPolicy();
  Hub hub_{policy_};
};

// --- Push --------------------------------------------------------------------------------

TEST_F(ExchangeTest, PushByContributingAgencyIsStoredAndAuditedAllow) {
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushAck ack, hub_.PushPolice("2025-06-a", {{"L8", 3}}));
  EXPECT_EQ(ack.batch_id(), "2025-06-a");
  EXPECT_EQ(ack.outcome(), v1::PushAck::STORED);
  EXPECT_EQ(ack.records(), 3);
  EXPECT_EQ(ack.audit_sequence(), 1u);

  std::vector<v1::StoredRecord> stored = hub_.store.AllRecords();
  ASSERT_THAT(stored, SizeIs(3));
  for (const v1::StoredRecord& record : stored) {
    EXPECT_EQ(record.dataset(), "police_crime");
    EXPECT_EQ(record.agency(), "merseyside-police");
    EXPECT_EQ(record.batch_id(), "2025-06-a");
    EXPECT_EQ(record.values().at("district"), "L8");
    EXPECT_EQ(record.event_time() % 3600, 0);
  }
  v1::AuditEvent event = hub_.LastEvent();
  EXPECT_EQ(event.sequence(), 1u);
  EXPECT_EQ(event.decision(), v1::AuditEvent::ALLOW);
  EXPECT_EQ(event.action(), "Ingest.Push");
  EXPECT_EQ(event.actor(), kPoliceAgent);
  EXPECT_EQ(event.agency(), "merseyside-police");
  EXPECT_EQ(event.dataset(), "police_crime");
  EXPECT_EQ(event.rule(), "push.party-contributes");
  EXPECT_EQ(event.record_count(), 3);
  EXPECT_EQ(event.policy_version(), policy_->version());
  EXPECT_EQ(event.time_micros(), absl::ToUnixMicros(kNow));
  EXPECT_THAT(event.detail(), HasSubstr("2025-06-a"));
}

TEST_F(ExchangeTest, PushOfADatasetTheAgencyIsNotPartyToIsDenied) {
  struct Case {
    const char* caller;
    const char* dataset;
    const char* rule;
  };
  const Case cases[] = {
      {kHospitalAgent, "police_crime", "push.not-a-party"},
      {"confide://agency/merseyside-fire-rescue/agent", "ed_attendance", "push.not-a-party"},
      {kPoliceAgent, "no_such_dataset", "push.unknown-dataset"},
      {"confide://agency/rogue-agency/agent", "police_crime", "identity.unknown-agent"},
      {kAnalyst, "police_crime", "ingest.agents-only"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.caller, " -> ", c.dataset));
    v1::Batch batch = hub_.PoliceBatch("b-denied", {{"L8", 2}});
    batch.set_dataset(c.dataset);
    const size_t before = hub_.EventCount();
    EXPECT_THAT(hub_.exchange.Push(Id(c.caller), batch),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(c.rule)));
    ASSERT_EQ(hub_.EventCount(), before + 1);
    v1::AuditEvent event = hub_.LastEvent();
    EXPECT_EQ(event.decision(), v1::AuditEvent::DENY);
    EXPECT_EQ(event.rule(), c.rule);
    EXPECT_EQ(event.actor(), c.caller);
    EXPECT_EQ(event.action(), "Ingest.Push");
    EXPECT_FALSE(event.reason().empty());
  }
  EXPECT_EQ(hub_.store.record_count(), 0u);
}

TEST_F(ExchangeTest, PushIsDeniedOnceTheAgreementIsPastItsReviewDate) {
  hub_.clock.SetTime(absl::FromCivil(absl::CivilSecond(2029, 1, 1, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_THAT(hub_.PushPolice("late", {{"L8", 1}}),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("agreement.past-review")));
  EXPECT_EQ(hub_.store.record_count(), 0u);
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
}

struct Malformed {
  const char* name;
  std::function<void(v1::Batch&)> mutate;
};

TEST_F(ExchangeTest, MalformedBatchesAreRejectedAuditedAndNotEchoed) {
  auto value = [](const char* name, std::string v) {
    return [name, v](v1::Batch& b) { (*b.mutable_records(1)->mutable_values())[name] = v; };
  };
  auto token = [](std::function<void(v1::MatchToken&)> f) {
    return [f](v1::Batch& b) { f(*b.mutable_records(1)->mutable_tokens(0)); };
  };
  const std::string planted = kPlanted;
  const Malformed cases[] = {
      {"empty batch id", [](v1::Batch& b) { b.set_batch_id(""); }},
      {"batch id with spaces", [&](v1::Batch& b) { b.set_batch_id(planted + " /../x"); }},
      {"batch id too long", [&](v1::Batch& b) { b.set_batch_id(planted + std::string(130, 'x')); }},
      {"no records", [](v1::Batch& b) { b.clear_records(); }},
      {"too many records",
       [](v1::Batch& b) {
         for (int i = 0; i < 5001; ++i) {
           *b.add_records() = PoliceRecord(100000 + i, "L8");
         }
       }},
      {"record id too short", [&](v1::Batch& b) { b.mutable_records(1)->set_record_id(planted); }},
      {"record id too long",
       [&](v1::Batch& b) { b.mutable_records(1)->set_record_id(planted + std::string(60, 'r')); }},
      {"duplicate record ids",
       [&](v1::Batch& b) {
         b.mutable_records(0)->set_record_id(planted + "-duplicated-id");
         b.mutable_records(2)->set_record_id(planted + "-duplicated-id");
       }},
      {"event time not on the hour",
       [](v1::Batch& b) { b.mutable_records(1)->set_event_time(kEventBase + 1789); }},
      {"event time before 1900",
       [](v1::Batch& b) { b.mutable_records(1)->set_event_time(-2208988800 - 3600); }},
      {"event time after 2100",
       [](v1::Batch& b) { b.mutable_records(1)->set_event_time(4102444800 + 3600); }},
      {"identifier in values", value("victim_surname", planted)},
      {"direct identifier in values", value("crime_reference", planted + "/2025/123")},
      {"event time field in values", value("committed_at", planted)},
      {"unknown field", value("notes", planted + " said it was his brother")},
      {"bad enum code", value("offence_group", "stabbing-" + planted)},
      {"enum code in wrong case", value("sex", "F")},
      {"bad boolean", value("knife", "yes-" + planted)},
      {"attribute too long", value("offence_code", planted + std::string(300, '9'))},
      {"quasi-identifier too long", value("district", planted + std::string(300, 'L'))},
      {"token too short",
       token([&](v1::MatchToken& t) { t.set_token(planted + std::string(24, 't')); })},
      {"token too long",
       token([&](v1::MatchToken& t) { t.set_token(planted + std::string(26, 't')); })},
      {"unknown key id", token([&](v1::MatchToken& t) { t.set_key_id(planted + "-key"); })},
      {"missing key version", token([](v1::MatchToken& t) { t.set_key_version(""); })},
      {"key version not accepted", token([&](v1::MatchToken& t) { t.set_key_version(planted); })},
      {"two tokens for one key and version",
       [](v1::Batch& b) { *b.mutable_records(1)->add_tokens() = b.records(0).tokens(0); }},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.name);
    v1::Batch batch = hub_.PoliceBatch(absl::StrCat("bad-", hub_.next_record), {{"L8", 3}});
    c.mutate(batch);
    const size_t before = hub_.EventCount();
    absl::StatusOr<v1::PushAck> ack = hub_.exchange.Push(Id(kPoliceAgent), batch);
    ASSERT_THAT(ack, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(ack.status().message()), Not(HasSubstr(kPlanted)));
    EXPECT_THAT(std::string(ack.status().message()),
                Not(HasSubstr(absl::StrCat(kEventBase + 1789))));
    ASSERT_EQ(hub_.EventCount(), before + 1);
    v1::AuditEvent event = hub_.LastEvent();
    EXPECT_EQ(event.decision(), v1::AuditEvent::ERROR);
    EXPECT_EQ(event.rule(), "ingest.invalid-batch");
    EXPECT_EQ(event.action(), "Ingest.Push");
    EXPECT_EQ(event.agency(), "merseyside-police");
    EXPECT_EQ(event.reason(), ack.status().message());
    EXPECT_EQ(hub_.store.record_count(), 0u);
  }
  hub_.ExpectNowhere(kPlanted);
}

TEST_F(ExchangeTest, TokensUnderAKeyVersionThePolicyDoesNotListAreRefused) {
  v1::Batch batch = hub_.PoliceBatch("old-key", {{"L8", 3}});
  batch.mutable_records(2)->mutable_tokens(0)->set_key_version("2025-1");
  absl::StatusOr<v1::PushAck> ack = hub_.exchange.Push(Id(kPoliceAgent), batch);
  EXPECT_THAT(ack, StatusIs(absl::StatusCode::kInvalidArgument,
                            AllOf(HasSubstr("record 2: the token for match key 'name_dob_sex'"),
                                  HasSubstr("(accepted: 2026-1)"), Not(HasSubstr("2025-1")))));
  EXPECT_EQ(hub_.LastEvent().rule(), "ingest.invalid-batch");
  EXPECT_EQ(hub_.store.record_count(), 0u);

  // During a rotation both versions are listed, and tokens under either are stored.
  hub_.exchange.ReplacePolicy(RotationPolicy());
  batch.mutable_records(2)->mutable_tokens(0)->set_key_version("2027-1");
  EXPECT_THAT(hub_.exchange.Push(Id(kPoliceAgent), batch), IsOk());
  EXPECT_EQ(hub_.store.record_count(), 3u);

  // A recipe that lists no versions accepts any.
  std::string text = PolicyText();
  const std::string listed = "key_versions: [\"2026-1\"]";
  ASSERT_NE(text.find(listed), std::string::npos);
  text.erase(text.find(listed), listed.size());
  hub_.exchange.ReplacePolicy(LoadPolicy(text));
  v1::Batch any = hub_.PoliceBatch("any-key", {{"L8", 1}});
  any.mutable_records(0)->mutable_tokens(0)->set_key_version("2030-7");
  EXPECT_THAT(hub_.exchange.Push(Id(kPoliceAgent), any), IsOk());
}

TEST_F(ExchangeTest, BatchAtTheRecordLimitIsAccepted) {
  Hub small(policy_, kTestHubSecret, ExchangeOptions{.max_batch_records = 4});
  EXPECT_THAT(small.PushPolice("four", {{"L8", 4}}), IsOk());
  EXPECT_THAT(small.PushPolice("five", {{"L8", 5}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1 to 4 records")));
  EXPECT_EQ(small.store.record_count(), 4u);
}

TEST_F(ExchangeTest, TokensAtRestAreRekeyedDeterministicallyPerHubSecret) {
  v1::Batch batch = hub_.PoliceBatch("tokens", {{"L8", 2}});
  // The same wire token and key version under two match keys.
  v1::MatchToken* nhs = batch.mutable_records(0)->add_tokens();
  nhs->set_key_id("nhs");
  nhs->set_key_version(kKeyVersion);
  nhs->set_token(batch.records(0).tokens(0).token());
  ASSERT_THAT(hub_.exchange.Push(Id(kPoliceAgent), batch), IsOk());

  auto stored_tokens = [](const Hub& hub) {
    std::vector<v1::MatchToken> tokens;
    for (const v1::StoredRecord& record : hub.store.AllRecords()) {
      tokens.insert(tokens.end(), record.tokens().begin(), record.tokens().end());
    }
    return tokens;
  };
  std::vector<v1::MatchToken> at_rest = stored_tokens(hub_);
  ASSERT_THAT(at_rest, SizeIs(3));
  EXPECT_EQ(at_rest[0].key_id(), "name_dob_sex");
  EXPECT_EQ(at_rest[0].key_version(), kKeyVersion);
  EXPECT_EQ(at_rest[1].key_id(), "nhs");
  EXPECT_EQ(at_rest[1].key_version(), kKeyVersion);
  for (const v1::MatchToken& token : at_rest) {
    EXPECT_EQ(token.token().size(), 32u);
  }
  EXPECT_NE(at_rest[0].token(), at_rest[1].token()) << "tokens are re-keyed per match key";
  EXPECT_NE(at_rest[0].token(), at_rest[2].token());
  // A new key version (during a rotation, when the policy lists both) re-keys differently too.
  hub_.exchange.ReplacePolicy(RotationPolicy());
  v1::Batch rotated = hub_.PoliceBatch("rotated", {});
  *rotated.add_records() = batch.records(0);
  rotated.mutable_records(0)->set_record_id("record-rotated-0001");
  rotated.mutable_records(0)->mutable_tokens(1)->set_key_version("2027-1");
  ASSERT_THAT(hub_.exchange.Push(Id(kPoliceAgent), rotated), IsOk());
  std::vector<v1::MatchToken> all = stored_tokens(hub_);
  ASSERT_THAT(all, SizeIs(5));
  EXPECT_EQ(all[3].token(), at_rest[0].token());  // the rotated record sorts last
  EXPECT_NE(all[4].token(), at_rest[1].token());
  for (const v1::WireRecord& wire : batch.records()) {
    hub_.ExpectNowhere(wire.tokens(0).token());
  }

  Hub same_secret(policy_);
  ASSERT_THAT(same_secret.exchange.Push(Id(kPoliceAgent), batch), IsOk());
  std::vector<v1::MatchToken> again = stored_tokens(same_secret);
  ASSERT_THAT(again, SizeIs(3));
  Hub other_secret(policy_, "another-hub-secret-fedcba9876543210fedcba98");
  ASSERT_THAT(other_secret.exchange.Push(Id(kPoliceAgent), batch), IsOk());
  std::vector<v1::MatchToken> other = stored_tokens(other_secret);
  ASSERT_THAT(other, SizeIs(3));
  for (size_t i = 0; i < at_rest.size(); ++i) {
    EXPECT_EQ(again[i].token(), at_rest[i].token());
    EXPECT_NE(other[i].token(), at_rest[i].token());
  }
}

TEST_F(ExchangeTest, DuplicateBatchIsAcknowledgedAsDuplicate) {
  v1::Batch batch = hub_.PoliceBatch("dup", {{"L8", 3}});
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushAck first, hub_.exchange.Push(Id(kPoliceAgent), batch));
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushAck second, hub_.exchange.Push(Id(kPoliceAgent), batch));
  EXPECT_EQ(first.outcome(), v1::PushAck::STORED);
  EXPECT_EQ(second.outcome(), v1::PushAck::DUPLICATE);
  EXPECT_EQ(second.batch_id(), "dup");
  EXPECT_EQ(second.records(), 3);
  EXPECT_EQ(second.audit_sequence(), 2u);
  EXPECT_EQ(hub_.store.record_count(), 3u);
  v1::AuditEvent event = hub_.LastEvent();
  EXPECT_EQ(event.decision(), v1::AuditEvent::ALLOW);
  EXPECT_THAT(event.reason(), HasSubstr("duplicate"));
}

TEST_F(ExchangeTest, ConflictingBatchIsRefusedAndRaisesAnAlert) {
  v1::Batch batch = hub_.PoliceBatch("conflict", {{"L8", 3}});
  ASSERT_THAT(hub_.exchange.Push(Id(kPoliceAgent), batch), IsOk());
  const std::vector<v1::StoredRecord> before = hub_.store.AllRecords();
  v1::Batch changed = batch;
  (*changed.mutable_records(0)->mutable_values())["offence_group"] = "homicide";
  EXPECT_THAT(hub_.exchange.Push(Id(kPoliceAgent), changed),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("conflict")));
  v1::AuditEvent event = hub_.LastEvent();
  EXPECT_EQ(event.sequence(), 2u);
  EXPECT_EQ(event.decision(), v1::AuditEvent::ERROR);
  EXPECT_EQ(event.rule(), "ingest.batch-conflict");
  const std::vector<v1::StoredRecord> after = hub_.store.AllRecords();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(after[i], before[i]))
        << after[i].DebugString();
  }
  // Another agency may use the same batch id: ids are per agency.
  EXPECT_THAT(hub_.exchange.Push(Id(kHospitalAgent), EdBatch("conflict", 1)), IsOk());
}

TEST_F(ExchangeTest, EverythingFailsClosedWhenTheStoreCannotWrite) {
  ASSERT_THAT(hub_.PushPolice("before", {{"L8", 10}}), IsOk());
  const size_t events = hub_.EventCount();
  hub_.store.FailWrites(true);
  const auto unavailable = StatusIs(absl::StatusCode::kUnavailable);
  EXPECT_THAT(hub_.PushPolice("during", {{"L8", 2}}), unavailable);
  EXPECT_THAT(hub_.PushPolice("before", {}), unavailable);  // denied or malformed: still
  EXPECT_THAT(hub_.exchange.Push(Id(kHospitalAgent), hub_.PoliceBatch("x", {{"L8", 1}})),
              unavailable);
  EXPECT_THAT(hub_.Query("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
              unavailable);
  EXPECT_THAT(hub_.Query("SELECT COUNT(*) FROM police_crime", kPoliceAgent), unavailable);
  EXPECT_THAT(hub_.Query("SELECT nonsense"), unavailable);
  EXPECT_THAT(hub_.exchange.ListAudit(Id(kIg), v1::ListAuditRequest()), unavailable);
  EXPECT_THAT(hub_.exchange.ListAudit(Id(kAnalyst), v1::ListAuditRequest()), unavailable);
  EXPECT_THAT(hub_.exchange.Health(Id(kAnalyst)), unavailable);
  v1::GetDatasetRequest get;
  get.set_dataset("police_crime");
  EXPECT_THAT(hub_.exchange.GetDataset(Id(kPoliceAgent), get), unavailable);
  EXPECT_THAT(hub_.exchange.RecordRefusal("Query.Run", "ipv4:127.0.0.1:1",
                                          absl::UnauthenticatedError("no identity")),
              unavailable);
  EXPECT_THAT(hub_.exchange.RecordEvent("hub.start", v1::AuditEvent::ALLOW, ""), unavailable);
  EXPECT_EQ(hub_.EventCount(), events);
  EXPECT_EQ(hub_.store.record_count(), 10u);

  hub_.store.FailWrites(false);
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::HealthResponse health, hub_.exchange.Health(Id(kAnalyst)));
  EXPECT_EQ(health.audit_events(), events + 1);
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::PushAck ack, hub_.PushPolice("during", {{"L8", 2}}));
  EXPECT_EQ(ack.outcome(), v1::PushAck::STORED);
}

TEST_F(ExchangeTest, FailedReadsAreAuditedAndAnswerNothing) {
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 10}}), IsOk());
  hub_.store.FailReads(true);
  EXPECT_THAT(hub_.Query("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::ERROR);
  EXPECT_EQ(hub_.LastEvent().action(), "Query.Run");
  EXPECT_THAT(hub_.exchange.ListAudit(Id(kIg), v1::ListAuditRequest()),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::ERROR);
  EXPECT_EQ(hub_.LastEvent().action(), "Audit.List");
}

// --- Query -------------------------------------------------------------------------------

TEST_F(ExchangeTest, QueryRefusedToAgentsIgAndUnlistedPurposes) {
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 20}}), IsOk());
  const char* kSql = "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough";
  struct Case {
    const char* caller;
    const char* agreement;
    const char* purpose;
    const char* rule;
  };
  const Case cases[] = {
      {kPoliceAgent, kSvd, kPurpose, "agent.no-query-or-audit"},
      {kIg, kSvd, kPurpose, "query.analyst-only"},
      {kAnalyst, kSvd, "marketing", "query.purpose-not-listed"},
      {kAnalyst, kSvd, "", "query.purpose-not-listed"},
      {kAnalyst, "no-such-agreement", kPurpose, "query.unknown-agreement"},
      {kAnalyst, "youth-violence-2026", "youth violence needs assessment", "query.not-a-member"},
      {"confide://user/analyst/unknown", kSvd, kPurpose, "identity.unknown-user"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.caller, " ", c.agreement, " ", c.purpose));
    const size_t before = hub_.EventCount();
    EXPECT_THAT(hub_.Query(kSql, c.caller, c.agreement, c.purpose),
                StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr(c.rule)));
    ASSERT_EQ(hub_.EventCount(), before + 1);
    EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
    EXPECT_EQ(hub_.LastEvent().rule(), c.rule);
    EXPECT_EQ(hub_.LastEvent().action(), "Query.Run");
    EXPECT_EQ(hub_.LastEvent().actor(), c.caller);
  }
}

TEST_F(ExchangeTest, QueryWithDimensionTheAgreementDoesNotPermitIsDenied) {
  EXPECT_THAT(
      hub_.Query("SELECT district, COUNT(*) FROM police_crime GROUP BY district"),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("query.dimension-not-permitted")));
  EXPECT_THAT(hub_.Query("SELECT COUNT(*) FROM police_crime WHERE day = '2025-06-06'"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("day")));
  EXPECT_THAT(hub_.Query("SELECT ward, COUNT(*) FROM police_crime GROUP BY ward", kYouthAnalyst,
                         "youth-violence-2026", "youth violence needs assessment"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("ward")));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
}

TEST_F(ExchangeTest, MalformedQueriesAreInvalidArgumentWithPosition) {
  struct Case {
    const char* sql;
    const char* message;  // regex
  };
  const Case cases[] = {
      {"SELECT borough FROM police_crime GROUP BY borough", "^1:[0-9]+: "},
      {"SELECT * FROM police_crime", "^1:8: "},
      {"SELECT borough, COUNT(*)\nFROM police_crime\nGROUP BY district", "^[0-9]+:[0-9]+: "},
      {"SELECT COUNT(*) FROM knife_register", "unknown dataset 'knife_register'"},
      {"SELECT borough,\n  COUNT(*)\nFROM police_crime\nWHERE colour = 'x'\nGROUP BY borough",
       "^4:7: unknown column 'colour'"},
      {"SELECT victim_surname, COUNT(*) FROM police_crime GROUP BY victim_surname",
       "^1:8: unknown column 'victim_surname'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    const size_t before = hub_.EventCount();
    absl::StatusOr<v1::QueryResult> result = hub_.Query(c.sql);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument, ContainsRegex(c.message)));
    ASSERT_EQ(hub_.EventCount(), before + 1);
    EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::ERROR);
    EXPECT_THAT(hub_.LastEvent().rule(), ::testing::StartsWith("query."));
  }
}

TEST_F(ExchangeTest, QueryCountsMatchAnIndependentCountUnderTheNhsRule) {
  const std::vector<Cell> cells = {{"L8", 10},   {"L4", 13},   {"L36", 12}, {"L20", 8},
                                   {"CH41", 17}, {"WA10", 40}, {"ZZ9", 9}};
  ASSERT_THAT(hub_.PushPolice("b1", {cells.begin(), cells.begin() + 3}), IsOk());
  ASSERT_THAT(hub_.PushPolice("b2", {cells.begin() + 3, cells.end()}), IsOk());
  // Another dataset's records are not counted.
  ASSERT_THAT(hub_.exchange.Push(Id(kHospitalAgent), EdBatch("ed-1", 5)), IsOk());

  const std::string sql = "select Borough, count(*) from POLICE_CRIME group by borough";
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::QueryResult result, hub_.Query(sql));
  ExpectNhsCounts(result, cells);
  EXPECT_EQ(Displays(result),
            "(missing)=10; Knowsley=10; Liverpool=25; Sefton=10; St Helens=40; Wirral=15");
  EXPECT_THAT(result.dimension_names(), ElementsAre("borough"));
  EXPECT_THAT(result.measure_names(), SizeIs(1));
  EXPECT_THAT(result.notes(), Not(IsEmpty()));
  EXPECT_THAT(absl::StrJoin(result.notes(), "\n"), HasSubstr("5"));
  EXPECT_EQ(result.policy_version(), policy_->version());

  v1::AuditEvent event = hub_.LastEvent();
  EXPECT_EQ(result.audit_sequence(), event.sequence());
  EXPECT_EQ(event.decision(), v1::AuditEvent::ALLOW);
  EXPECT_EQ(event.rule(), "query.agreement-permits");
  EXPECT_EQ(event.agreement(), kSvd);
  EXPECT_EQ(event.purpose(), kPurpose);
  EXPECT_EQ(event.dataset(), "police_crime");
  EXPECT_EQ(event.detail(), "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough");
  EXPECT_EQ(event.record_count(), 6);
}

TEST_F(ExchangeTest, SmallCountsAreSuppressedAndNoted) {
  const std::vector<Cell> cells = {{"L8", 30}, {"L36", 3}, {"L20", 5}, {"CH41", 20}, {"WA10", 9}};
  ASSERT_THAT(hub_.PushPolice("b", cells), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::QueryResult result,
      hub_.Query("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough"));
  ExpectNhsCounts(result, cells);
  EXPECT_EQ(Displays(result), "Knowsley=*; Liverpool=30; Sefton=*; St Helens=10; Wirral=20");
  const std::string notes = absl::StrJoin(result.notes(), "\n");
  EXPECT_THAT(notes, HasSubstr("suppressed"));
  EXPECT_THAT(hub_.LastEvent().reason(), HasSubstr("2 suppressed"));
}

TEST_F(ExchangeTest, WhereFilterCountsOnlyMatchingRecords) {
  const std::vector<Cell> knives = {{"L8", 12, true}, {"CH41", 9, true}};
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 30}, {"CH41", 4}, knives[0], knives[1]}), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::QueryResult result,
      hub_.Query("SELECT borough, COUNT(*) FROM police_crime WHERE knife = 'true' "
                 "GROUP BY borough"));
  ExpectNhsCounts(result, knives);
  EXPECT_EQ(Displays(result), "Liverpool=10; Wirral=10");
}

TEST_F(ExchangeTest, PerAgreementDisclosureRulesApply) {
  // youth-violence-2026: threshold 11, rounding to 10.
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 23}, {"L36", 10}, {"L20", 8}, {"CH41", 17}}), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::QueryResult result,
      hub_.Query("SELECT borough, COUNT(*) FROM police_crime GROUP BY borough", kYouthAnalyst,
                 "youth-violence-2026", "youth violence needs assessment"));
  EXPECT_EQ(Displays(result), "Knowsley=*; Liverpool=20; Sefton=*; Wirral=20");
}

// Runs an ORDER BY query on a fresh hub holding `cells`; returns boroughs in result order.
std::vector<std::string> OrderedBoroughs(const std::shared_ptr<const policy::Policy>& policy,
                                         const std::vector<Cell>& cells, absl::string_view sql) {
  Hub hub(policy);
  EXPECT_THAT(hub.PushPolice("b", cells), IsOk());
  absl::StatusOr<v1::QueryResult> result = hub.Query(sql);
  EXPECT_THAT(result, IsOk());
  return result.ok() ? FirstDimensions(*result) : std::vector<std::string>{};
}

TEST_F(ExchangeTest, OrderByCountNeverOrdersByHiddenValues) {
  // In both tables Knowsley and Sefton are suppressed and Liverpool and Wirral both publish
  // 20; only the hidden exact counts differ, and they are swapped between the two.
  const std::vector<Cell> a = {{"L8", 19}, {"CH41", 21}, {"L36", 2}, {"L20", 6}, {"WA10", 40}};
  const std::vector<Cell> b = {{"L8", 21}, {"CH41", 19}, {"L36", 6}, {"L20", 2}, {"WA10", 40}};
  const char* kDesc =
      "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough ORDER BY COUNT(*) DESC";
  const std::vector<std::string> desc = {"St Helens", "Liverpool", "Wirral", "Knowsley", "Sefton"};
  EXPECT_EQ(OrderedBoroughs(policy_, a, kDesc), desc);
  EXPECT_EQ(OrderedBoroughs(policy_, b, kDesc), desc);

  const char* kAsc = "SELECT borough, COUNT(*) AS n FROM police_crime GROUP BY borough ORDER BY n";
  const std::vector<std::string> asc = {"Knowsley", "Sefton", "Liverpool", "Wirral", "St Helens"};
  EXPECT_EQ(OrderedBoroughs(policy_, a, kAsc), asc);
  EXPECT_EQ(OrderedBoroughs(policy_, b, kAsc), asc);

  // LIMIT cuts after ordering on published values, so it keeps the same rows.
  const std::string limited = absl::StrCat(kDesc, " LIMIT 4");
  const std::vector<std::string> top4 = {"St Helens", "Liverpool", "Wirral", "Knowsley"};
  EXPECT_EQ(OrderedBoroughs(policy_, a, limited), top4);
  EXPECT_EQ(OrderedBoroughs(policy_, b, limited), top4);
}

TEST_F(ExchangeTest, OrderByDimensionDescending) {
  const std::vector<Cell> cells = {{"L8", 10}, {"CH41", 10}, {"L36", 10}};
  EXPECT_EQ(OrderedBoroughs(policy_, cells,
                            "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough "
                            "ORDER BY borough DESC"),
            (std::vector<std::string>{"Wirral", "Liverpool", "Knowsley"}));
}

// --- Audit, health, lifecycle, policy reload ---------------------------------------------

TEST_F(ExchangeTest, ListAuditForIgReturnsEventsAndAuditsTheRead) {
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 2}}), IsOk());
  ASSERT_THAT(hub_.exchange.Health(Id(kAnalyst)), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::ListAuditResponse first,
                               hub_.exchange.ListAudit(Id(kIg), v1::ListAuditRequest()));
  ASSERT_THAT(first.events(), SizeIs(2));
  EXPECT_EQ(first.events(0).action(), "Ingest.Push");
  EXPECT_EQ(first.events(1).action(), "Admin.Health");

  v1::AuditEvent read = hub_.LastEvent();
  EXPECT_EQ(read.sequence(), 3u);
  EXPECT_EQ(read.action(), "Audit.List");
  EXPECT_EQ(read.actor(), kIg);
  EXPECT_EQ(read.decision(), v1::AuditEvent::ALLOW);
  EXPECT_EQ(read.rule(), "audit.ig-role");
  EXPECT_EQ(read.record_count(), 2);

  v1::ListAuditRequest filter;
  filter.set_action("Audit.List");
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::ListAuditResponse second,
                               hub_.exchange.ListAudit(Id(kIg), filter));
  ASSERT_THAT(second.events(), SizeIs(1));
  EXPECT_EQ(second.events(0).sequence(), 3u);
}

TEST_F(ExchangeTest, ListAuditDeniedToAnalystsAndAgents) {
  EXPECT_THAT(hub_.exchange.ListAudit(Id(kAnalyst), v1::ListAuditRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("audit.ig-only")));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
  EXPECT_THAT(hub_.exchange.ListAudit(Id(kPoliceAgent), v1::ListAuditRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("agent.no-query-or-audit")));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
  EXPECT_EQ(hub_.EventCount(), 2u);
}

TEST_F(ExchangeTest, HealthReportsUptimeAndAuditCount) {
  hub_.clock.Advance(absl::Seconds(90));
  ASSERT_THAT(hub_.PushPolice("b", {{"L8", 2}}), IsOk());
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::HealthResponse health, hub_.exchange.Health(Id(kPoliceAgent)));
  EXPECT_EQ(health.status(), "serving");
  EXPECT_EQ(health.uptime_seconds(), 90);
  EXPECT_EQ(health.audit_events(), 2u);
  EXPECT_EQ(health.policy_version(), policy_->version());
  EXPECT_EQ(hub_.LastEvent().action(), "Admin.Health");
  EXPECT_EQ(hub_.LastEvent().time_micros(), absl::ToUnixMicros(kNow + absl::Seconds(90)));
  EXPECT_THAT(hub_.exchange.Health(Id("confide://user/analyst/stranger")),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("identity.unknown-user")));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
}

TEST_F(ExchangeTest, GetDatasetOnlyForContributors) {
  v1::GetDatasetRequest request;
  request.set_dataset("police_crime");
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::GetDatasetResponse response,
                               hub_.exchange.GetDataset(Id(kPoliceAgent), request));
  EXPECT_EQ(response.dataset().id(), "police_crime");
  // The agent gets the whole recipe, so it computes the same keys as every other agency.
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(response.linkage(),
                                                                 policy_->proto().linkage()));
  EXPECT_THAT(response.linkage().match_keys(), SizeIs(5));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::ALLOW);
  EXPECT_THAT(hub_.exchange.GetDataset(Id(kHospitalAgent), request),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(hub_.LastEvent().decision(), v1::AuditEvent::DENY);
}

TEST_F(ExchangeTest, RefusalsAndLifecycleEventsAreAudited) {
  const absl::Status why = absl::UnauthenticatedError("certificate has no Confide identity");
  EXPECT_EQ(hub_.exchange.RecordRefusal("Query.Run", "ipv4:127.0.0.1:5555", why), why);
  v1::AuditEvent refusal = hub_.LastEvent();
  EXPECT_EQ(refusal.decision(), v1::AuditEvent::DENY);
  EXPECT_EQ(refusal.rule(), "identity.certificate");
  EXPECT_EQ(refusal.actor(), "ipv4:127.0.0.1:5555");
  EXPECT_EQ(refusal.action(), "Query.Run");

  EXPECT_THAT(hub_.exchange.RecordEvent("policy.reload", v1::AuditEvent::ERROR, "bad file"),
              IsOk());
  v1::AuditEvent reload = hub_.LastEvent();
  EXPECT_EQ(reload.sequence(), 2u);
  EXPECT_EQ(reload.action(), "policy.reload");
  EXPECT_EQ(reload.decision(), v1::AuditEvent::ERROR);
  EXPECT_EQ(reload.detail(), "bad file");
  EXPECT_EQ(reload.policy_version(), policy_->version());
}

TEST_F(ExchangeTest, ReplacePolicyTakesEffectOnTheNextRequest) {
  EXPECT_THAT(hub_.exchange.Push(Id(kHospitalAgent), hub_.PoliceBatch("h1", {{"L8", 2}})),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // The hospital may now contribute police_crime; "hotspot analysis" is no longer a purpose.
  v1::Policy changed = policy_->proto();
  for (v1::Agreement& agreement : *changed.mutable_agreements()) {
    for (v1::Contribution& contribution : *agreement.mutable_contributions()) {
      if (contribution.agency() == "liverpool-university-hospitals") {
        contribution.add_datasets("police_crime");
      }
    }
    std::vector<std::string> purposes(agreement.purposes().begin(), agreement.purposes().end());
    agreement.clear_purposes();
    for (const std::string& purpose : purposes) {
      if (purpose != kPurpose) {
        agreement.add_purposes(purpose);
      }
    }
  }
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(changed, &text));
  std::shared_ptr<const policy::Policy> replacement = LoadPolicy(text);
  ASSERT_NE(replacement, nullptr);
  ASSERT_NE(replacement->version(), policy_->version());
  hub_.exchange.ReplacePolicy(replacement);
  EXPECT_EQ(hub_.exchange.policy(), replacement);

  CONFIDE_ASSERT_OK_AND_ASSIGN(
      v1::PushAck ack, hub_.exchange.Push(Id(kHospitalAgent), hub_.PoliceBatch("h1", {{"L8", 2}})));
  EXPECT_EQ(ack.outcome(), v1::PushAck::STORED);
  EXPECT_EQ(hub_.LastEvent().policy_version(), replacement->version());
  EXPECT_THAT(hub_.Query("SELECT COUNT(*) FROM police_crime"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("query.purpose-not-listed")));
  CONFIDE_ASSERT_OK_AND_ASSIGN(v1::HealthResponse health, hub_.exchange.Health(Id(kAnalyst)));
  EXPECT_EQ(health.policy_version(), replacement->version());
}

}  // namespace
}  // namespace confide::hub
