#include "models/families/causal_lm.h"

#include <string>

#include "core/errors.h"
#include "models/blocks/checks.h"
#include "models/blocks/input_descs.h"
#include "models/blocks/llama_decoder.h"

namespace accelbench::models {
namespace {

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
    std::vector<InputDesc> v{blocks::TokenIds("input_ids", w, "seq", w.seq_len, vocab)};
    // Labels are the next-token targets aligned with the positions (labels[t] = token t+1,
    // shifted by the data pipeline), so the loss is a plain cross-entropy over [B, S].
    if (mode == Mode::kTraining)
      v.push_back(blocks::TokenIds("labels", w, "seq", w.seq_len, vocab, InputKind::kLabels));
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    return {{"logits", Run(ops, cfg, blocks::Require(in, "input_ids", info_.name), nullptr)}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor logits = Run(ops, cfg, blocks::Require(in, "input_ids", info_.name), nullptr);
    return ops.CrossEntropy(logits, blocks::Require(in, "labels", info_.name));
  }

  Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const override {
    st = DecodeState{};
    return Run(ops, cfg, blocks::Require(in, "input_ids", info_.name), &st);
  }

  Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const override {
    if (st.k.empty()) throw RuntimeError(info_.name + ": Decode called before Prefill");
    return Run(ops, cfg, ids, &st);
  }

 private:
  void Validate(const Config& cfg) const {
    blocks::RequireDivisible(cfg, "hidden_size", "num_heads");
    blocks::RequireDivisible(cfg, "num_heads", "num_kv_heads");
    for (auto key : {"vocab_size", "intermediate_size", "num_layers"})
      blocks::RequirePositive(cfg, key);
  }

  // Runs the decoder over `ids` [B, S]. With a state, positions start at st->length, keys and
  // values are appended to its cache and st->length advances by S; without one (full forward)
  // positions start at 0 and nothing is cached.
  Tensor Run(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState* st) const {
    Validate(cfg);
    const auto d = blocks::DecoderDims::FromConfig(cfg);
    Tensor embed =
        ops.Param("model.embed_tokens.weight", {d.vocab, d.hidden}, WeightInit::Normal(d.std));
    // Decoder layers + final norm (blocks/llama_decoder.h; advances st->length).
    Tensor x = blocks::LlamaDecoderStack(ops, ops.Embedding(embed, ids), "model", d, st);
    Tensor head = cfg.Bool("tie_word_embeddings")
                      ? embed
                      : ops.Param("lm_head.weight", {d.vocab, d.hidden}, WeightInit::Normal(d.std));
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
