#pragma once

// Deterministic differential-privacy noise.
//
// A NoiseSource turns (secret key, context) into a stream of uniform random bits with
// HMAC-SHA256 in counter mode, and draws noise from it:
//
//   subkey   = HMAC-SHA256(key, "confide/dp-noise/v1" || u64be(len(context)) || context)
//   block[i] = HMAC-SHA256(subkey, u64be(i)),  i = 0, 1, 2, ...
//
// The same key and context always give the same noise, so repeating a query returns the same
// answer (averaging repeated answers learns nothing); different contexts give independent
// noise. Whoever holds the key can compute (and so subtract) the noise: it must be a hub secret
// that never leaves the hub, and it is never logged.
//
// The context must name everything the answer depends on (analyst, agreement, canonical query,
// data fingerprint, mechanism and epsilon, cell and measure), each part length-prefixed so that
// no two different lists of parts give the same context: NoiseContext() does that.
//
// Exactness. Epsilon and sensitivity are quantised to multiples of 10^-6, always towards more
// noise (epsilon rounded down, sensitivity up; a value within 10^-12 of a multiple counts as
// that multiple, so 0.3 stays 0.3). TwoSidedGeometric then samples the discrete Laplace
// distribution for the quantised ratio EXACTLY, using only integer arithmetic on the random
// bits (Canonne, Kamath & Steinke 2020, "The discrete Gaussian for differential privacy",
// Algorithms 1 and 2). The only departure from exactness: a draw whose intermediate value would
// overflow 64 bits is redrawn (probability below e^-9000000).
//
// Laplace uses floating point and keeps its known pitfalls: the uniform variate has 53 bits, so
// noise is bounded by 36.7 x scale and its low-order bits are not uniformly spread, which lets
// an attacker who sees the exact double tell some inputs apart (Mironov 2012, "On significance
// of the least significant bits for differential privacy"). Callers must round the noisy answer
// (counts to whole numbers) before release; prefer TwoSidedGeometric for integer answers.

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace confide::crypto {
class HmacSha256Signer;
}  // namespace confide::crypto

namespace confide::privacy {

// Minimum secret key length accepted by NoiseSource::Create.
inline constexpr size_t kMinNoiseKeyBytes = 32;

// Parameters accepted by the samplers: epsilon in [1e-6, 1e6] and sensitivity in [1e-6, 1e6],
// both finite. Anything else is InvalidArgument ("expected ..., got ...").
inline constexpr double kMinNoiseParameter = 1e-6;
inline constexpr double kMaxNoiseParameter = 1e6;

enum class NoiseMechanism {
  kGeometric,  // two-sided geometric (discrete Laplace): integer noise
  kLaplace,    // continuous Laplace
};

// OK when `epsilon` and `sensitivity` are valid sampler parameters (see above). Call this before
// TwoSidedGeometric / Laplace / NoiseHalfWidth, whose precondition it is.
absl::Status ValidateNoiseParameters(double epsilon, double sensitivity);

// The parts, each prefixed by its length as 8 bytes big-endian: an unambiguous encoding of the
// list (the same list gives the same string; different lists never do).
std::string NoiseContext(absl::Span<const absl::string_view> parts);

// Half-width of the central interval holding the noise with probability at least `confidence`
// (0 < confidence < 1), for "± N at 95%" notes. Pure; same quantisation as the samplers.
// kGeometric: the smallest integer m with P(|X| <= m) >= confidence, i.e.
//   m = ceil(ln((1 - confidence) (1 + p) / 2) / ln p) - 1 (at least 0), p = exp(-eps/sens).
// kLaplace: (sens / eps) * ln(1 / (1 - confidence)), e.g. 3.0 x scale at 95%.
// Requires ValidateNoiseParameters(epsilon, sensitivity).ok() and a confidence in (0, 1);
// aborts otherwise.
double NoiseHalfWidth(NoiseMechanism mechanism, double epsilon, double sensitivity,
                      double confidence = 0.95);

// A deterministic stream of noise for one context. Not thread-safe: use one per thread (or per
// cell and measure, which is what gives each its own context).
class NoiseSource {
 public:
  // InvalidArgument when `key` is shorter than kMinNoiseKeyBytes. The key is not kept: only the
  // per-context subkey derived from it.
  static absl::StatusOr<NoiseSource> Create(absl::string_view key, absl::string_view context);

  NoiseSource(NoiseSource&&) noexcept;
  NoiseSource& operator=(NoiseSource&&) noexcept;
  ~NoiseSource();

  // One sample of the two-sided geometric distribution (discrete Laplace):
  //   P(X = k) = (1 - p) / (1 + p) * p^|k|,  p = exp(-epsilon / sensitivity),
  // so that adding it to an integer query of that L1 sensitivity is epsilon-DP. Exact (see the
  // file comment). Requires ValidateNoiseParameters(epsilon, sensitivity).ok(); aborts
  // otherwise (a policy that passed validation cannot get here with bad values).
  int64_t TwoSidedGeometric(double epsilon, double sensitivity);

  // One sample of Laplace(0, sensitivity / epsilon). Floating point: see the file comment.
  // Same precondition as TwoSidedGeometric.
  double Laplace(double epsilon, double sensitivity);

  // The next 64 uniform random bits of the stream (exposed for tests and other mechanisms).
  uint64_t NextUint64();

 private:
  explicit NoiseSource(std::unique_ptr<crypto::HmacSha256Signer> block_signer);

  uint64_t UniformBelow(uint64_t bound);  // uniform on [0, bound), bound >= 1; exact
  bool Bernoulli(uint64_t numerator, uint64_t denominator);        // numerator <= denominator
  bool BernoulliExpNeg(uint64_t numerator, uint64_t denominator);  // P = exp(-num / den)
  bool BernoulliExpNegAtMostOne(uint64_t numerator, uint64_t denominator);

  std::unique_ptr<crypto::HmacSha256Signer> block_signer_;  // keyed with the context subkey
  uint64_t next_block_ = 0;
  std::string block_;  // current block; bytes from block_offset_ on are unused
  size_t block_offset_ = 0;
};

}  // namespace confide::privacy
