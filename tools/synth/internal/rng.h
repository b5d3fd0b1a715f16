#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace confide::synth::internal {

// xoshiro256** seeded through splitmix64. Our own generator rather than an Abseil or <random>
// distribution because the output must be byte-identical for a seed across library versions
// and platforms: every draw here is integer arithmetic or an exactly specified double.
// Not thread-safe; not for cryptography.
class Rng {
 public:
  // `stream` separates independent sequences from one seed, so that changing how many police
  // events are drawn does not reshuffle the fire incidents.
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (uint64_t& word : state_) {
      word = SplitMix64(x);
    }
  }

  uint64_t Next() {
    const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = RotateLeft(state_[3], 45);
    return result;
  }

  // Uniform in [0, n); n must be > 0. Rejection sampling removes the modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    for (;;) {
      const uint64_t r = Next();
      if (r >= threshold) {
        return r % n;
      }
    }
  }

  // Uniform integer in [lo, hi], lo <= hi.
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform in [0, 1) with 53 random bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Unit() < p; }

  // Index drawn with probability proportional to weights[i]; weights must not all be zero.
  size_t Pick(std::span<const double> weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double target = Unit() * total;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (target < weights[i]) {
        return i;
      }
      target -= weights[i];
    }
    return weights.size() - 1;  // Only reachable through rounding.
  }

 private:
  static uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t state_[4];
};

}  // namespace confide::synth::internal
