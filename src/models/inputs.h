#pragma once
// Seeded host-side input data per modality (token ids + masks, images, waveforms, features,
// labels). Runtimes copy these into their own tensors, so every runtime sees the same inputs.
#include <cstdint>
#include <vector>

#include "models/family.h"

namespace accelbench::models {

struct HostTensor {
  DType dtype = DType::kFloat;
  std::vector<int64_t> shape;
  std::vector<float> f;    // kFloat
  std::vector<int64_t> i;  // kInt64 / kBool (0/1)
};

// Concrete shape of an input (symbolic dims take their sizes).
std::vector<int64_t> ConcreteShape(const InputDesc& d);

HostTensor GenerateInput(const InputDesc& d, uint64_t seed);
std::map<std::string, HostTensor, std::less<>> GenerateInputs(const std::vector<InputDesc>& ds,
                                                              uint64_t seed);

}  // namespace accelbench::models
