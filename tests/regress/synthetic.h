#pragma once
// Synthetic latency samples with realistic noise for the regress tests: a lognormal body (CV
// ~3%), a per-run offset (run-to-run drift, ~1%), and rare slow outliers (1% of the samples
// 1.5-4x slower: preemption, page faults). Seeded: every test is deterministic.
#include <cmath>
#include <random>
#include <vector>

namespace accelbench::regress::testing {

struct Noise {
  double within_sigma = 0.03;  // lognormal sigma of one sample
  double run_sigma = 0.01;     // lognormal sigma of a run's level
  double outlier_rate = 0.01;
};

inline std::vector<double> RunSamples(std::mt19937_64& rng, double median_ms, size_t n,
                                      const Noise& noise = {}) {
  std::normal_distribution<double> run_level(0, noise.run_sigma), body(0, noise.within_sigma);
  std::uniform_real_distribution<double> u(0, 1), slow(1.5, 4.0);
  const double level = median_ms * std::exp(run_level(rng));
  std::vector<double> s(n);
  for (auto& v : s) {
    v = level * std::exp(body(rng));
    if (u(rng) < noise.outlier_rate) v *= slow(rng);
  }
  return s;
}

}  // namespace accelbench::regress::testing
