#include "models/weights.h"

#include <cmath>

#include "core/errors.h"

namespace accelbench::models {

uint64_t SeededRng::NextU64() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double SeededRng::Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

float SeededRng::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = Uniform(), u2 = Uniform();
  if (u1 < 1e-300) u1 = 1e-300;
  double r = std::sqrt(-2.0 * std::log(u1));
  double t = 2.0 * M_PI * u2;
  spare_ = static_cast<float>(r * std::sin(t));
  has_spare_ = true;
  return static_cast<float>(r * std::cos(t));
}

int64_t SeededRng::Below(int64_t n) {
  return static_cast<int64_t>(NextU64() % static_cast<uint64_t>(n));
}

uint64_t HashName(uint64_t seed, const std::string& name) {
  uint64_t h = 1469598103934665603ull ^ seed;  // FNV-1a
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

int64_t Numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto d : shape)
    if (__builtin_mul_overflow(n, d, &n))  // a config set to absurd sizes (--set): not a wrap
      throw UsageError(
          "a tensor of this model config would have more than 2^63 elements; the "
          "config's sizes are too large");
  return n;
}

void GenerateWeightInto(uint64_t seed, const std::string& name, const std::vector<int64_t>& shape,
                        const WeightInit& init, float* out) {
  const int64_t n = Numel(shape);
  switch (init.kind) {
    case WeightInit::Kind::kZeros:
      for (int64_t i = 0; i < n; ++i) out[i] = 0.f;
      return;
    case WeightInit::Kind::kOnes:
      for (int64_t i = 0; i < n; ++i) out[i] = 1.f;
      return;
    case WeightInit::Kind::kConstant:
      for (int64_t i = 0; i < n; ++i) out[i] = init.value;
      return;
    case WeightInit::Kind::kNormal: {
      SeededRng rng(HashName(seed, name));
      for (int64_t i = 0; i < n; ++i) out[i] = rng.Normal() * init.value;
      return;
    }
  }
}

std::vector<float> GenerateWeight(uint64_t seed, const std::string& name,
                                  const std::vector<int64_t>& shape, const WeightInit& init) {
  std::vector<float> v(static_cast<size_t>(Numel(shape)));
  GenerateWeightInto(seed, name, shape, init, v.data());
  return v;
}

}  // namespace accelbench::models
