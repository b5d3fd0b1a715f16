// The IG officer's HTML audit report: self-contained, every event string escaped, the tree
// head and period stated, counts per agreement and identity, every denial, and each finding
// with the events that triggered it.

#include "cli/audit_report.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace confide::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKhan[] = "confide://user/analyst/a.khan";
constexpr char kPolice[] = "confide://agency/merseyside-police/agent";

class AuditReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &input_.zone));
    input_.head.set_tree_size(42);
    input_.head.set_root_hash(std::string("\xab\xcd\xef\x01\x23\x45\x67\x89", 8) +
                              std::string(24, '\0'));
    input_.head.set_timestamp_micros(absl::ToUnixMicros(Utc(10, 30)));
    input_.head.set_key_fingerprint("00112233445566778899aabbccddeeff");
    input_.since = Utc(0, 0);
    input_.until = Utc(23, 0);
    input_.generated = Utc(12, 0);
  }

  static absl::Time Utc(int hour, int minute) {
    return absl::FromCivil(absl::CivilSecond(2026, 6, 1, hour, minute, 0), absl::UTCTimeZone());
  }

  v1::AuditEvent& Add(int minute, const std::string& actor, const std::string& action,
                      const std::string& agreement = "",
                      v1::AuditEvent::Decision decision = v1::AuditEvent::ALLOW) {
    v1::AuditEvent& event = input_.events.emplace_back();
    event.set_sequence(input_.events.size());
    event.set_time_micros(absl::ToUnixMicros(Utc(10, minute)));
    event.set_actor(actor);
    event.set_action(action);
    event.set_agreement(agreement);
    event.set_decision(decision);
    return event;
  }

  AuditReportInput input_;
};

TEST_F(AuditReportTest, HtmlEscapeNeutralisesMarkup) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST_F(AuditReportTest, EventStringsAreEscaped) {
  Add(0, kKhan, "Query.Run", "svd-merseyside-2026")
      .set_detail("SELECT COUNT(*) FROM police_crime WHERE motive = '<script>alert(1)</script>'");
  Add(1, "confide://user/analyst/<b>x</b>", "Query.Run", "svd\"<i>", v1::AuditEvent::DENY)
      .set_reason("purpose '<img src=x>' is not one of the agreement's");
  const std::string html = RenderAuditReport(input_);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("confide://user/analyst/&lt;b&gt;x&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("svd&quot;&lt;i&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>x")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
}

TEST_F(AuditReportTest, ReportIsSelfContained) {
  for (int i = 0; i < 6; ++i) {
    Add(i, kKhan, "Query.Run", "svd-merseyside-2026")
        .set_detail(absl::StrCat("SELECT COUNT(*) FROM police_crime WHERE ward = '", i, "'"));
  }
  Add(7, kPolice, "Ingest.Push", "", v1::AuditEvent::DENY);
  const std::string html = RenderAuditReport(input_);
  for (const char* forbidden :
       {"http", "<script", "@import", "url(", "<link", "<img", "src=", "href=", "<iframe"}) {
    EXPECT_THAT(html, Not(HasSubstr(forbidden))) << forbidden;
  }
  EXPECT_THAT(html, HasSubstr("<style>"));
  EXPECT_THAT(html, HasSubstr("<svg "));
  EXPECT_THAT(html, HasSubstr("</html>"));
}

TEST_F(AuditReportTest, StatesThePeriodAndTheSignedTreeHead) {
  Add(0, kKhan, "Query.Run", "svd-merseyside-2026");
  const std::string html = RenderAuditReport(input_);
  EXPECT_THAT(html, HasSubstr("size 42"));
  EXPECT_THAT(html, HasSubstr("abcdef0123456789&hellip;"));
  EXPECT_THAT(html, HasSubstr("signed 2026-06-01 11:30:00 BST"));
  EXPECT_THAT(html, HasSubstr("0011223344556677&hellip;"));
  EXPECT_THAT(html, HasSubstr("from 2026-06-01 01:00:00 BST to before 2026-06-02 00:00:00 BST"));
  EXPECT_THAT(html, HasSubstr("Europe/London time"));
  EXPECT_THAT(html, HasSubstr("1 event, sequences 1 to 1"));
}

TEST_F(AuditReportTest, CountsPerAgreementAndPerIdentity) {
  Add(0, kKhan, "Query.Run", "svd-merseyside-2026");
  Add(1, kKhan, "Query.Run", "svd-merseyside-2026", v1::AuditEvent::DENY);
  Add(2, kKhan, "Query.Run", "youth-violence-2026");
  Add(3, kPolice, "Ingest.Push");
  Add(4, kPolice, "Ingest.Push");
  Add(5, "confide://user/ig/r.patel", "Audit.List");
  const std::string html = RenderAuditReport(input_);
  const auto row = [](const std::string& key, int queries, int pushes, int audit_reads, int other,
                      int denials) {
    return absl::StrCat("<tr><td>", key, "</td><td class=\"n\">", queries, "</td><td class=\"n\">",
                        pushes, "</td><td class=\"n\">", audit_reads, "</td><td class=\"n\">",
                        other, "</td><td class=\"n\">", denials, "</td><td class=\"n\">",
                        queries + pushes + audit_reads + other, "</td></tr>");
  };
  EXPECT_THAT(html, HasSubstr(row("svd-merseyside-2026", 2, 0, 0, 0, 1)));
  EXPECT_THAT(html, HasSubstr(row("youth-violence-2026", 1, 0, 0, 0, 0)));
  EXPECT_THAT(html, HasSubstr(row("(none: pushes, audit reads, administration)", 0, 2, 1, 0, 0)));
  EXPECT_THAT(html, HasSubstr(row(kKhan, 3, 0, 0, 0, 1)));
  EXPECT_THAT(html, HasSubstr(row(kPolice, 0, 2, 0, 0, 0)));
  EXPECT_THAT(html, HasSubstr(row("confide://user/ig/r.patel", 0, 0, 1, 0, 0)));
  // Bars carry the same numbers.
  EXPECT_THAT(html, HasSubstr("<title>queries: 3</title>"));
  EXPECT_THAT(html, HasSubstr("<title>pushes: 2</title>"));
}

TEST_F(AuditReportTest, ListsEveryDenialWithReasonAndRule) {
  Add(0, kKhan, "Query.Run", "youth-violence-2026", v1::AuditEvent::DENY)
      .set_rule("query.not-a-party");
  input_.events.back().set_reason("a.khan is not named in youth-violence-2026");
  Add(1, kKhan, "Query.Run", "svd-merseyside-2026");
  const std::string html = RenderAuditReport(input_);
  EXPECT_THAT(html, HasSubstr("<h2>Denials (1)</h2>"));
  EXPECT_THAT(html, HasSubstr("query.not-a-party"));
  EXPECT_THAT(html, HasSubstr("a.khan is not named in youth-violence-2026"));
}

TEST_F(AuditReportTest, ShowsFindingsWithTheirEventsOrSaysThereAreNone) {
  EXPECT_THAT(RenderAuditReport(input_), HasSubstr("None of the rules below fired"));
  input_.prior_access.insert({kKhan, "svd-merseyside-2026"});
  Add(0, kKhan, "Query.Run", "svd-merseyside-2026")
      .set_detail("SELECT COUNT(*) FROM fire_incident");
  EXPECT_THAT(RenderAuditReport(input_), HasSubstr("None of the rules below fired"));
  Add(1, kKhan, "Query.Run", "youth-violence-2026")
      .set_detail("SELECT COUNT(*) FROM youth_justice");
  const std::string html = RenderAuditReport(input_);
  EXPECT_THAT(html, Not(HasSubstr("None of the rules below fired")));
  EXPECT_THAT(html, HasSubstr("First access to an agreement: confide://user/analyst/a.khan"));
  EXPECT_THAT(html, HasSubstr("SELECT COUNT(*) FROM youth_justice"));
}

}  // namespace
}  // namespace confide::cli
