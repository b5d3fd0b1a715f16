#include "policy/privacy/noise.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/crypto/hash.h"
#include "common/log.h"

namespace confide::privacy {
namespace {

constexpr absl::string_view kSubkeyLabel = "confide/dp-noise/v1";

std::string BigEndian64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

// Quantisation to multiples of 10^-6, always towards more noise. A product within 10^-6 of a
// whole number of micro-units is that number, so decimal policy values (0.3, 1.1) are exact.
constexpr double kMicro = 1e6;
constexpr double kSlack = 1e-6;

uint64_t EpsilonMicros(double epsilon) {
  const double micros = std::floor(epsilon * kMicro + kSlack);
  return micros < 1 ? 1 : static_cast<uint64_t>(micros);
}

uint64_t SensitivityMicros(double sensitivity) {
  const double micros = std::ceil(sensitivity * kMicro - kSlack);
  return micros < 1 ? 1 : static_cast<uint64_t>(micros);
}

// The quantised ratio epsilon / sensitivity = numerator / denominator, in lowest terms.
struct Ratio {
  uint64_t numerator;
  uint64_t denominator;
};

Ratio QuantisedRatio(double epsilon, double sensitivity) {
  const uint64_t e = EpsilonMicros(epsilon);
  const uint64_t s = SensitivityMicros(sensitivity);
  const uint64_t g = std::gcd(e, s);
  return Ratio{e / g, s / g};
}

// A precondition failure: the caller skipped ValidateNoiseParameters. Crashing beats releasing
// an answer with the wrong amount of noise (or none).
[[noreturn]] void Fatal(const absl::Status& status) {
  LogError("privacy", "noise precondition violated: ", status.message());
  std::abort();
}

void CheckParameters(double epsilon, double sensitivity) {
  if (absl::Status status = ValidateNoiseParameters(epsilon, sensitivity); !status.ok()) {
    Fatal(status);
  }
}

absl::Status CheckRange(absl::string_view name, double value) {
  if (!std::isfinite(value) || value < kMinNoiseParameter || value > kMaxNoiseParameter) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", name, " between ",
                                                   kMinNoiseParameter, " and ", kMaxNoiseParameter,
                                                   ", got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateNoiseParameters(double epsilon, double sensitivity) {
  if (absl::Status status = CheckRange("epsilon", epsilon); !status.ok()) {
    return status;
  }
  return CheckRange("sensitivity", sensitivity);
}

std::string NoiseContext(absl::Span<const absl::string_view> parts) {
  std::string out;
  for (absl::string_view part : parts) {
    absl::StrAppend(&out, BigEndian64(part.size()), part);
  }
  return out;
}

double NoiseHalfWidth(NoiseMechanism mechanism, double epsilon, double sensitivity,
                      double confidence) {
  CheckParameters(epsilon, sensitivity);
  if (!(confidence > 0 && confidence < 1)) {
    Fatal(absl::InvalidArgumentError(
        absl::StrCat("expected a confidence between 0 and 1 (exclusive), got ", confidence)));
  }
  const Ratio ratio = QuantisedRatio(epsilon, sensitivity);
  const double a = static_cast<double>(ratio.numerator) / static_cast<double>(ratio.denominator);
  const double log_miss = std::log1p(-confidence);  // ln(1 - confidence) < 0
  if (mechanism == NoiseMechanism::kLaplace) {
    return -log_miss / a;  // P(|X| > x) = exp(-a x)
  }
  // P(|X| > m) = 2 p^(m+1) / (1 + p); compare in the log domain.
  const double log_two_over_one_plus_p = std::log(2.0) - std::log1p(std::exp(-a));
  auto covered = [&](double m) { return -a * (m + 1) + log_two_over_one_plus_p <= log_miss; };
  double m = std::max(0.0, std::ceil((log_two_over_one_plus_p - log_miss) / a) - 1);
  // Guard the closed form against rounding: step to the smallest m that covers.
  while (m > 0 && covered(m - 1)) {
    --m;
  }
  while (!covered(m)) {
    ++m;
  }
  return m;
}

absl::StatusOr<NoiseSource> NoiseSource::Create(absl::string_view key, absl::string_view context) {
  if (key.size() < kMinNoiseKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat("expected a noise key of at least ",
                                                   kMinNoiseKeyBytes, " bytes, got ", key.size()));
  }
  std::string subkey =
      crypto::HmacSha256(key, absl::StrCat(kSubkeyLabel, BigEndian64(context.size()), context));
  auto signer = std::make_unique<crypto::HmacSha256Signer>(subkey);
  OPENSSL_cleanse(subkey.data(), subkey.size());
  return NoiseSource(std::move(signer));
}

NoiseSource::NoiseSource(std::unique_ptr<crypto::HmacSha256Signer> block_signer)
    : block_signer_(std::move(block_signer)) {}
NoiseSource::NoiseSource(NoiseSource&&) noexcept = default;
NoiseSource& NoiseSource::operator=(NoiseSource&&) noexcept = default;
NoiseSource::~NoiseSource() { OPENSSL_cleanse(block_.data(), block_.size()); }

uint64_t NoiseSource::NextUint64() {
  if (block_offset_ + 8 > block_.size()) {
    OPENSSL_cleanse(block_.data(), block_.size());
    block_ = block_signer_->Sign(BigEndian64(next_block_++));
    block_offset_ = 0;
  }
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(block_[block_offset_ + i]);
  }
  block_offset_ += 8;
  return value;
}

uint64_t NoiseSource::UniformBelow(uint64_t bound) {
  if (bound <= 1) {
    return 0;
  }
  // Reject the lowest 2^64 mod bound values so that every residue is equally likely.
  const uint64_t threshold = (0 - bound) % bound;
  while (true) {
    const uint64_t r = NextUint64();
    if (r >= threshold) {
      return r % bound;
    }
  }
}

bool NoiseSource::Bernoulli(uint64_t numerator, uint64_t denominator) {
  if (numerator == 0) {
    return false;
  }
  if (numerator >= denominator) {
    return true;
  }
  return UniformBelow(denominator) < numerator;
}

// CKS Algorithm 1 for gamma = numerator / denominator in [0, 1]: K counts successes of
// Bernoulli(gamma / k) for k = 1, 2, ...; P(K odd) = exp(-gamma). Bernoulli(gamma / k) is drawn
// as Bernoulli(gamma) AND Bernoulli(1 / k), which needs no product that could overflow.
bool NoiseSource::BernoulliExpNegAtMostOne(uint64_t numerator, uint64_t denominator) {
  uint64_t k = 1;
  while (Bernoulli(numerator, denominator) && Bernoulli(1, k)) {
    ++k;
  }
  return k % 2 == 1;
}

bool NoiseSource::BernoulliExpNeg(uint64_t numerator, uint64_t denominator) {
  // exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))).
  while (numerator > denominator) {
    if (!BernoulliExpNegAtMostOne(1, 1)) {
      return false;
    }
    numerator -= denominator;
  }
  return BernoulliExpNegAtMostOne(numerator, denominator);
}

int64_t NoiseSource::TwoSidedGeometric(double epsilon, double sensitivity) {
  CheckParameters(epsilon, sensitivity);
  // CKS Algorithm 2 with scale t / s = sensitivity / epsilon.
  const Ratio ratio = QuantisedRatio(epsilon, sensitivity);
  const uint64_t s = ratio.numerator;
  const uint64_t t = ratio.denominator;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const uint64_t max_v = (kMax - t) / t;  // U + t V stays below 2^63
  while (true) {
    const uint64_t u = UniformBelow(t);
    if (!BernoulliExpNeg(u, t)) {
      continue;
    }
    uint64_t v = 0;
    while (v <= max_v && BernoulliExpNeg(1, 1)) {
      ++v;
    }
    if (v > max_v) {
      continue;  // see the file comment: probability below e^-9000000
    }
    const uint64_t x = u + t * v;                   // Geometric(exp(-1 / t))
    const int64_t y = static_cast<int64_t>(x / s);  // Geometric(exp(-s / t))
    const bool negative = Bernoulli(1, 2);
    if (negative && y == 0) {
      continue;  // otherwise zero would be counted twice
    }
    return negative ? -y : y;
  }
}

double NoiseSource::Laplace(double epsilon, double sensitivity) {
  CheckParameters(epsilon, sensitivity);
  const Ratio ratio = QuantisedRatio(epsilon, sensitivity);
  const double scale =
      static_cast<double>(ratio.denominator) / static_cast<double>(ratio.numerator);
  const uint64_t bits = NextUint64();
  // Top 53 bits: U uniform on {1, 2, ..., 2^53} / 2^53, never 0, so the logarithm is finite.
  const double uniform = static_cast<double>((bits >> 11) + 1) * 0x1p-53;
  const double exponential = -std::log(uniform);  // Exponential(1)
  if (exponential == 0) {
    return 0.0;  // not -0.0
  }
  return (bits & 1) != 0 ? -scale * exponential : scale * exponential;
}

}  // namespace confide::privacy
