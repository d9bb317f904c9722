// Facade overhead: the reference bert and vit presets at batch 1 and 8 through the model facade
// (TorchOps, the libtorch lowering) and through plain libtorch torch::nn code written the obvious
// way, with the same seeded weights, side by side. Target: the facade costs <= 3% more.
//
// Usage: bench_facade_overhead [iterations=5] [threads=all]
// Runs alternate (facade, direct, facade, direct, ...) after one warm-up each; prints the median
// and min of each and the ratio of medians. fp32 on CPU, inference mode.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "backends/torch/torch_ops.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/weights.h"

namespace {

using accelbench::backends::torch_backend::TorchOps;
namespace models = accelbench::models;

struct Layer {
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr}, fc1{nullptr}, fc2{nullptr};
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
};

// Plain libtorch encoder with torch::nn modules; weights copied from the facade's parameters.
struct Direct {
  bool bert = true;
  int64_t hidden = 768, heads = 12;
  torch::nn::Embedding word{nullptr}, pos{nullptr}, type{nullptr};
  torch::nn::Conv2d patch{nullptr};
  torch::Tensor cls, pos_vit;
  torch::nn::LayerNorm emb_ln{nullptr}, final_ln{nullptr};
  std::vector<Layer> layers;
  torch::nn::Linear pooler{nullptr};

  torch::Tensor Attention(Layer& l, const torch::Tensor& x, const torch::Tensor& mask) {
    const int64_t b = x.size(0), s = x.size(1), d = hidden / heads;
    auto split = [&](const torch::Tensor& t) { return t.view({b, s, heads, d}).transpose(1, 2); };
    auto q = split(l.q(x)), k = split(l.k(x)), v = split(l.v(x));
    auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
    if (mask.defined()) scores = scores + (1 - mask.view({b, 1, 1, s}).to(torch::kFloat)) * -1e9;
    auto ctx = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({b, s, hidden});
    return l.o(ctx);
  }

  torch::Tensor Forward(const torch::Tensor& in, const torch::Tensor& mask) {
    torch::Tensor x;
    if (bert) {
      auto positions = torch::arange(in.size(1), torch::kLong);
      x = emb_ln(word(in) + pos(positions) + type->weight.slice(0, 0, 1));
      for (auto& l : layers) {
        x = l.ln1(x + Attention(l, x, mask));
        x = l.ln2(x + l.fc2(torch::gelu(l.fc1(x))));
      }
    } else {
      x = patch(in).flatten(2).transpose(1, 2);
      x = torch::cat({cls.expand({x.size(0), -1, -1}), x}, 1) + pos_vit;
      for (auto& l : layers) {
        x = x + Attention(l, l.ln1(x), {});
        x = x + l.fc2(torch::gelu(l.fc1(l.ln2(x))));
      }
      x = final_ln(x);
    }
    return torch::tanh(pooler(x.select(1, 0)));
  }
};

torch::nn::Linear MakeLinear(TorchOps& ops, const std::string& p, int64_t out, int64_t in) {
  torch::nn::Linear l(in, out);
  l->weight.set_data(TorchOps::Unwrap(ops.Param(p + ".weight", {out, in}, {})).clone());
  l->bias.set_data(TorchOps::Unwrap(ops.Param(p + ".bias", {out}, {})).clone());
  return l;
}
torch::nn::LayerNorm MakeNorm(TorchOps& ops, const std::string& p, int64_t dim, double eps) {
  torch::nn::LayerNorm n(torch::nn::LayerNormOptions({dim}).eps(eps));
  n->weight.set_data(TorchOps::Unwrap(ops.Param(p + ".weight", {dim}, {})).clone());
  n->bias.set_data(TorchOps::Unwrap(ops.Param(p + ".bias", {dim}, {})).clone());
  return n;
}
torch::Tensor P(TorchOps& ops, const std::string& name, std::vector<int64_t> shape) {
  return TorchOps::Unwrap(ops.Param(name, shape, {})).clone();
}

Direct BuildDirect(TorchOps& ops, bool bert, const models::Config& cfg) {
  Direct d;
  d.bert = bert;
  d.hidden = cfg.Int("hidden_size");
  d.heads = cfg.Int("num_heads");
  const int64_t h = d.hidden, inter = cfg.Int("intermediate_size");
  const double eps = cfg.Real("layer_norm_eps");
  if (bert) {
    d.word = torch::nn::Embedding(cfg.Int("vocab_size"), h);
    d.word->weight.set_data(
        P(ops, "embeddings.word_embeddings.weight", {cfg.Int("vocab_size"), h}));
    d.pos = torch::nn::Embedding(cfg.Int("max_position_embeddings"), h);
    d.pos->weight.set_data(
        P(ops, "embeddings.position_embeddings.weight", {cfg.Int("max_position_embeddings"), h}));
    d.type = torch::nn::Embedding(2, h);
    d.type->weight.set_data(P(ops, "embeddings.token_type_embeddings.weight", {2, h}));
    d.emb_ln = MakeNorm(ops, "embeddings.LayerNorm", h, eps);
  } else {
    const int64_t patch = cfg.Int("patch_size"), grid = cfg.Int("image_size") / patch;
    d.patch = torch::nn::Conv2d(torch::nn::Conv2dOptions(3, h, patch).stride(patch));
    d.patch->weight.set_data(
        P(ops, "embeddings.patch_embeddings.projection.weight", {h, 3, patch, patch}));
    d.patch->bias.set_data(P(ops, "embeddings.patch_embeddings.projection.bias", {h}));
    d.cls = P(ops, "embeddings.cls_token", {1, 1, h});
    d.pos_vit = P(ops, "embeddings.position_embeddings", {1, grid * grid + 1, h});
    d.final_ln = MakeNorm(ops, "layernorm", h, eps);
  }
  for (int64_t i = 0; i < cfg.Int("num_layers"); ++i) {
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    const std::string a = bert ? "attention.self." : "attention.attention.";
    Layer l;
    l.q = MakeLinear(ops, p + a + "query", h, h);
    l.k = MakeLinear(ops, p + a + "key", h, h);
    l.v = MakeLinear(ops, p + a + "value", h, h);
    l.o = MakeLinear(ops, p + "attention.output.dense", h, h);
    l.fc1 = MakeLinear(ops, p + "intermediate.dense", inter, h);
    l.fc2 = MakeLinear(ops, p + "output.dense", h, inter);
    l.ln1 = MakeNorm(ops, p + (bert ? "attention.output.LayerNorm" : "layernorm_before"), h, eps);
    l.ln2 = MakeNorm(ops, p + (bert ? "output.LayerNorm" : "layernorm_after"), h, eps);
    d.layers.push_back(l);
  }
  d.pooler = MakeLinear(ops, "pooler.dense", h, h);
  return d;
}

double Seconds(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void Compare(const std::string& name, int64_t batch, int iters) {
  const models::Family& f = models::FindFamily(name);
  const models::Config cfg = f.ReferencePreset().config;
  models::Workload w;
  w.batch = batch;
  w.seq_len = 128;
  const auto descs = f.InputsFor(cfg, w, accelbench::Mode::kInference);
  const auto host = models::GenerateInputs(descs, 1);
  torch::NoGradGuard guard;  // both paths alike (InferenceMode would forbid building nn modules)
  TorchOps ops(c10::kCPU, torch::kFloat, models::kDefaultSeed, false);
  std::map<std::string, torch::Tensor> inputs;
  for (const auto& [n, h] : host) {
    torch::Tensor t =
        h.dtype == models::DType::kFloat
            ? torch::from_blob(const_cast<float*>(h.f.data()), h.shape).clone()
            : torch::from_blob(const_cast<int64_t*>(h.i.data()), h.shape, torch::kLong).clone();
    inputs[n] = t;
    ops.BindInput(n, t);
  }
  auto facade = [&] {
    models::Inputs in;
    for (const auto& d : descs) in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
    return TorchOps::Unwrap(f.Forward(ops, cfg, in).at("pooler_output"));
  };
  torch::Tensor ref = facade();  // also materialises the weights
  Direct direct = BuildDirect(ops, name == "bert", cfg);
  const bool bert = name == "bert";
  auto plain = [&] {
    return bert ? direct.Forward(inputs.at("input_ids"), inputs.at("attention_mask"))
                : direct.Forward(inputs.at("pixel_values"), {});
  };
  const double diff = (plain() - ref).abs().max().item<double>();
  std::vector<double> tf, td;
  for (int i = 0; i < iters; ++i) {
    tf.push_back(Seconds([&] { facade(); }));
    td.push_back(Seconds([&] { plain(); }));
  }
  const double mf = Median(tf), md = Median(td);
  std::printf(
      "%-5s batch %-2ld  facade median %8.1f ms (min %8.1f)  direct median %8.1f ms (min %8.1f)  "
      "facade/direct %.3f  max|diff| %.2e\n",
      name.c_str(), static_cast<long>(batch), mf * 1e3,
      *std::min_element(tf.begin(), tf.end()) * 1e3, md * 1e3,
      *std::min_element(td.begin(), td.end()) * 1e3, mf / md, diff);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const int iters = argc > 1 ? std::atoi(argv[1]) : 5;
  const int threads =
      argc > 2 ? std::atoi(argv[2]) : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(threads);
  std::printf("libtorch %s, %d threads, fp32 CPU, seq 128 (bert), %d timed iterations each\n",
              TORCH_VERSION, torch::get_num_threads(), iters);
  for (const char* f : {"bert", "vit"})
    for (int64_t b : {1, 8}) Compare(f, b, iters);
  return 0;
}
