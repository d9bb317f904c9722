#pragma once
// Seeded, runtime-independent weight values: every lowering asks here, so identical seeds give
// identical weights on libtorch, ONNX and the browser.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ops.h"

namespace accelbench::models {

inline constexpr uint64_t kDefaultSeed = 20261127;

// Values of parameter `name` (row-major, fp32). Depends only on (seed, name, shape, init).
std::vector<float> GenerateWeight(uint64_t seed, const std::string& name,
                                  const std::vector<int64_t>& shape, const WeightInit& init);
// Same, into a caller buffer of Numel(shape) floats (no extra copy for large tensors).
void GenerateWeightInto(uint64_t seed, const std::string& name, const std::vector<int64_t>& shape,
                        const WeightInit& init, float* out);

int64_t Numel(const std::vector<int64_t>& shape);

// Deterministic generator used for weights and inputs: splitmix64 + Box-Muller.
class SeededRng {
 public:
  explicit SeededRng(uint64_t seed) : state_(seed) {}
  uint64_t NextU64();
  double Uniform();  // [0, 1)
  float Normal();
  int64_t Below(int64_t n);  // [0, n)

 private:
  uint64_t state_;
  bool has_spare_ = false;
  float spare_ = 0;
};

uint64_t HashName(uint64_t seed, const std::string& name);

}  // namespace accelbench::models
