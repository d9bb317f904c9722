// BERT (BertModel incl. pooler): post-LN encoder, GELU (erf), learned positions, token type 0,
// padding mask from attention_mask.
//
// Parameter count of bert-base-uncased (vocab 30522, hidden 768, 12 layers, intermediate 3072,
// 512 positions, 2 token types):
//   embeddings: 30522*768 + 512*768 + 2*768 + LayerNorm 2*768       =  23,837,184
//   per layer: q,k,v,o 4*(768*768+768) + LN 1536 + 768*3072+3072
//              + 3072*768+768 + LN 1536 = 7,087,872; x 12            =  85,054,464
//   pooler 768*768+768                                               =     590,592
//   total                                                            = 109,482,240
//
// TrainingLoss: masked-LM-style cross-entropy over every position, with logits through the tied
// word embeddings (no prediction-head transform), labels [batch, seq] in [0, vocab).
#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

class Bert : public Family {
 public:
  const FamilyInfo& Info() const override { return info_; }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t vocab, int64_t hidden, int64_t layers, int64_t heads, int64_t inter,
                     int64_t max_pos) {
      return Config{{"vocab_size", vocab},           {"hidden_size", hidden},
                    {"num_layers", layers},          {"num_heads", heads},
                    {"intermediate_size", inter},    {"max_position_embeddings", max_pos},
                    {"type_vocab_size", int64_t{2}}, {"layer_norm_eps", 1e-12},
                    {"initializer_range", 0.02}};
    };
    return {{"tiny", "2 layers, hidden 64, 4 heads, vocab 1000 (tests)",
             config(1000, 64, 2, 4, 128, 128), false},
            {"bert-base-uncased", "BERT-base: 12 layers, hidden 768, 12 heads, vocab 30522",
             config(30522, 768, 12, 12, 3072, 512), true}};
  }

  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    Check(cfg);
    if (w.seq_len > cfg.Int("max_position_embeddings"))
      throw UsageError("bert: seq " + std::to_string(w.seq_len) + " exceeds " +
                       "max_position_embeddings " +
                       std::to_string(cfg.Int("max_position_embeddings")));
    const std::vector<Dim> dims{Dim::Symbolic("batch", w.batch), Dim::Symbolic("seq", w.seq_len)};
    std::vector<InputDesc> out{
        {"input_ids", DType::kInt64, dims, InputKind::kTokenIds, cfg.Int("vocab_size")},
        {"attention_mask", DType::kInt64, dims, InputKind::kAttentionMask, 2}};
    if (mode == Mode::kTraining)
      out.push_back({"labels", DType::kInt64, dims, InputKind::kLabels, cfg.Int("vocab_size")});
    return out;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor x = Encode(ops, cfg, in);
    const int64_t h = cfg.Int("hidden_size");
    Tensor cls = ops.Reshape(ops.Slice(x, 1, 0, 1), {0, h});
    Tensor pooled =
        ops.Act(blocks::Dense(ops, cls, "pooler.dense", h, h, true, Std(cfg)), Activation::kTanh);
    ops.Output("last_hidden_state", x);
    ops.Output("pooler_output", pooled);
    return {{"last_hidden_state", x}, {"pooler_output", pooled}};
  }

  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor x = Encode(ops, cfg, in);
    Tensor logits = ops.Linear(x, WordEmbeddings(ops, cfg));
    return ops.CrossEntropy(logits, blocks::Require(in, "labels", "bert"));
  }

 private:
  static float Std(const Config& cfg) { return static_cast<float>(cfg.Real("initializer_range")); }
  static void Check(const Config& cfg) {
    blocks::RequireDivisible(cfg, "hidden_size", "num_heads");
    for (auto k : {"vocab_size", "num_layers", "intermediate_size", "max_position_embeddings",
                   "type_vocab_size"})
      blocks::RequirePositive(cfg, k);
  }
  static Tensor WordEmbeddings(Ops& ops, const Config& cfg) {
    return ops.Param("embeddings.word_embeddings.weight",
                     {cfg.Int("vocab_size"), cfg.Int("hidden_size")}, WeightInit::Normal(Std(cfg)));
  }

  Tensor Encode(Ops& ops, const Config& cfg, const Inputs& in) const {
    Check(cfg);
    const int64_t h = cfg.Int("hidden_size"), heads = cfg.Int("num_heads");
    const int64_t inter = cfg.Int("intermediate_size");
    const auto eps = static_cast<float>(cfg.Real("layer_norm_eps"));
    const float std = Std(cfg);
    const Tensor& ids = blocks::Require(in, "input_ids", "bert");
    const Tensor& mask = blocks::Require(in, "attention_mask", "bert");

    Tensor pos_table = ops.Param("embeddings.position_embeddings.weight",
                                 {cfg.Int("max_position_embeddings"), h}, WeightInit::Normal(std));
    Tensor type_table = ops.Param("embeddings.token_type_embeddings.weight",
                                  {cfg.Int("type_vocab_size"), h}, WeightInit::Normal(std));
    Tensor x = ops.Embedding(WordEmbeddings(ops, cfg), ids);
    x = ops.Add(x, ops.Embedding(pos_table, ops.Positions(ids, 1, 0)));
    x = ops.Add(x, ops.Slice(type_table, 0, 0, 1));  // token_type_ids = 0, as BertModel's default
    x = blocks::Norm(ops, x, "embeddings.LayerNorm", h, eps);

    for (int64_t i = 0; i < cfg.Int("num_layers"); ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      AttentionOptions opt;
      opt.key_padding_mask = mask;
      // The attention projections use initializer_range 0.02 whatever the config says.
      Tensor a = blocks::MultiHeadAttention(
          ops, x, x, x, p + "attention", {"self.query", "self.key", "self.value", "output.dense"},
          h, heads, 0.02f, opt);
      x = blocks::Norm(ops, ops.Add(x, a), p + "attention.output.LayerNorm", h, eps);
      Tensor m = ops.Act(blocks::Dense(ops, x, p + "intermediate.dense", inter, h, true, std),
                         Activation::kGelu);
      m = blocks::Dense(ops, m, p + "output.dense", h, inter, true, std);
      x = blocks::Norm(ops, ops.Add(x, m), p + "output.LayerNorm", h, eps);
    }
    return x;
  }

  FamilyInfo info_{
      "bert",          "BERT encoder: post-LN, GELU, learned positions, padding mask, pooler",
      Modality::kText, Architecture::kEncoder,
      false,           "BertModel"};
};

}  // namespace

std::unique_ptr<Family> MakeBert() { return std::make_unique<Bert>(); }

}  // namespace accelbench::models
