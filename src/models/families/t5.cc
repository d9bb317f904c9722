// T5 (T5ForConditionalGeneration): encoder-decoder with T5LayerNorm (RMS, no bias), relative
// attention bias (computed in the first layer of each stack and shared by the others), no
// attention score scaling, ReLU FFN, embeddings tied between encoder, decoder and LM head, and the
// decoder output scaled by d_model^-0.5 before the tied LM head.
//
// Parameter count of the reference preset (t5-small: d_model 512, d_kv 64, 8 heads -> inner 512,
// d_ff 2048, 6+6 layers, vocab 32128, 32 buckets):
//   shared embedding 32128*512 (= encoder/decoder embed_tokens = lm_head)  = 16,449,536
//   encoder layer: q,k,v,o 4*512*512 = 1,048,576; wi,wo 2*512*2048 = 2,097,152; 2 norms 1,024
//                  -> 3,146,752 x 6 = 18,880,512; + rel. bias 32*8 = 256; + final norm 512
//                                                                          = 18,881,280
//   decoder layer: self + cross attention 2,097,152; FFN 2,097,152; 3 norms 1,536
//                  -> 4,195,840 x 6 = 25,175,040; + rel. bias 256; + final norm 512
//                                                                          = 25,175,808
//   total                                                                  = 60,506,624
//
// Config fields: vocab_size, hidden_size (d_model), head_dim (d_kv), intermediate_size (d_ff),
// num_layers (encoder), num_decoder_layers, num_heads, relative_attention_num_buckets,
// relative_attention_max_distance, layer_norm_eps, initializer_factor.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"
#include "models/blocks/attention.h"
#include "models/blocks/checks.h"
#include "models/blocks/input_descs.h"
#include "models/blocks/kv_cache.h"
#include "models/blocks/layers.h"
#include "models/families/factories.h"

namespace accelbench::models {
namespace {

using blocks::Dense;

struct T5Dims {
  int64_t vocab, d_model, d_kv, d_ff, enc_layers, dec_layers, heads, buckets, max_distance;
  float eps, factor;
  int64_t inner() const { return heads * d_kv; }
  explicit T5Dims(const Config& c)
      : vocab(c.Int("vocab_size")),
        d_model(c.Int("hidden_size")),
        d_kv(c.Int("head_dim")),
        d_ff(c.Int("intermediate_size")),
        enc_layers(c.Int("num_layers")),
        dec_layers(c.Int("num_decoder_layers")),
        heads(c.Int("num_heads")),
        buckets(c.Int("relative_attention_num_buckets")),
        max_distance(c.Int("relative_attention_max_distance")),
        eps(static_cast<float>(c.Real("layer_norm_eps"))),
        factor(static_cast<float>(c.Real("initializer_factor"))) {
    for (auto key : {"vocab_size", "hidden_size", "head_dim", "intermediate_size", "num_layers",
                     "num_decoder_layers", "num_heads", "relative_attention_num_buckets",
                     "relative_attention_max_distance"})
      blocks::RequirePositive(c, key);
  }
};

class T5 final : public Family {
 public:
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"t5",
                                 "T5 encoder-decoder: RMS layer norms, relative attention bias, "
                                 "ReLU FFN, tied embeddings",
                                 Modality::kText,
                                 Architecture::kEncoderDecoder,
                                 /*generative=*/true,
                                 "T5ForConditionalGeneration"};
    return info;
  }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t vocab, int64_t d_model, int64_t d_kv, int64_t d_ff, int64_t layers,
                     int64_t heads) {
      return Config{{"vocab_size", vocab},
                    {"hidden_size", d_model},
                    {"head_dim", d_kv},
                    {"intermediate_size", d_ff},
                    {"num_layers", layers},
                    {"num_decoder_layers", layers},
                    {"num_heads", heads},
                    {"relative_attention_num_buckets", int64_t{32}},
                    {"relative_attention_max_distance", int64_t{128}},
                    {"layer_norm_eps", 1e-6},
                    {"initializer_factor", 1.0}};
    };
    return {
        {"tiny", "2+2 layers, d_model 64, 4 heads of 16, d_ff 128, vocab 512 (tests)",
         config(512, 64, 16, 128, 2, 4), false},
        {"t5-small", "t5-small: 6+6 layers, d_model 512, 8 heads, d_ff 2048, vocab 32128",
         config(32128, 512, 64, 2048, 6, 8), true},
    };
  }

  // Encoder input_ids [batch, seq] and decoder_input_ids [batch, decoder_seq], both seq_len long
  // in every mode (prefill runs the encoder and a seq_len-token decoder prompt; benchmark
  // backends build their inputs from the inference descriptions); labels like the decoder ids
  // in training. The two sequence dims have their own symbols, so they may differ at run time.
  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    T5Dims d(cfg);
    if (w.seq_len <= 0) throw UsageError("t5: sequence length must be positive");
    const int64_t dec_len = w.seq_len;
    std::vector<InputDesc> v{
        blocks::TokenIds("input_ids", w, "seq", w.seq_len, d.vocab),
        blocks::TokenIds("decoder_input_ids", w, "decoder_seq", dec_len, d.vocab)};
    if (mode == Mode::kTraining)
      v.push_back(
          blocks::TokenIds("labels", w, "decoder_seq", dec_len, d.vocab, InputKind::kLabels));
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    T5Dims d(cfg);
    Tensor enc = Encode(ops, d, blocks::Require(in, "input_ids", "t5"));
    return {{"logits",
             RunDecoder(ops, d, blocks::Require(in, "decoder_input_ids", "t5"), enc, nullptr)}};
  }

  // Seq2seq cross-entropy: labels[t] is the target for decoder position t (decoder_input_ids
  // are the labels shifted right by the data pipeline, as in HF).
  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor logits = Forward(ops, cfg, in).at("logits");
    return ops.CrossEntropy(logits, blocks::Require(in, "labels", "t5"));
  }

  Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const override {
    T5Dims d(cfg);
    st = DecodeState{};
    st.encoder_out = Encode(ops, d, blocks::Require(in, "input_ids", "t5"));
    return RunDecoder(ops, d, blocks::Require(in, "decoder_input_ids", "t5"), st.encoder_out, &st);
  }

  Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const override {
    if (!st.encoder_out) throw RuntimeError("t5: Decode called before Prefill");
    return RunDecoder(ops, T5Dims(cfg), ids, st.encoder_out, &st);
  }

 private:
  static Tensor Shared(Ops& ops, const T5Dims& d) {
    return ops.Param("shared.weight", {d.vocab, d.d_model}, WeightInit::Normal(d.factor));
  }
  static Tensor Norm(Ops& ops, const T5Dims& d, const Tensor& x, const std::string& name) {
    return ops.RmsNorm(x, ops.Param(name, {d.d_model}, WeightInit::Ones()), d.eps);
  }
  // Projections with HF's T5 init scales.
  static Tensor Proj(Ops& ops, const T5Dims& d, const Tensor& x, const std::string& p, char which) {
    const float dm = static_cast<float>(d.d_model);
    switch (which) {
      case 'q':
        return Dense(ops, x, p + ".q", d.inner(), d.d_model, false,
                     d.factor / std::sqrt(dm * static_cast<float>(d.d_kv)));
      case 'k':
      case 'v':
        return Dense(ops, x, p + "." + which, d.inner(), d.d_model, false,
                     d.factor / std::sqrt(dm));
      default:
        return Dense(ops, x, p + ".o", d.d_model, d.inner(), false,
                     d.factor / std::sqrt(static_cast<float>(d.inner())));
    }
  }
  static Tensor Ffn(Ops& ops, const T5Dims& d, const Tensor& x, const std::string& p) {
    Tensor h = Norm(ops, d, x, p + ".layer_norm.weight");
    h = ops.Act(Dense(ops, h, p + ".DenseReluDense.wi", d.d_ff, d.d_model, false,
                      d.factor / std::sqrt(static_cast<float>(d.d_model))),
                Activation::kRelu);
    h = Dense(ops, h, p + ".DenseReluDense.wo", d.d_model, d.d_ff, false,
              d.factor / std::sqrt(static_cast<float>(d.d_ff)));
    return ops.Add(x, h);
  }
  static Tensor BiasTable(Ops& ops, const T5Dims& d, const std::string& p) {
    return ops.Param(p + ".SelfAttention.relative_attention_bias.weight", {d.buckets, d.heads},
                     WeightInit::Normal(d.factor / std::sqrt(static_cast<float>(d.d_model))));
  }

  Tensor Encode(Ops& ops, const T5Dims& d, const Tensor& ids) const {
    Tensor x = ops.Embedding(Shared(ops, d), ids);
    Tensor bias;
    for (int64_t l = 0; l < d.enc_layers; ++l) {
      const std::string p = "encoder.block." + std::to_string(l) + ".layer.0";
      Tensor h = Norm(ops, d, x, p + ".layer_norm.weight");
      const std::string a = p + ".SelfAttention";
      Tensor q = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'q'), d.heads, d.d_kv);
      Tensor k = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'k'), d.heads, d.d_kv);
      Tensor v = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'v'), d.heads, d.d_kv);
      if (l == 0) {
        RelativePositionBucketOptions rb{true, d.buckets, d.max_distance};
        bias = ops.RelativePositionBias(BiasTable(ops, d, p), q, k, 0, rb);
      }
      AttentionOptions opt;
      opt.scale = 1.0f;  // T5 does not scale attention scores
      opt.bias = bias;
      Tensor o = blocks::MergeHeads(ops, ops.Attention(q, k, v, opt), d.heads, d.d_kv);
      x = ops.Add(x, Proj(ops, d, o, a, 'o'));
      x = Ffn(ops, d, x, "encoder.block." + std::to_string(l) + ".layer.1");
    }
    return Norm(ops, d, x, "encoder.final_layer_norm.weight");
  }

  // Decoder over ids [B, S]; with a state, self-attention K/V are cached, cross-attention K/V are
  // computed once from the encoder output and reused, and st->length advances by S.
  Tensor RunDecoder(Ops& ops, const T5Dims& d, const Tensor& ids, const Tensor& enc,
                    DecodeState* st) const {
    const int64_t offset = st ? st->length : 0;
    Tensor shared = Shared(ops, d);
    Tensor x = ops.Embedding(shared, ids);
    Tensor bias;
    for (int64_t l = 0; l < d.dec_layers; ++l) {
      const std::string blk = "decoder.block." + std::to_string(l);
      // Causal self-attention with the (causal) relative position bias of layer 0.
      const std::string p0 = blk + ".layer.0";
      const std::string a = p0 + ".SelfAttention";
      Tensor h = Norm(ops, d, x, p0 + ".layer_norm.weight");
      Tensor q = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'q'), d.heads, d.d_kv);
      Tensor k = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'k'), d.heads, d.d_kv);
      Tensor v = blocks::SplitHeads(ops, Proj(ops, d, h, a, 'v'), d.heads, d.d_kv);
      if (st) blocks::AppendToCache(ops, *st, static_cast<size_t>(l), k, v);
      if (l == 0) {
        RelativePositionBucketOptions rb{false, d.buckets, d.max_distance};
        bias = ops.RelativePositionBias(BiasTable(ops, d, p0), q, k, offset, rb);
      }
      AttentionOptions self;
      self.causal = true;
      self.scale = 1.0f;
      self.bias = bias;
      Tensor o = blocks::MergeHeads(ops, ops.Attention(q, k, v, self), d.heads, d.d_kv);
      x = ops.Add(x, Proj(ops, d, o, a, 'o'));
      // Cross-attention over the encoder output (no position bias).
      const std::string p1 = blk + ".layer.1";
      const std::string c = p1 + ".EncDecAttention";
      h = Norm(ops, d, x, p1 + ".layer_norm.weight");
      q = blocks::SplitHeads(ops, Proj(ops, d, h, c, 'q'), d.heads, d.d_kv);
      auto [ck, cv] = blocks::CrossKv(st, static_cast<size_t>(l), [&] {
        return std::pair{blocks::SplitHeads(ops, Proj(ops, d, enc, c, 'k'), d.heads, d.d_kv),
                         blocks::SplitHeads(ops, Proj(ops, d, enc, c, 'v'), d.heads, d.d_kv)};
      });
      AttentionOptions cross;
      cross.scale = 1.0f;
      o = blocks::MergeHeads(ops, ops.Attention(q, ck, cv, cross), d.heads, d.d_kv);
      x = ops.Add(x, Proj(ops, d, o, c, 'o'));
      x = Ffn(ops, d, x, blk + ".layer.2");
    }
    x = Norm(ops, d, x, "decoder.final_layer_norm.weight");
    x = ops.Scale(x, 1.0f / std::sqrt(static_cast<float>(d.d_model)));  // tied LM head
    if (st) st->length += ops.SizeOf(ids, 1);
    return ops.Linear(x, shared);
  }
};

}  // namespace

std::unique_ptr<Family> MakeT5() { return std::make_unique<T5>(); }

}  // namespace accelbench::models
