#pragma once

// Time comes through Clock& so tests can control it.

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace confide {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace confide
