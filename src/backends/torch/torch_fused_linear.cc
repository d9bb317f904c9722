// Issue 13: projections sharing an input run as one linear (TorchOps::FuseLinearGroups), and
// every linear through the GEMM tuner where one is set (gemm_tune=on, torch_gemm_tune.h).
#include "backends/torch/torch_ops.h"

namespace accelbench::backends::torch_backend {

using models::Tensor;

int TorchOps::FuseLinearGroups(const std::vector<models::LinearGroup>& groups) {
  int fused = 0;
  for (const auto& g : groups) {
    std::vector<at::Tensor> ws;
    bool ok = g.weights.size() >= 2 && g.weights.size() == g.biases.size();
    for (size_t i = 0; ok && i < g.weights.size(); ++i) {
      auto w = params_.find(g.weights[i]);
      ok = w != params_.end() && w->second.dim() == 2 && !w->second.requires_grad() &&
           fused_member_.count(w->second.data_ptr()) == 0 &&
           (ws.empty() || ws.front().size(1) == w->second.size(1));  // one input width
      if (ok) ws.push_back(w->second);
      if (ok && !g.biases[i].empty()) {
        auto b = params_.find(g.biases[i]);
        ok = b != params_.end() && b->second.dim() == 1 && b->second.size(0) == ws.back().size(0) &&
             !b->second.requires_grad();
      }
    }
    if (!ok) continue;
    FusedGroup f;
    f.weight = at::cat(ws, 0);
    std::vector<at::Tensor> bs;
    bool any_bias = false;
    int64_t off = 0;
    for (size_t i = 0; i < ws.size(); ++i) {
      const int64_t rows = ws[i].size(0);
      f.offset.push_back(off);
      f.rows.push_back(rows);
      f.has_bias.push_back(!g.biases[i].empty());
      any_bias = any_bias || f.has_bias.back();
      bs.push_back(f.has_bias.back() ? params_.at(g.biases[i])
                                     : at::zeros({rows}, ws[i].options()));
      off += rows;
    }
    if (any_bias) f.bias = at::cat(bs, 0);
    const size_t index = fused_.size();
    for (size_t i = 0; i < ws.size(); ++i) {  // the parameters become views of the concatenation
      at::Tensor view = f.weight.narrow(0, f.offset[i], f.rows[i]);
      params_[g.weights[i]] = view;
      fused_member_[view.data_ptr()] = {index, i};
      if (f.has_bias[i]) params_[g.biases[i]] = f.bias.narrow(0, f.offset[i], f.rows[i]);
    }
    fused_.push_back(std::move(f));
    ++fused;
  }
  return fused;
}

Tensor TorchOps::Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  const at::Tensor& wt = Unwrap(w);
  if (!fused_member_.empty()) {
    auto m = fused_member_.find(wt.data_ptr());
    if (m != fused_member_.end()) {
      const auto [gi, mi] = m->second;
      const FusedGroup& g = fused_[gi];
      // The call must be the grouped projection itself: its weight view, its bias view or none.
      const bool same_bias =
          g.has_bias[mi]
              ? b && Unwrap(b).data_ptr() == g.bias.narrow(0, g.offset[mi], g.rows[mi]).data_ptr()
              : !b;
      if (wt.size(0) == g.rows[mi] && same_bias) {
        if (fused_out_.input.impl() != x.impl() || fused_out_.group != gi) {
          const at::Tensor& xt = Unwrap(x);
          fused_out_ = {x, gi, LinearKernel(xt, g.weight, g.bias), 0};
        }
        Tensor y = Wrap(fused_out_.out.narrow(-1, g.offset[mi], g.rows[mi]));
        // Every member served: let go (the slices handed out keep what they need alive).
        if (++fused_out_.served == g.rows.size()) fused_out_ = {};
        return y;
      }
    }
  }
  return Wrap(LinearKernel(Unwrap(x), wt, b ? Unwrap(b) : at::Tensor()));
}

at::Tensor TorchOps::LinearKernel(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  if (gemm_tuner_) {
    at::Tensor y = gemm_tuner_->Linear(x, w, b);
    if (y.defined()) return y;
  }
  return at::linear(x, w, b.defined() ? c10::optional<at::Tensor>(b) : c10::optional<at::Tensor>());
}

}  // namespace accelbench::backends::torch_backend
