#include "models/families/causal_lm.h"

#include <string>

#include "core/errors.h"
#include "models/families/llm_blocks.h"

namespace accelbench::models {
namespace {

using llm::Dense;

class CausalLm final : public Family {
 public:
  CausalLm(FamilyInfo info, std::vector<Preset> presets)
      : info_(std::move(info)), presets_(std::move(presets)) {}

  const FamilyInfo& Info() const override { return info_; }
  std::vector<Preset> Presets() const override { return presets_; }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    Validate(cfg);
    if (w.seq_len <= 0) throw UsageError(info_.name + ": sequence length must be positive");
    const int64_t vocab = cfg.Int("vocab_size");
    std::vector<InputDesc> v{llm::TokenIds("input_ids", w, "seq", w.seq_len, vocab)};
    // Labels are the next-token targets aligned with the positions (labels[t] = token t+1,
    // shifted by the data pipeline), so the loss is a plain cross-entropy over [B, S].
    if (mode == Mode::kTraining)
      v.push_back(llm::TokenIds("labels", w, "seq", w.seq_len, vocab, InputKind::kLabels));
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    return {{"logits", Run(ops, cfg, llm::Require(in, "input_ids", info_.name), nullptr)}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor logits = Run(ops, cfg, llm::Require(in, "input_ids", info_.name), nullptr);
    return ops.CrossEntropy(logits, llm::Require(in, "labels", info_.name));
  }

  Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const override {
    st = DecodeState{};
    return Run(ops, cfg, llm::Require(in, "input_ids", info_.name), &st);
  }

  Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const override {
    if (st.k.empty()) throw RuntimeError(info_.name + ": Decode called before Prefill");
    return Run(ops, cfg, ids, &st);
  }

 private:
  void Validate(const Config& cfg) const {
    llm::RequireDivisible(cfg, "hidden_size", "num_heads");
    llm::RequireDivisible(cfg, "num_heads", "num_kv_heads");
    for (auto key : {"vocab_size", "intermediate_size", "num_layers"})
      llm::RequirePositive(cfg, key);
  }

  // Runs the decoder over `ids` [B, S]. With a state, positions start at st->length, keys and
  // values are appended to its cache and st->length advances by S; without one (full forward)
  // positions start at 0 and nothing is cached.
  Tensor Run(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState* st) const {
    Validate(cfg);
    const int64_t hidden = cfg.Int("hidden_size");
    const int64_t inter = cfg.Int("intermediate_size");
    const int64_t heads = cfg.Int("num_heads");
    const int64_t kv_heads = cfg.Int("num_kv_heads");
    const int64_t head_dim = hidden / heads;
    const int64_t vocab = cfg.Int("vocab_size");
    const auto eps = static_cast<float>(cfg.Real("rms_norm_eps"));
    const auto theta = static_cast<float>(cfg.Real("rope_theta"));
    const auto std = static_cast<float>(cfg.Real("initializer_range"));
    const bool qkv_bias = cfg.Bool("qkv_bias");
    const int64_t offset = st ? st->length : 0;

    Tensor embed = ops.Param("model.embed_tokens.weight", {vocab, hidden}, WeightInit::Normal(std));
    Tensor x = ops.Embedding(embed, ids);
    const int64_t layers = cfg.Int("num_layers");
    for (int64_t l = 0; l < layers; ++l) {
      const std::string p = "model.layers." + std::to_string(l);
      // Self-attention (grouped-query: kv_heads <= heads; Attention repeats K/V heads).
      Tensor h = ops.RmsNorm(
          x, ops.Param(p + ".input_layernorm.weight", {hidden}, WeightInit::Ones()), eps);
      Tensor q = Dense(ops, h, p + ".self_attn.q_proj", heads * head_dim, hidden, qkv_bias, std);
      Tensor k = Dense(ops, h, p + ".self_attn.k_proj", kv_heads * head_dim, hidden, qkv_bias, std);
      Tensor v = Dense(ops, h, p + ".self_attn.v_proj", kv_heads * head_dim, hidden, qkv_bias, std);
      q = ops.Rotary(llm::SplitHeads(ops, q, heads, head_dim), offset, theta);
      k = ops.Rotary(llm::SplitHeads(ops, k, kv_heads, head_dim), offset, theta);
      v = llm::SplitHeads(ops, v, kv_heads, head_dim);
      if (st) llm::AppendToCache(ops, *st, static_cast<size_t>(l), k, v);
      AttentionOptions opt;
      opt.causal = true;  // over the last Sq positions of the (cached) keys
      Tensor a = llm::MergeHeads(ops, ops.Attention(q, k, v, opt), heads, head_dim);
      x = ops.Add(x, Dense(ops, a, p + ".self_attn.o_proj", hidden, heads * head_dim, false, std));
      // SiLU-gated MLP.
      h = ops.RmsNorm(
          x, ops.Param(p + ".post_attention_layernorm.weight", {hidden}, WeightInit::Ones()), eps);
      Tensor gate = ops.Act(Dense(ops, h, p + ".mlp.gate_proj", inter, hidden, false, std),
                            Activation::kSilu);
      Tensor up = Dense(ops, h, p + ".mlp.up_proj", inter, hidden, false, std);
      x = ops.Add(x,
                  Dense(ops, ops.Mul(gate, up), p + ".mlp.down_proj", hidden, inter, false, std));
    }
    x = ops.RmsNorm(x, ops.Param("model.norm.weight", {hidden}, WeightInit::Ones()), eps);
    Tensor head = cfg.Bool("tie_word_embeddings")
                      ? embed
                      : ops.Param("lm_head.weight", {vocab, hidden}, WeightInit::Normal(std));
    if (st) st->length += ops.SizeOf(ids, 1);
    return ops.Linear(x, head);
  }

  FamilyInfo info_;
  std::vector<Preset> presets_;
};

}  // namespace

std::unique_ptr<Family> MakeCausalLm(FamilyInfo info, std::vector<Preset> presets) {
  return std::make_unique<CausalLm>(std::move(info), std::move(presets));
}

}  // namespace accelbench::models
