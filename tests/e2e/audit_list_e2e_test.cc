// The IG officer's audit filters and report end to end: a real hub with the run directory's
// certificates, real agent pushes and analyst queries (allowed, denied and malformed), then
// `confide audit list` with each filter checked against the whole log read independently over
// gRPC, and `confide audit report` checked for its head, counts, denials, findings, escaping
// and self-containment.

#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "confide/v1/admin.grpc.pb.h"
#include "confide/v1/audit.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/harness.h"

namespace confide::e2e {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kKhan[] = "confide://user/analyst/a.khan";
constexpr char kSmith[] = "confide://user/analyst/j.smith";
constexpr char kSvd[] = "svd-merseyside-2026";
constexpr char kYouth[] = "youth-violence-2026";
constexpr char kScript[] = "<script>alert(1)</script>";
// More than one page of the CLI's listing (1000 events), so paging is exercised.
constexpr int kHealthChecks = 1100;

using Predicate = std::function<bool(const v1::AuditEvent&)>;

class AuditListE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    hub_ = new HubProcess;
    log_ = new std::vector<v1::AuditEvent>;
    MakeRunDir(dir_->path());
    CommandResult synth =
        RunCommand({BinDir() + "/confide-synth", "--out", Path("extracts"), "--seed", "11",
                    "--people", "300", "--police", "200", "--ed", "50", "--fire", "60"});
    ASSERT_EQ(synth.exit_code, 0) << synth.err;
    absl::Status started = hub_->Start(dir_->path());
    ASSERT_TRUE(started.ok()) << started;
    SetHubPort(dir_->path(), hub_->port());
    // The second analyst's client config: the first's with j.smith's certificate.
    WriteFileOrDie(
        Path("analyst-j.smith.textpb"),
        absl::StrReplaceAll(ReadFileOrDie(Path("analyst.textpb")), {{"a.khan", "j.smith"}}));
    for (const auto& [agent, dataset] : std::vector<std::pair<std::string, std::string>>{
             {"police-agent", "police_crime"}, {"fire-agent", "fire_incident"}}) {
      CommandResult pushed =
          RunCommand({BinDir() + "/confide-agent", "push", "--config", agent + ".textpb",
                      "--dataset", dataset, "extracts/" + dataset + ".csv"},
                     dir_->path());
      ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    }
    // A burst of queries differing only in their WHERE clause: a narrowing pattern.
    for (const char* group : {"robbery", "homicide", "threats_to_kill", "arson", "rape"}) {
      ASSERT_EQ(Query("analyst.textpb", kSvd, "hotspot analysis",
                      absl::StrCat("SELECT borough, COUNT(*) FROM police_crime WHERE "
                                   "offence_group = '",
                                   group, "' GROUP BY borough"))
                    .exit_code,
                0);
    }
    ASSERT_EQ(Query("analyst.textpb", kSvd, "strategic needs assessment",
                    "SELECT COUNT(*) FROM fire_incident")
                  .exit_code,
              0);
    ASSERT_EQ(Query("analyst-j.smith.textpb", kYouth, "youth violence needs assessment",
                    "SELECT borough, COUNT(*) FROM police_crime GROUP BY borough")
                  .exit_code,
              0);
    // Five refusals for a.khan within a minute: a denial spike. One purpose carries markup.
    const std::string count = "SELECT COUNT(*) FROM police_crime";
    for (const auto& [agreement, purpose] : std::vector<std::pair<std::string, std::string>>{
             {kYouth, "youth violence needs assessment"},
             {kYouth, "youth violence needs assessment"},
             {kSvd, "marketing"},
             {kSvd, kScript},
             {kSvd, "curiosity"}}) {
      ASSERT_EQ(Query("analyst.textpb", agreement, purpose, count).exit_code, 2);
    }
    // A malformed query: decision error.
    ASSERT_EQ(Query("analyst.textpb", kSvd, "hotspot analysis", "SELECT name FROM police_crime")
                  .exit_code,
              1);
    auto smith = Channel("pki/users/analyst-j.smith.key", "pki/users/analyst-j.smith.crt");
    std::unique_ptr<v1::Admin::Stub> admin = v1::Admin::NewStub(smith);
    for (int i = 0; i < kHealthChecks; ++i) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      v1::HealthResponse response;
      ASSERT_TRUE(admin->Health(&context, v1::HealthRequest(), &response).ok());
    }
    // A later query by a.khan under an agreement she has used before.
    ASSERT_EQ(Query("analyst.textpb", kSvd, "hotspot analysis", count).exit_code, 0);
    ReadWholeLog();
  }

  static void TearDownTestSuite() {
    hub_->Stop();
    delete hub_;
    delete log_;
    delete dir_;
  }

  static std::string Path(const std::string& name) { return dir_->path() + "/" + name; }

  static std::shared_ptr<grpc::Channel> Channel(const std::string& key, const std::string& cert) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFileOrDie(Path("pki/ca.crt"));
    options.pem_private_key = ReadFileOrDie(Path(key));
    options.pem_cert_chain = ReadFileOrDie(Path(cert));
    return grpc::CreateChannel(absl::StrCat("localhost:", hub_->port()),
                               grpc::SslCredentials(options));
  }

  static grpc::Status List(const v1::ListAuditRequest& request, v1::ListAuditResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return v1::Audit::NewStub(Channel("pki/users/ig-r.patel.key", "pki/users/ig-r.patel.crt"))
        ->List(&context, request, response);
  }

  // The whole log, read with the IG certificate without any filter: the reference the CLI's
  // filtered listings are checked against.
  static void ReadWholeLog() {
    v1::ListAuditRequest request;
    for (;;) {
      v1::ListAuditResponse page;
      grpc::Status status = List(request, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const v1::AuditEvent& event : page.events()) {
        log_->push_back(event);
        request.set_after_sequence(event.sequence());
      }
      if (page.events_size() < 1000) {
        break;
      }
    }
    ASSERT_GT(log_->size(), static_cast<size_t>(kHealthChecks));
  }

  static CommandResult Query(const std::string& config, const std::string& agreement,
                             const std::string& purpose, const std::string& sql) {
    return RunCommand({BinDir() + "/confide", "query", "--config", config, "--agreement", agreement,
                       "--purpose", purpose, sql},
                      dir_->path());
  }

  static CommandResult Confide(std::vector<std::string> args) {
    args.insert(args.begin(), BinDir() + "/confide");
    return RunCommand(args, dir_->path());
  }

  // `confide audit list` with `filters`, bounded to the reference log so that the audit reads
  // made since do not count; returns the listed sequence numbers.
  static std::vector<uint64_t> Listed(std::vector<std::string> filters, bool bounded = true) {
    std::vector<std::string> args = {"audit", "list", "--config", "ig.textpb", "--format", "json"};
    if (bounded) {
      filters.insert(filters.end(), {"--up-to", absl::StrCat(log_->back().sequence())});
    }
    args.insert(args.end(), filters.begin(), filters.end());
    CommandResult listed = Confide(args);
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::vector<uint64_t> sequences;
    static const std::regex kSeq("\"seq\":\"([0-9]+)\"");
    for (std::sregex_iterator it(listed.out.begin(), listed.out.end(), kSeq), end; it != end;
         ++it) {
      sequences.push_back(std::stoull((*it)[1]));
    }
    return sequences;
  }

  static std::vector<uint64_t> Expected(const Predicate& keep) {
    std::vector<uint64_t> sequences;
    for (const v1::AuditEvent& event : *log_) {
      if (keep(event)) {
        sequences.push_back(event.sequence());
      }
    }
    EXPECT_THAT(sequences, Not(IsEmpty())) << "a filter test needs matching events";
    return sequences;
  }

  static const v1::AuditEvent& First(const Predicate& keep) {
    for (const v1::AuditEvent& event : *log_) {
      if (keep(event)) {
        return event;
      }
    }
    ADD_FAILURE() << "no such event";
    return log_->front();
  }

  static std::string Rfc3339(int64_t micros, absl::TimeZone zone) {
    return absl::FormatTime(absl::RFC3339_full, absl::FromUnixMicros(micros), zone);
  }

  static absl::TimeZone London() {
    absl::TimeZone zone;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &zone));
    return zone;
  }

  static TempDir* dir_;
  static HubProcess* hub_;
  static std::vector<v1::AuditEvent>* log_;
};

TempDir* AuditListE2eTest::dir_ = nullptr;
HubProcess* AuditListE2eTest::hub_ = nullptr;
std::vector<v1::AuditEvent>* AuditListE2eTest::log_ = nullptr;

TEST_F(AuditListE2eTest, UnfilteredListingPagesThroughTheWholeLog) {
  EXPECT_THAT(Listed({}), ElementsAreArray(Expected([](const auto&) { return true; })));
}

TEST_F(AuditListE2eTest, SinceAndUntilTakeRfc3339TimesToTheMicrosecond) {
  const v1::AuditEvent& query = First([](const auto& e) { return e.action() == "Query.Run"; });
  const v1::AuditEvent& health = First([](const auto& e) { return e.action() == "Admin.Health"; });
  const int64_t from = query.time_micros(), to = health.time_micros();
  // One bound in UTC, the other with London's offset: both are RFC 3339.
  const std::string since = Rfc3339(from, absl::UTCTimeZone());
  const std::string until = Rfc3339(to, London());
  EXPECT_THAT(Listed({"--since", since}),
              ElementsAreArray(Expected([&](const auto& e) { return e.time_micros() >= from; })));
  EXPECT_THAT(Listed({"--until", until}),
              ElementsAreArray(Expected([&](const auto& e) { return e.time_micros() < to; })));
  EXPECT_THAT(Listed({"--since", since, "--until", until}),
              ElementsAreArray(Expected(
                  [&](const auto& e) { return e.time_micros() >= from && e.time_micros() < to; })));
}

TEST_F(AuditListE2eTest, DatesAreWholeDaysInLondon) {
  const absl::TimeZone london = London();
  const absl::Time first = absl::FromUnixMicros(log_->front().time_micros());
  const absl::CivilDay day = absl::ToCivilDay(first, london);
  const int64_t start = absl::ToUnixMicros(absl::FromCivil(day, london));
  const int64_t end = absl::ToUnixMicros(absl::FromCivil(day + 1, london));
  const std::string date = absl::FormatCivilTime(day);
  EXPECT_THAT(Listed({"--since", date, "--until", date}),
              ElementsAreArray(Expected([&](const auto& e) {
                return e.time_micros() >= start && e.time_micros() < end;
              })));
  EXPECT_THAT(Listed({"--until", absl::FormatCivilTime(day - 1)}), IsEmpty());
}

TEST_F(AuditListE2eTest, UserMatchesAPersonOrAnIdentity) {
  EXPECT_THAT(Listed({"--user", "a.khan"}),
              ElementsAreArray(Expected([](const auto& e) { return e.actor() == kKhan; })));
  // j.smith's events span more than one page.
  std::vector<uint64_t> smith = Listed({"--user", "j.smith"});
  EXPECT_GT(smith.size(), static_cast<size_t>(kHealthChecks));
  EXPECT_THAT(smith, ElementsAreArray(Expected([](const auto& e) { return e.actor() == kSmith; })));
  const std::string police = "confide://agency/merseyside-police/agent";
  EXPECT_THAT(Listed({"--user", police}),
              ElementsAreArray(Expected([&](const auto& e) { return e.actor() == police; })));
}

TEST_F(AuditListE2eTest, AgencyAgreementAndPurposeFilters) {
  EXPECT_THAT(Listed({"--agency", "merseyside-fire-rescue"}),
              ElementsAreArray(Expected([](const auto& e) {
                return e.actor() == "confide://agency/merseyside-fire-rescue/agent";
              })));
  EXPECT_THAT(Listed({"--agreement", kYouth}),
              ElementsAreArray(Expected([](const auto& e) { return e.agreement() == kYouth; })));
  EXPECT_THAT(Listed({"--purpose", "strategic needs assessment"}),
              ElementsAreArray(Expected(
                  [](const auto& e) { return e.purpose() == "strategic needs assessment"; })));
  EXPECT_THAT(Listed({"--purpose", kScript}),
              ElementsAreArray(Expected([](const auto& e) { return e.purpose() == kScript; })));
}

TEST_F(AuditListE2eTest, ActionAndDecisionFilters) {
  EXPECT_THAT(
      Listed({"--action", "Ingest.Push"}),
      ElementsAreArray(Expected([](const auto& e) { return e.action() == "Ingest.Push"; })));
  // Unbounded: no Query.Run event happens after the reference read.
  EXPECT_THAT(Listed({"--action", "Query.Run"}, /*bounded=*/false),
              ElementsAreArray(Expected([](const auto& e) { return e.action() == "Query.Run"; })));
  for (const auto& [flag, decision] : std::vector<std::pair<std::string, v1::AuditEvent::Decision>>{
           {"allow", v1::AuditEvent::ALLOW},
           {"deny", v1::AuditEvent::DENY},
           {"error", v1::AuditEvent::ERROR}}) {
    const v1::AuditEvent::Decision wanted = decision;  // a structured binding cannot be captured
    EXPECT_THAT(Listed({"--decision", flag}),
                ElementsAreArray(Expected([&](const auto& e) { return e.decision() == wanted; })))
        << flag;
  }
}

TEST_F(AuditListE2eTest, FiltersCombineAndLimitStopsEarly) {
  EXPECT_THAT(Listed({"--user", "a.khan", "--agreement", kYouth, "--decision", "deny"}),
              ElementsAreArray(Expected([](const auto& e) {
                return e.actor() == kKhan && e.agreement() == kYouth &&
                       e.decision() == v1::AuditEvent::DENY;
              })));
  std::vector<uint64_t> smith = Expected([](const auto& e) { return e.actor() == kSmith; });
  smith.resize(3);
  EXPECT_THAT(Listed({"--user", "j.smith", "--limit", "3"}), ElementsAreArray(smith));
}

TEST_F(AuditListE2eTest, NonsenseIsAUsageErrorAtTheCliAndInvalidArgumentAtTheHub) {
  CommandResult backwards = Confide(
      {"audit", "list", "--config", "ig.textpb", "--since", "2026-06-30", "--until", "2026-06-01"});
  EXPECT_EQ(backwards.exit_code, 1);
  EXPECT_THAT(backwards.err, HasSubstr("--until must be later than --since"));
  CommandResult decision =
      Confide({"audit", "list", "--config", "ig.textpb", "--decision", "maybe"});
  EXPECT_EQ(decision.exit_code, 1);
  EXPECT_THAT(decision.err, HasSubstr("--decision expects allow, deny or error, got 'maybe'"));
  CommandResult help = Confide({"audit", "list", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("Europe/London"));

  // A client that skips the CLI's checks meets the hub's.
  v1::ListAuditRequest request;
  request.set_since_micros(2'000'000);
  request.set_until_micros(1'000'000);
  v1::ListAuditResponse response;
  grpc::Status status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("expected until later than since"));
  request = v1::ListAuditRequest();
  request.set_decision(static_cast<v1::AuditEvent::Decision>(7));
  status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("expected decision allow, deny or error"));
}

TEST_F(AuditListE2eTest, ReportCoversTheLogUnderASignedHead) {
  CommandResult made =
      Confide({"audit", "report", "--config", "ig.textpb", "--out", "report.html"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string html = ReadFileOrDie(Path("report.html"));
  struct stat info {};
  ASSERT_EQ(stat(Path("report.html").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  std::smatch size;
  ASSERT_TRUE(std::regex_search(made.err, size, std::regex("tree head of size ([0-9]+)")))
      << made.err;
  EXPECT_GT(std::stoull(size[1]), log_->back().sequence());
  EXPECT_THAT(html, HasSubstr(absl::StrCat("<strong>Signed tree head:</strong> size ",
                                           size[1].str(), ", root hash <span class=\"mono\">")));
  EXPECT_TRUE(std::regex_search(html, std::regex("root hash <span class=\"mono\">[0-9a-f]{16}")));

  // Per agreement and per identity, as counted from the reference log (nothing after it was
  // done under an agreement or by a.khan).
  auto row = [](const std::string& key, const Predicate& of) {
    int64_t queries = 0, pushes = 0, reads = 0, other = 0, denials = 0;
    for (const v1::AuditEvent& e : *log_) {
      if (!of(e)) {
        continue;
      }
      int64_t& bucket = e.action() == "Query.Run"            ? queries
                        : e.action() == "Ingest.Push"        ? pushes
                        : e.action().rfind("Audit.", 0) == 0 ? reads
                                                             : other;
      ++bucket;
      denials += e.decision() == v1::AuditEvent::DENY ? 1 : 0;
    }
    return absl::StrCat("<tr><td>", key, "</td><td class=\"n\">", queries, "</td><td class=\"n\">",
                        pushes, "</td><td class=\"n\">", reads, "</td><td class=\"n\">", other,
                        "</td><td class=\"n\">", denials, "</td><td class=\"n\">",
                        queries + pushes + reads + other, "</td></tr>");
  };
  EXPECT_THAT(html, HasSubstr(row(kYouth, [](const auto& e) { return e.agreement() == kYouth; })));
  EXPECT_THAT(html, HasSubstr(row(kSvd, [](const auto& e) { return e.agreement() == kSvd; })));
  EXPECT_THAT(html, HasSubstr(row(kKhan, [](const auto& e) { return e.actor() == kKhan; })));

  int denials = 0;
  for (const v1::AuditEvent& e : *log_) {
    denials += e.decision() == v1::AuditEvent::DENY ? 1 : 0;
  }
  EXPECT_THAT(html, HasSubstr(absl::StrCat("<h2>Denials (", denials, ")</h2>")));
  EXPECT_THAT(html, HasSubstr("query.purpose-not-listed"));
  EXPECT_THAT(html, HasSubstr("query.not-a-member"));

  EXPECT_THAT(html, HasSubstr("Burst of narrowing queries: confide://user/analyst/a.khan"));
  EXPECT_THAT(html, HasSubstr("Spike of denials: confide://user/analyst/a.khan"));
  EXPECT_THAT(html, HasSubstr("First access to an agreement: confide://user/analyst/a.khan"));
  EXPECT_THAT(html, HasSubstr("First access to an agreement: confide://user/analyst/j.smith"));
  // Night access is flagged for a.khan exactly when she worked at night, London time, in this
  // run (all her requests are in the reference log).
  bool night = false;
  for (const v1::AuditEvent& e : *log_) {
    const int hour = absl::ToCivilHour(absl::FromUnixMicros(e.time_micros()), London()).hour();
    night |= e.actor() == kKhan && (hour >= 22 || hour < 6);
  }
  EXPECT_EQ(
      html.find("<h3>Access at night: confide://user/analyst/a.khan</h3>") != std::string::npos,
      night);

  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  for (const char* external : {"http", "<script", "@import", "url(", "src=", "href="}) {
    EXPECT_THAT(html, Not(HasSubstr(external))) << external;
  }
}

TEST_F(AuditListE2eTest, ReportForALaterPeriodKnowsWhoHadAccessBefore) {
  const v1::AuditEvent& later = First([](const auto& e) {
    return e.actor() == kKhan && e.action() == "Query.Run" &&
           e.detail() == "SELECT COUNT(*) FROM police_crime" &&
           e.decision() == v1::AuditEvent::ALLOW;
  });
  CommandResult made =
      Confide({"audit", "report", "--config", "ig.textpb", "--since",
               Rfc3339(later.time_micros(), absl::UTCTimeZone()), "--out", "later.html"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string html = ReadFileOrDie(Path("later.html"));
  EXPECT_THAT(html, HasSubstr(absl::StrCat("sequences ", later.sequence(), " to ")));
  EXPECT_THAT(html, Not(HasSubstr("First access to an agreement")));
  EXPECT_THAT(html, Not(HasSubstr("Burst of narrowing queries")));
  EXPECT_THAT(html, HasSubstr("<h2>Denials (0)</h2>"));

  CommandResult no_out = Confide({"audit", "report", "--config", "ig.textpb"});
  EXPECT_EQ(no_out.exit_code, 1);
  EXPECT_THAT(no_out.err, HasSubstr("--out report.html is required"));
}

}  // namespace
}  // namespace confide::e2e
