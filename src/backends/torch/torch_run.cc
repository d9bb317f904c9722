#include "backends/torch/torch_run.h"

#include "backends/torch/torch_ops.h"
#include "backends/torch/torch_static_kv.h"
#include "backends/torch/torch_util.h"
#include "core/errors.h"

namespace accelbench::backends {

using torch_backend::TorchOps;

namespace {

// Binds host inputs and returns the facade inputs, validated against the family's descriptions
// (static dims must match; symbolic dims take the given sizes).
models::Inputs BindInputs(TorchOps& ops, const models::Family& family, const models::Config& cfg,
                          const std::map<std::string, models::HostTensor, std::less<>>& inputs) {
  models::Inputs in;
  for (const auto& d : family.InputsFor(cfg, models::Workload{}, Mode::kInference)) {
    auto it = inputs.find(d.name);
    if (it == inputs.end()) throw UsageError("missing model input '" + d.name + "'");
    ops.BindInput(d.name, torch_backend::ToTorch(it->second));
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  }
  return in;
}

}  // namespace

std::map<std::string, models::HostTensor> RunForward(
    const models::Family& family, const models::Config& cfg,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs, Precision precision,
    const std::string& device, uint64_t seed) {
  torch_backend::WarnIfNetlibBlas();
  const c10::Device dev = torch_backend::ParseDevice(device);
  TorchOps ops(dev, torch_backend::ResolveDtype(precision, dev), seed, false);
  c10::InferenceMode guard;
  auto in = BindInputs(ops, family, cfg, inputs);
  std::map<std::string, models::HostTensor> out;
  for (const auto& [name, t] : family.Forward(ops, cfg, in))
    out.emplace(name, torch_backend::ToHost(TorchOps::Unwrap(t)));
  return out;
}

models::HostTensor RunPrefillDecode(
    const models::Family& family, const models::Config& cfg,
    const std::map<std::string, models::HostTensor, std::less<>>& inputs,
    const std::string& ids_input, int64_t prefix, Precision precision, const std::string& device,
    uint64_t seed, int64_t static_kv_spare) {
  const c10::Device dev = torch_backend::ParseDevice(device);
  const auto dtype = torch_backend::ResolveDtype(precision, dev);
  c10::InferenceMode guard;
  const auto descs = family.InputsFor(cfg, models::Workload{}, Mode::kInference);
  std::string seq_symbol;
  for (const auto& d : descs)
    if (d.name == ids_input && d.dims.size() >= 2) seq_symbol = d.dims[1].symbol;
  if (seq_symbol.empty())
    throw UsageError("input '" + ids_input + "' has no symbolic sequence dim to decode along");
  const at::Tensor ids = torch_backend::ToTorch(inputs.at(ids_input));
  const int64_t total = ids.size(1);
  if (prefix < 1 || prefix >= total) throw UsageError("prefix must be in [1, seq)");
  std::unique_ptr<TorchOps> owned;
  torch_backend::StaticKvTorchOps* static_kv = nullptr;
  if (static_kv_spare >= 0) {
    auto s = std::make_unique<torch_backend::StaticKvTorchOps>(dev, dtype, seed,
                                                               total - prefix + static_kv_spare);
    static_kv = s.get();
    owned = std::move(s);
  } else {
    owned = std::make_unique<TorchOps>(dev, dtype, seed, false);
  }
  TorchOps& ops = *owned;
  models::Inputs in;
  for (const auto& d : descs) {
    auto it = inputs.find(d.name);
    if (it == inputs.end()) throw UsageError("missing model input '" + d.name + "'");
    at::Tensor t = torch_backend::ToTorch(it->second);
    if (d.dims.size() >= 2 && d.dims[1].symbol == seq_symbol) t = t.slice(1, 0, prefix);
    ops.BindInput(d.name, t);
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  }
  models::DecodeState st;
  if (static_kv) static_kv->SetPosition(0);
  std::vector<at::Tensor> logits{TorchOps::Unwrap(family.Prefill(ops, cfg, in, st))};
  for (int64_t p = prefix; p < total; ++p) {
    if (static_kv) static_kv->SetPosition(st.length);
    auto next = TorchOps::Wrap(ids.slice(1, p, p + 1).to(dev));
    logits.push_back(TorchOps::Unwrap(family.Decode(ops, cfg, next, st)));
  }
  return torch_backend::ToHost(at::cat(logits, 1));
}

}  // namespace accelbench::backends
