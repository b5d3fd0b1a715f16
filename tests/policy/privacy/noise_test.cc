#include "policy/privacy/noise.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace confide::privacy {
namespace {

using ::confide::testing::IsOk;
using ::confide::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int kSamples = 200000;

std::string Key(char fill = 'k') { return std::string(kMinNoiseKeyBytes, fill); }

NoiseSource Source(absl::string_view context, const std::string& key = Key()) {
  absl::StatusOr<NoiseSource> source = NoiseSource::Create(key, context);
  EXPECT_THAT(source, IsOk());
  return *std::move(source);
}

std::vector<int64_t> Geometric(NoiseSource& source, double epsilon, double sensitivity, int n) {
  std::vector<int64_t> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    out.push_back(source.TwoSidedGeometric(epsilon, sensitivity));
  }
  return out;
}

// Exact P(X = k) of the two-sided geometric distribution with parameter p.
double GeometricPmf(double p, int64_t k) {
  return (1 - p) / (1 + p) * std::pow(p, std::abs(static_cast<double>(k)));
}

TEST(NoiseContextTest, IsUnambiguous) {
  EXPECT_NE(NoiseContext({"ab", "c"}), NoiseContext({"a", "bc"}));
  EXPECT_NE(NoiseContext({"a", ""}), NoiseContext({"a"}));
  EXPECT_EQ(NoiseContext({"analyst", "agreement"}), NoiseContext({"analyst", "agreement"}));
  EXPECT_EQ(NoiseContext({"ab"}), std::string("\0\0\0\0\0\0\0\2ab", 10));
}

TEST(NoiseSourceTest, RefusesShortKey) {
  EXPECT_THAT(NoiseSource::Create(std::string(kMinNoiseKeyBytes - 1, 'k'), "c"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least 32 bytes")));
}

TEST(NoiseSourceTest, ValidatesParameters) {
  EXPECT_THAT(ValidateNoiseParameters(0.1, 1), IsOk());
  EXPECT_THAT(ValidateNoiseParameters(kMinNoiseParameter, kMaxNoiseParameter), IsOk());
  for (double bad : {0.0, -1.0, 1e-7, 2e6, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_THAT(ValidateNoiseParameters(bad, 1), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
    EXPECT_THAT(ValidateNoiseParameters(1, bad), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
  }
}

TEST(NoiseSourceDeathTest, AbortsOnUnvalidatedParameters) {
  NoiseSource source = Source("c");
  EXPECT_DEATH(source.TwoSidedGeometric(0, 1), "expected epsilon");
  EXPECT_DEATH(source.Laplace(1, std::nan("")), "expected sensitivity");
  EXPECT_DEATH(NoiseHalfWidth(NoiseMechanism::kLaplace, 1, 1, 1.0), "confidence");
}

// Pinned against an independent implementation (HMAC counter mode + CKS samplers in Python):
// changing the derivation would change every published answer and re-open averaging attacks
// across versions, so it must be deliberate.
TEST(NoiseSourceTest, KnownAnswers) {
  std::string key;
  for (int i = 0; i < 32; ++i) {
    key.push_back(static_cast<char>(i));
  }
  NoiseSource bits = Source("golden-context", key);
  EXPECT_EQ(bits.NextUint64(), 0xb923d191218e0a31u);
  EXPECT_EQ(bits.NextUint64(), 0xbea1f4b47bb6edaau);
  EXPECT_EQ(bits.NextUint64(), 0x9898591e885aa318u);

  NoiseSource geometric = Source("golden-context", key);
  EXPECT_THAT(Geometric(geometric, 0.5, 1, 12), ElementsAre(3, 0, -2, 1, 1, 2, 2, -2, 0, 0, 0, 1));
  NoiseSource wide = Source("golden-context", key);
  EXPECT_THAT(Geometric(wide, 0.05, 2, 8), ElementsAre(73, -38, -5, -15, -4, -10, -31, 115));

  NoiseSource laplace = Source("golden-context", key);
  EXPECT_DOUBLE_EQ(laplace.Laplace(0.5, 1), -0.6481311998374023);
  EXPECT_DOUBLE_EQ(laplace.Laplace(0.5, 1), 0.5896584368684887);
  EXPECT_DOUBLE_EQ(laplace.Laplace(0.5, 1), 1.0347787433454634);
  EXPECT_DOUBLE_EQ(laplace.Laplace(0.5, 1), 0.8978455494281856);
}

TEST(NoiseSourceTest, SameKeyAndContextGiveSameNoise) {
  const std::string context = NoiseContext({"a.khan", "msp-asb", "COUNT(*) BY ward", "fp"});
  NoiseSource first = Source(context);
  NoiseSource second = Source(context);
  EXPECT_EQ(Geometric(first, 0.1, 1, 100), Geometric(second, 0.1, 1, 100));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(first.Laplace(0.1, 1), second.Laplace(0.1, 1));
  }
}

TEST(NoiseSourceTest, DifferentContextOrKeyGivesDifferentNoise) {
  NoiseSource base = Source(NoiseContext({"a.khan", "cell 1"}));
  NoiseSource other_cell = Source(NoiseContext({"a.khan", "cell 2"}));
  NoiseSource other_analyst = Source(NoiseContext({"b.jones", "cell 1"}));
  NoiseSource other_key = Source(NoiseContext({"a.khan", "cell 1"}), Key('x'));
  const std::vector<int64_t> noise = Geometric(base, 0.1, 1, 50);
  EXPECT_NE(noise, Geometric(other_cell, 0.1, 1, 50));
  EXPECT_NE(noise, Geometric(other_analyst, 0.1, 1, 50));
  EXPECT_NE(noise, Geometric(other_key, 0.1, 1, 50));
}

TEST(NoiseSourceTest, DecimalParametersAreNotPerturbedByRounding) {
  // 0.1 + 0.2 != 0.3 in binary; both must give the same (quantised) distribution.
  NoiseSource a = Source("c");
  NoiseSource b = Source("c");
  EXPECT_EQ(Geometric(a, 0.3, 1, 200), Geometric(b, 0.1 + 0.2, 1, 200));
  EXPECT_EQ(NoiseHalfWidth(NoiseMechanism::kGeometric, 0.3, 1),
            NoiseHalfWidth(NoiseMechanism::kGeometric, 0.1 + 0.2, 1));
}

struct GeometricCase {
  double epsilon;
  double sensitivity;
};

class GeometricDistributionTest : public ::testing::TestWithParam<GeometricCase> {};

TEST_P(GeometricDistributionTest, MomentsMatch) {
  const auto [epsilon, sensitivity] = GetParam();
  NoiseSource source = Source(NoiseContext({"moments", std::to_string(epsilon)}));
  const double p = std::exp(-epsilon / sensitivity);
  const double variance = 2 * p / ((1 - p) * (1 - p));
  double sum = 0;
  double sum_squares = 0;
  for (int i = 0; i < kSamples; ++i) {
    const double x = static_cast<double>(source.TwoSidedGeometric(epsilon, sensitivity));
    sum += x;
    sum_squares += x * x;
  }
  const double mean = sum / kSamples;
  const double sample_variance = sum_squares / kSamples - mean * mean;
  // Five standard errors for the mean; the variance estimate of a Laplace-like distribution
  // (kurtosis 6) has a relative standard error of sqrt(5 / n) = 0.5%, so 3% is six of them.
  EXPECT_NEAR(mean, 0, 5 * std::sqrt(variance / kSamples));
  EXPECT_NEAR(sample_variance / variance, 1, 0.03) << "variance " << sample_variance;
}

TEST_P(GeometricDistributionTest, ProbabilitiesMatchAndNeighboursStayWithinExpEpsilon) {
  const auto [epsilon, sensitivity] = GetParam();
  NoiseSource source = Source(NoiseContext({"pmf", std::to_string(epsilon)}));
  const double p = std::exp(-epsilon / sensitivity);
  std::map<int64_t, int> counts;
  for (int i = 0; i < kSamples; ++i) {
    ++counts[source.TwoSidedGeometric(epsilon, sensitivity)];
  }
  // Every value with an expected count of at least 2000: observed within 5 standard errors.
  std::vector<int64_t> checked;
  for (int64_t k = -1000; k <= 1000; ++k) {
    const double expected = kSamples * GeometricPmf(p, k);
    if (expected < 2000) {
      continue;
    }
    checked.push_back(k);
    EXPECT_NEAR(counts[k], expected, 5 * std::sqrt(expected)) << "k = " << k;
  }
  ASSERT_FALSE(checked.empty());
  // The privacy guarantee itself: P(X = k) / P(X = k + 1) is at most exp(epsilon / sensitivity)
  // (equal to it away from zero, where the distribution is symmetric). Tolerance: counts of at
  // least 2000 have a relative error of at most 2.2% each.
  for (size_t i = 0; i + 1 < checked.size(); ++i) {
    const int64_t k = checked[i];
    const double ratio = static_cast<double>(counts[k]) / counts[k + 1];
    const double bound = std::exp(epsilon / sensitivity);
    EXPECT_LE(std::max(ratio, 1 / ratio), bound * 1.12) << "k = " << k;
    if (k >= 0) {
      EXPECT_NEAR(std::log(ratio), epsilon / sensitivity, 0.12) << "k = " << k;
    }
  }
}

TEST_P(GeometricDistributionTest, HalfWidthCoversNinetyFivePercent) {
  const auto [epsilon, sensitivity] = GetParam();
  const double p = std::exp(-epsilon / sensitivity);
  const auto m =
      static_cast<int64_t>(NoiseHalfWidth(NoiseMechanism::kGeometric, epsilon, sensitivity));
  auto coverage = [&](int64_t width) {
    double total = 0;
    for (int64_t k = -width; k <= width; ++k) {
      total += GeometricPmf(p, k);
    }
    return total;
  };
  EXPECT_GE(coverage(m), 0.95);
  if (m > 0) {
    EXPECT_LT(coverage(m - 1), 0.95);
  }
  NoiseSource source = Source(NoiseContext({"coverage", std::to_string(epsilon)}));
  int inside = 0;
  for (int i = 0; i < kSamples / 4; ++i) {
    inside += std::abs(source.TwoSidedGeometric(epsilon, sensitivity)) <= m ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(inside) / (kSamples / 4), coverage(m), 0.005);
}

INSTANTIATE_TEST_SUITE_P(Parameters, GeometricDistributionTest,
                         ::testing::Values(GeometricCase{1.0, 1}, GeometricCase{0.1, 1},
                                           GeometricCase{0.5, 2}, GeometricCase{0.3, 1},
                                           GeometricCase{3.0, 1}));

TEST(NoiseHalfWidthTest, KnownValues) {
  // p = e^-1: P(|X| > m) = 2 p^(m+1) / (1 + p) = 0.198, 0.073, 0.027 for m = 1, 2, 3.
  EXPECT_EQ(NoiseHalfWidth(NoiseMechanism::kGeometric, 1, 1), 3);
  EXPECT_EQ(NoiseHalfWidth(NoiseMechanism::kGeometric, 10, 1), 0);
  EXPECT_NEAR(NoiseHalfWidth(NoiseMechanism::kLaplace, 1, 1), std::log(20.0), 1e-12);
  EXPECT_NEAR(NoiseHalfWidth(NoiseMechanism::kLaplace, 0.1, 2), 20 * std::log(20.0), 1e-9);
  EXPECT_NEAR(NoiseHalfWidth(NoiseMechanism::kLaplace, 1, 1, 0.5), std::log(2.0), 1e-12);
  // Noisier answers get wider intervals.
  EXPECT_GT(NoiseHalfWidth(NoiseMechanism::kGeometric, 0.1, 1),
            NoiseHalfWidth(NoiseMechanism::kGeometric, 1, 1));
  EXPECT_GT(NoiseHalfWidth(NoiseMechanism::kGeometric, 1, 2),
            NoiseHalfWidth(NoiseMechanism::kGeometric, 1, 1));
}

TEST(LaplaceDistributionTest, MomentsMatch) {
  for (const auto& [epsilon, sensitivity] :
       {std::pair{1.0, 1.0}, std::pair{0.1, 1.0}, std::pair{0.5, 3.0}}) {
    NoiseSource source = Source(NoiseContext({"laplace", std::to_string(epsilon)}));
    const double scale = sensitivity / epsilon;
    double sum = 0;
    double sum_abs = 0;
    double sum_squares = 0;
    int beyond_half_width = 0;
    const double half_width = NoiseHalfWidth(NoiseMechanism::kLaplace, epsilon, sensitivity);
    for (int i = 0; i < kSamples; ++i) {
      const double x = source.Laplace(epsilon, sensitivity);
      sum += x;
      sum_abs += std::abs(x);
      sum_squares += x * x;
      beyond_half_width += std::abs(x) > half_width ? 1 : 0;
    }
    // Mean: sd sqrt(2) b; mean absolute deviation: sd b; so 5 standard errors each.
    EXPECT_NEAR(sum / kSamples, 0, 5 * std::sqrt(2.0) * scale / std::sqrt(kSamples));
    EXPECT_NEAR(sum_abs / kSamples / scale, 1, 5 / std::sqrt(kSamples));
    EXPECT_NEAR(sum_squares / kSamples / (2 * scale * scale), 1, 0.03);
    EXPECT_NEAR(static_cast<double>(beyond_half_width) / kSamples, 0.05, 0.003);
  }
}

TEST(LaplaceDistributionTest, NeighbouringDensitiesStayWithinExpEpsilon) {
  // Histogram in bins of width sensitivity: the mass of neighbouring bins away from zero differs
  // by exactly exp(epsilon) for Laplace.
  const double epsilon = 0.5;
  NoiseSource source = Source("laplace-ratio");
  std::map<int64_t, int> bins;
  for (int i = 0; i < kSamples; ++i) {
    ++bins[static_cast<int64_t>(std::floor(source.Laplace(epsilon, 1)))];
  }
  for (int64_t k = -4; k < 4; ++k) {
    const double ratio = static_cast<double>(bins[k]) / bins[k + 1];
    EXPECT_LE(std::max(ratio, 1 / ratio), std::exp(epsilon) * 1.08) << "k = " << k;
    if (k >= 0) {
      EXPECT_NEAR(std::log(ratio), epsilon, 0.08) << "k = " << k;
    }
  }
}

}  // namespace
}  // namespace confide::privacy
