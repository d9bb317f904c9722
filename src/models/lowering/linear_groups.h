#pragma once
// Issue 13: linear projections that read the same tensor (attention q/k/v, cross-attention k/v,
// LLaMA's gate/up), found in a shapes-only trace. An eager lowering can run each group as one
// wider matrix multiply (one kernel instead of two or three, better GPU occupancy at small
// batch) and hand each caller its slice; the arithmetic of every output element is unchanged.
#include <string>
#include <vector>

#include "models/lowering/meta_ops.h"

namespace accelbench::models {

struct LinearGroup {
  std::vector<std::string> weights;  // parameter names, in call order
  std::vector<std::string> biases;   // parallel to weights; "" for a projection without bias
};

// Groups of >= 2 consecutive Linear calls (other ops may come between them, no other Linear)
// on one input tensor with distinct parameter weights: the projections of one block, so the
// fused output lives no longer than the separate ones would (the cross-attention K/V of
// different decoder layers, all on the encoder output, stay separate groups). A weight that
// also appears in a different group, on its own, or with two different biases is left out, so
// each weight belongs to at most one group. Identical groups from repeated calls (a block
// applied twice) are reported once.
std::vector<LinearGroup> SharedInputLinearGroups(const std::vector<MetaOps::LinearCall>& calls);

}  // namespace accelbench::models
