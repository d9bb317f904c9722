#pragma once
// One-call helpers for tests and other lowerings (e.g. comparing ONNX Runtime against libtorch).
// Torch-free header: callers link accelbench_torch but never see torch headers.
#include <cstdint>
#include <map>
#include <string>

#include "core/enums.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/weights.h"

namespace accelbench::backends {

// Runs the family's full forward (inference mode) on libtorch with the seeded weights and the
// given host inputs; returns every named output as an fp32 (or int64) host tensor. Throws
// UsageError for inputs of the wrong shape (naming the expected one) and UnsupportedError for a
// precision the device cannot run.
std::map<std::string, models::HostTensor> RunForward(
    const models::Family& family, const models::Config& cfg,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs, Precision precision,
    const std::string& device = "cpu", uint64_t seed = models::kDefaultSeed);

// Generative families: prefill the prompt made of the first `prefix` positions of input
// `ids_input` (and of every input sharing its sequence dim), then decode the remaining positions
// one token at a time (teacher forcing). Returns logits [B, S, V] (prefill and decode
// concatenated), to compare against RunForward's "logits". Issue 13: `static_kv_spare` >= 0
// decodes with the static KV cache (torch_static_kv.h) sized for the remaining tokens plus that
// many unused positions (which attention must mask); -1 (default): the concatenating cache.
models::HostTensor RunPrefillDecode(
    const models::Family& family, const models::Config& cfg,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const std::string& ids_input, int64_t prefix, Precision precision,
    const std::string& device = "cpu", uint64_t seed = models::kDefaultSeed,
    int64_t static_kv_spare = -1);

}  // namespace accelbench::backends
