#include "models/inputs.h"

#include <cmath>

#include "models/weights.h"

namespace accelbench::models {

std::vector<int64_t> ConcreteShape(const InputDesc& d) {
  std::vector<int64_t> s;
  for (const auto& dim : d.dims) s.push_back(dim.size);
  return s;
}

HostTensor GenerateInput(const InputDesc& d, uint64_t seed) {
  HostTensor t;
  t.dtype = d.dtype;
  t.shape = ConcreteShape(d);
  const int64_t n = Numel(t.shape);
  SeededRng rng(HashName(seed, "input:" + d.name));
  switch (d.kind) {
    case InputKind::kTokenIds:
    case InputKind::kLabels:
      t.i.resize(n);
      // Avoid ids 0..2 (pad/bos/eos in most vocabularies) so pooling by argmax stays at the end.
      for (auto& v : t.i) v = d.max_value > 8 ? 3 + rng.Below(d.max_value - 4) : rng.Below(std::max<int64_t>(d.max_value, 1));
      break;
    case InputKind::kAttentionMask:
      t.i.assign(n, 1);  // full sequences; padding is exercised by tests, not by benchmarks
      break;
    case InputKind::kAudioWaveform: {
      t.f.resize(n);
      // A mix of tones plus a little noise, in [-1, 1].
      const int64_t len = t.shape.back();
      for (int64_t k = 0; k < n; ++k) {
        double x = static_cast<double>(k % len) / 16000.0;
        t.f[k] = static_cast<float>(0.4 * std::sin(2 * M_PI * 440 * x) +
                                    0.2 * std::sin(2 * M_PI * 1250 * x) + 0.05 * rng.Normal());
      }
      break;
    }
    case InputKind::kImage:
    case InputKind::kFeatures:
      t.f.resize(n);
      for (auto& v : t.f) v = rng.Normal();
      break;
  }
  return t;
}

std::map<std::string, HostTensor, std::less<>> GenerateInputs(const std::vector<InputDesc>& ds,
                                                              uint64_t seed) {
  std::map<std::string, HostTensor, std::less<>> out;
  for (const auto& d : ds) out.emplace(d.name, GenerateInput(d, seed));
  return out;
}

}  // namespace accelbench::models
