#include "agent/progress.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace confide::agent {
namespace {

constexpr absl::Duration kBarRedraw = absl::Milliseconds(200);
constexpr int kBarWidth = 24;

double RowsPerSecond(int64_t rows, absl::Duration elapsed) {
  double seconds = absl::ToDoubleSeconds(elapsed);
  return seconds > 0 ? static_cast<double>(rows) / seconds : 0;
}

// Seconds left by linear extrapolation over bytes; negative if unknown.
double SecondsLeft(int64_t bytes, int64_t total_bytes, absl::Duration elapsed) {
  if (total_bytes <= 0 || bytes <= 0 || bytes > total_bytes) {
    return -1;
  }
  return absl::ToDoubleSeconds(elapsed) * static_cast<double>(total_bytes - bytes) /
         static_cast<double>(bytes);
}

int Percent(int64_t bytes, int64_t total_bytes) {
  if (total_bytes <= 0) {
    return 0;
  }
  return static_cast<int>(std::min<int64_t>(100, bytes * 100 / total_bytes));
}

std::string Megabytes(int64_t bytes) {
  return absl::StrFormat("%.1f MB", static_cast<double>(bytes) / 1e6);
}

std::string ClockTime(double seconds) {
  int64_t s = static_cast<int64_t>(std::llround(seconds));
  return s >= 3600 ? absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                   : absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

ProgressReporter::ProgressReporter(std::ostream& out, bool terminal, const Clock& clock,
                                   absl::Duration interval)
    : out_(out), terminal_(terminal), clock_(clock), interval_(interval) {}

void ProgressReporter::Begin(absl::string_view label, int64_t total_bytes) {
  label_ = std::string(label);
  total_bytes_ = total_bytes;
  started_ = clock_.Now();
  next_draw_ = started_ + (terminal_ ? kBarRedraw : interval_);
  drawn_ = false;
}

void ProgressReporter::Update(int64_t rows, int64_t bytes) {
  absl::Time now = clock_.Now();
  if (now < next_draw_) {
    return;
  }
  if (terminal_) {
    out_ << "\r" << Bar(label_, rows, bytes, total_bytes_, now - started_) << "\x1b[K"
         << std::flush;
    next_draw_ = now + kBarRedraw;
  } else {
    out_ << Line(label_, rows, bytes, total_bytes_, now - started_) << "\n" << std::flush;
    next_draw_ = now + interval_;
  }
  drawn_ = true;
}

void ProgressReporter::End() {
  if (terminal_ && drawn_) {
    out_ << "\r\x1b[K" << std::flush;
  }
  drawn_ = false;
}

std::string ProgressReporter::Line(absl::string_view label, int64_t rows, int64_t bytes,
                                   int64_t total_bytes, absl::Duration elapsed) {
  std::string line = absl::StrCat(label, ": ", rows, " rows");
  if (total_bytes > 0) {
    absl::StrAppend(&line, ", ", Percent(bytes, total_bytes), "% of ", Megabytes(total_bytes));
  }
  absl::StrAppendFormat(&line, ", %.0f rows/s", RowsPerSecond(rows, elapsed));
  double left = SecondsLeft(bytes, total_bytes, elapsed);
  if (left >= 0) {
    absl::StrAppendFormat(&line, ", about %.0f s left", std::ceil(left));
  }
  return line;
}

std::string ProgressReporter::Bar(absl::string_view label, int64_t rows, int64_t bytes,
                                  int64_t total_bytes, absl::Duration elapsed) {
  std::string bar = absl::StrCat(label, " [");
  if (total_bytes > 0) {
    int filled = Percent(bytes, total_bytes) * kBarWidth / 100;
    bar += std::string(filled, '=');
    if (filled < kBarWidth) {
      bar += ">";
      bar += std::string(kBarWidth - filled - 1, ' ');
    }
    absl::StrAppendFormat(&bar, "] %3d%%", Percent(bytes, total_bytes));
  } else {
    absl::StrAppend(&bar, std::string(kBarWidth, '?'), "]   ?%");
  }
  absl::StrAppendFormat(&bar, "  %d rows  %.0f rows/s", rows, RowsPerSecond(rows, elapsed));
  double left = SecondsLeft(bytes, total_bytes, elapsed);
  if (left >= 0) {
    absl::StrAppend(&bar, "  ETA ", ClockTime(left));
  }
  return bar;
}

}  // namespace confide::agent
