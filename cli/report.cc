#include "cli/report.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/audit_report.h"
#include "cli/report_sections.h"

namespace confide::cli {
namespace {

// No external resource of any kind: the file must render the same offline and years later.
constexpr absl::string_view kStyle = R"css(
body { font-family: sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222;
       line-height: 1.4; }
h1 { border-bottom: 3px solid #1d4f91; padding-bottom: .2em; }
h2 { margin-top: 2em; color: #1d4f91; border-bottom: 1px solid #ccd; }
h3 { margin-bottom: .3em; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: .5em 0 1em; font-size: .9em; }
th, td { border: 1px solid #bbb; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #eef2f8; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.sup { background: #e4e4e4; color: #555; font-weight: bold; }
svg.chart { display: block; max-width: 100%; height: auto; margin: .5em 0; }
.head { background: #f6f8fb; border: 1px solid #ccd; padding: .5em 1em; }
.what { color: #444; }
.name { color: #777; font-size: .85em; }
.key { font-size: .85em; color: #444; }
.key svg { vertical-align: middle; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: middle; }
.callout { border-left: 5px solid #1d4f91; background: #f3f6fb; padding: .4em 1em; }
.failed { border-left: 5px solid #d62728; background: #fff5f5; padding: .4em 1em; }
.ok { color: #2a7a2a; }
details { margin: .3em 0 1em; }
summary { cursor: pointer; color: #1d4f91; }
code { font-family: monospace; }
)css";

bool Unreachable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

std::string HeadSection(const ReportInput& input) {
  const size_t total = BuiltInAnalyses().size();
  size_t ran = 0;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    ran += input.results.count(analysis.name);
  }
  std::string policy_version;
  bool private_answers = false;
  double spent = 0, left = 0;
  for (const auto& [name, result] : input.results) {
    if (policy_version.empty()) {
      policy_version = result.policy_version();
    }
    if (result.differentially_private()) {
      left =
          private_answers ? std::min(left, result.epsilon_remaining()) : result.epsilon_remaining();
      private_answers = true;
      spent += result.epsilon_charged();
    }
  }
  const std::string privacy =
      private_answers
          ? absl::StrCat(
                "</p>\n<p>This agreement uses <strong>differential privacy</strong>: every "
                "published value carries calibrated random noise. Producing this report spent ",
                FormatNumber(spent, 3), " of your privacy budget (epsilon); ",
                FormatNumber(left, 3), " is left. Re-running it on unchanged data costs nothing.")
          : "";
  return absl::StrCat(
      "<div class=\"head\">\n<p><strong>Agreement:</strong> <code>", HtmlEscape(input.agreement),
      "</code>. <strong>Purpose:</strong> ", HtmlEscape(input.purpose),
      ". <strong>Generated:</strong> ",
      HtmlEscape(absl::FormatTime("%Y-%m-%d %H:%M %Z", input.generated, input.zone)),
      policy_version.empty() ? ""
                             : absl::StrCat(". <strong>Policy version:</strong> <code>",
                                            HtmlEscape(policy_version), "</code>"),
      ".</p>\n<p>", ran, " of ", total, " analyses ran",
      ran == total ? "." : "; the others are listed under Suppression and rounding.",
      " Every figure is an aggregate the hub published under the agreement's disclosure control; "
      "each query is in the hub's audit log. <strong>*</strong> marks a suppressed value, drawn "
      "as a grey dashed box: it is hidden, not zero.",
      privacy, "</p>\n</div>\n");
}

std::string Contents() {
  return "<nav><h2>Contents</h2><ol>\n"
         "<li><a href=\"#trends\">Trends: knife crime and knife admissions</a></li>\n"
         "<li><a href=\"#home-office\">Home Office success measures</a></li>\n"
         "<li><a href=\"#rates\">Rates per 1,000 population by borough</a></li>\n"
         "<li><a href=\"#hour-of-week\">Hour of the week</a></li>\n"
         "<li><a href=\"#repeat\">Repeat victimisation</a></li>\n"
         "<li><a href=\"#overlap\">Cross-agency overlap</a></li>\n"
         "<li><a href=\"#hot-spots\">Harm-weighted hot spots</a></li>\n"
         "<li><a href=\"#suppression\">Suppression and rounding</a></li>\n"
         "</ol></nav>\n";
}

std::string NotesFor(const std::string& name, const v1::QueryResult& result) {
  std::string out =
      absl::StrCat("<li><strong>", HtmlEscape(report::AnalysisTitle(name)), "</strong> (<code>",
                   HtmlEscape(name), "</code>, audit sequence ", result.audit_sequence(),
                   result.differentially_private()
                       ? absl::StrCat("; differentially private: privacy budget (epsilon) spent ",
                                      FormatNumber(result.epsilon_charged(), 3), ", left ",
                                      FormatNumber(result.epsilon_remaining(), 3))
                       : "",
                   ")");
  if (result.notes().empty()) {
    return absl::StrCat(out, ": no cells suppressed or notes returned.</li>\n");
  }
  absl::StrAppend(&out, "\n<ul>\n");
  for (const std::string& note : result.notes()) {
    absl::StrAppend(&out, "<li>", HtmlEscape(note), "</li>\n");
  }
  return absl::StrCat(out, "</ul></li>\n");
}

std::string SuppressionSection(const ReportInput& input) {
  std::string out =
      "<section id=\"suppression\">\n<h2>Suppression and rounding</h2>\n"
      "<p><strong>*</strong> means the value is hidden by disclosure control: the count was "
      "between 1 and the agreement's threshold (for example 1 to 7), or it was hidden so that a "
      "small count cannot be worked out by subtraction from a total (secondary suppression). A "
      "hidden value is never zero and is drawn as a grey dashed box, not as an empty bar or a "
      "zero.</p>\n"
      "<p>Every other count is rounded to the agreement's rounding base (for example the "
      "nearest 5), so totals and sums of published values need not add up exactly. Rates, "
      "repeat rates and harm totals are published under the same control. Where the agreement "
      "uses differential privacy, published values also carry calibrated noise.</p>\n"
      "<p>Percentages, shares and cumulative shares that the hub did not publish (the share of "
      "ED victims unknown to police, hot-spot shares) are computed by confide from the "
      "published, rounded values only; suppressed values are left out of them and the text "
      "says so.</p>\n<h3>Notes returned with each analysis</h3>\n<ul>\n";
  for (const Analysis& analysis : BuiltInAnalyses()) {
    auto found = input.results.find(analysis.name);
    if (found != input.results.end()) {
      absl::StrAppend(&out, NotesFor(analysis.name, found->second));
    }
  }
  for (const auto& [name, result] : input.results) {
    if (FindAnalysis(name) == nullptr) {
      absl::StrAppend(&out, NotesFor(name, result));
    }
  }
  absl::StrAppend(&out, "</ul>\n<h3>Analyses that could not be produced</h3>\n");
  std::string failed;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    auto failure = input.failures.find(analysis.name);
    if (failure != input.failures.end()) {
      absl::StrAppend(&failed, "<li><strong>", HtmlEscape(analysis.title), "</strong> (<code>",
                      HtmlEscape(analysis.name),
                      "</code>): ", HtmlEscape(absl::StatusCodeToString(failure->second.code())),
                      ": ", HtmlEscape(failure->second.message()), "</li>\n");
    } else if (input.results.count(analysis.name) == 0) {
      absl::StrAppend(&failed, "<li><strong>", HtmlEscape(analysis.title), "</strong> (<code>",
                      HtmlEscape(analysis.name), "</code>): not run.</li>\n");
    }
  }
  if (failed.empty()) {
    absl::StrAppend(&out, "<p class=\"ok\">None: every analysis ran.</p>\n");
  } else {
    absl::StrAppend(&out,
                    "<p>A refusal usually means the agreement does not permit a dataset or "
                    "dimension the analysis needs (for example a finer time or area than it "
                    "allows). The rest of the report is unaffected.</p>\n<ul class=\"failed\">\n",
                    failed, "</ul>\n");
  }
  return absl::StrCat(out, "</section>\n");
}

}  // namespace

ReportInput CollectReport(const QueryRunner& run, const std::string& agreement,
                          const std::string& purpose, const AnalysisOptions& options) {
  ReportInput input;
  input.agreement = agreement;
  input.purpose = purpose;
  input.options = options;
  absl::Status unreachable;
  for (const Analysis& analysis : BuiltInAnalyses()) {
    if (!unreachable.ok()) {
      input.failures[analysis.name] =
          absl::Status(unreachable.code(), absl::StrCat("not attempted: ", unreachable.message()));
      continue;
    }
    absl::StatusOr<v1::QueryResult> result = RunAnalysis(analysis, run, agreement, purpose);
    if (result.ok()) {
      input.results[analysis.name] = *std::move(result);
      continue;
    }
    if (Unreachable(result.status())) {
      unreachable = result.status();
    }
    input.failures[analysis.name] = result.status();
  }
  return input;
}

std::string RenderAnalystReport(const ReportInput& input) {
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Confide serious violence report</title>\n<style>",
      kStyle, "</style>\n</head>\n<body>\n<h1>Serious violence: partnership analyses</h1>\n",
      HeadSection(input), Contents(), report::TrendsSection(input),
      report::HomeOfficeSection(input), report::RatesSection(input),
      report::HourOfWeekSection(input), report::RepeatSection(input), report::OverlapSection(input),
      report::HotSpotsSection(input), SuppressionSection(input),
      "<p class=\"key\">Produced by <code>confide report</code>. No figure in this report is "
      "about one person.</p>\n</body>\n</html>\n");
}

}  // namespace confide::cli
