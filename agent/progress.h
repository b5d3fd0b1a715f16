#pragma once

// Progress of a long push on stderr. On a terminal: a live bar (rows, rows/s, percent of the
// file's bytes, time left) redrawn a few times a second. Otherwise (a log, a systemd journal):
// one plain line every `interval`. Prints counts only, never values.

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace confide::agent {

class ProgressReporter {
 public:
  ProgressReporter(std::ostream& out, bool terminal, const Clock& clock,
                   absl::Duration interval = absl::Seconds(5));

  // Starts a phase ("validating police_crime", "pushing police_crime"); total_bytes < 0 when
  // the size is unknown (then no percentage or time left).
  void Begin(absl::string_view label, int64_t total_bytes);
  // Call once per batch (reads the clock); draws only when due.
  void Update(int64_t rows, int64_t bytes);
  // Ends the phase: erases the bar on a terminal.
  void End();

  // "pushing police_crime: 120000 rows, 60% of 24.1 MB, 21000 rows/s, about 4 s left"
  static std::string Line(absl::string_view label, int64_t rows, int64_t bytes, int64_t total_bytes,
                          absl::Duration elapsed);
  // "pushing police_crime [=========>          ]  45%  90000 rows  21000 rows/s  ETA 0:05"
  static std::string Bar(absl::string_view label, int64_t rows, int64_t bytes, int64_t total_bytes,
                         absl::Duration elapsed);

 private:
  std::ostream& out_;
  const bool terminal_;
  const Clock& clock_;
  const absl::Duration interval_;
  std::string label_;
  int64_t total_bytes_ = -1;
  absl::Time started_;
  absl::Time next_draw_;
  bool drawn_ = false;
};

}  // namespace confide::agent
