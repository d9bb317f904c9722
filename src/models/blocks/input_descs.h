#pragma once
// Descriptions of the inputs families declare (InputDesc), with the symbolic batch dim first.
#include <cstdint>
#include <string>
#include <vector>

#include "models/family.h"

namespace accelbench::models::blocks {

// Token ids (or labels) [batch, <seq_symbol>] with ids in [0, vocab).
InputDesc TokenIds(const std::string& name, const Workload& w, const std::string& seq_symbol,
                   int64_t seq, int64_t vocab, InputKind kind = InputKind::kTokenIds);

// A float input [batch, <static dims...>] of the given kind.
InputDesc FloatInput(const std::string& name, const Workload& w, std::vector<Dim> rest,
                     InputKind kind);

}  // namespace accelbench::models::blocks
