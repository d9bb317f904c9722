#include "models/blocks/input_descs.h"

namespace accelbench::models::blocks {

InputDesc TokenIds(const std::string& name, const Workload& w, const std::string& seq_symbol,
                   int64_t seq, int64_t vocab, InputKind kind) {
  InputDesc d;
  d.name = name;
  d.dtype = DType::kInt64;
  d.dims = {Dim::Symbolic("batch", w.batch), Dim::Symbolic(seq_symbol, seq)};
  d.kind = kind;
  d.max_value = vocab;
  return d;
}

InputDesc FloatInput(const std::string& name, const Workload& w, std::vector<Dim> rest,
                     InputKind kind) {
  InputDesc d;
  d.name = name;
  d.dtype = DType::kFloat;
  d.dims = {Dim::Symbolic("batch", w.batch)};
  d.dims.insert(d.dims.end(), rest.begin(), rest.end());
  d.kind = kind;
  return d;
}

}  // namespace accelbench::models::blocks
