// Whisper (WhisperForConditionalGeneration): a convolutional stem (conv1 k3 p1, conv2 k3 s2 p1,
// GELU) over log-mel features, learned encoder positions (a parameter), pre-LN transformer
// encoder and decoder (k_proj without bias), learned decoder positions, GELU FFN, and proj_out
// tied to the decoder's embed_tokens.
//
// Parameter count of the reference preset (whisper-tiny = transformers' default WhisperConfig:
// d_model 384, 4+4 layers, 6 heads, ffn 1536, 80 mel bins, vocab 51865, 1500 source and 448
// target positions):
//   encoder: conv1 384*80*3 + 384 = 92,544; conv2 384*384*3 + 384 = 442,752;
//            embed_positions 1500*384 = 576,000;
//            layer: attention 4*384*384 + 3*384 (no k bias) = 590,976; 2 LNs 1,536;
//                   fc1 384*1536 + 1536 = 591,360; fc2 1536*384 + 384 = 590,208
//                   -> 1,774,080 x 4 = 7,096,320; final LN 768          =  8,208,384
//   decoder: embed_tokens 51865*384 = 19,916,160 (= proj_out); embed_positions 448*384 = 172,032;
//            layer: self + cross attention 1,181,952; 3 LNs 2,304; FFN 1,181,568
//                   -> 2,365,824 x 4 = 9,463,296; final LN 768           = 29,552,256
//   total                                                                = 37,760,640
//
// Config fields: vocab_size, hidden_size (d_model), num_layers (encoder), num_decoder_layers,
// num_heads, intermediate_size (ffn_dim), num_mel_bins, max_source_positions,
// max_target_positions, layer_norm_eps, initializer_range.
//
// Input: log-mel features [batch, num_mel_bins, 2 * max_source_positions] (3000 frames = 30 s for
// the reference preset; conv2's stride 2 halves them to the encoder positions).
#include <algorithm>
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

struct WhisperDims {
  int64_t vocab, d_model, enc_layers, dec_layers, heads, ffn, mels, max_source, max_target;
  float eps, std;
  int64_t head_dim() const { return d_model / heads; }
  explicit WhisperDims(const Config& c)
      : vocab(c.Int("vocab_size")),
        d_model(c.Int("hidden_size")),
        enc_layers(c.Int("num_layers")),
        dec_layers(c.Int("num_decoder_layers")),
        heads(c.Int("num_heads")),
        ffn(c.Int("intermediate_size")),
        mels(c.Int("num_mel_bins")),
        max_source(c.Int("max_source_positions")),
        max_target(c.Int("max_target_positions")),
        eps(static_cast<float>(c.Real("layer_norm_eps"))),
        std(static_cast<float>(c.Real("initializer_range"))) {
    blocks::RequireDivisible(c, "hidden_size", "num_heads");
    for (auto key : {"vocab_size", "num_layers", "num_decoder_layers", "intermediate_size",
                     "num_mel_bins", "max_source_positions", "max_target_positions"})
      blocks::RequirePositive(c, key);
  }
};

class Whisper final : public Family {
 public:
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"whisper",
                                 "Whisper speech encoder-decoder: conv stem over log-mel "
                                 "features, pre-LN transformer, tied output projection",
                                 Modality::kAudio,
                                 Architecture::kEncoderDecoder,
                                 /*generative=*/true,
                                 "WhisperForConditionalGeneration"};
    return info;
  }

  std::vector<Preset> Presets() const override {
    auto config = [](int64_t vocab, int64_t d_model, int64_t layers, int64_t heads, int64_t ffn,
                     int64_t max_source, int64_t max_target) {
      return Config{{"vocab_size", vocab},
                    {"hidden_size", d_model},
                    {"num_layers", layers},
                    {"num_decoder_layers", layers},
                    {"num_heads", heads},
                    {"intermediate_size", ffn},
                    {"num_mel_bins", int64_t{80}},
                    {"max_source_positions", max_source},
                    {"max_target_positions", max_target},
                    {"layer_norm_eps", 1e-5},
                    {"initializer_range", 0.02}};
    };
    return {
        {"tiny", "2+2 layers, d_model 64, 4 heads, ffn 128, vocab 512, 64 mel frames (tests)",
         config(512, 64, 2, 4, 128, 32, 448), false},
        {"whisper-tiny", "whisper-tiny: 4+4 layers, d_model 384, 6 heads, 30 s of log-mel frames",
         config(51865, 384, 4, 6, 1536, 1500, 448), true},
    };
  }

  // input_features [batch, mels, 2*max_source_positions]; decoder_input_ids [batch, seq] (the
  // decoder prompt in prefill/decode); labels like decoder_input_ids in training.
  std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w, Mode mode) const override {
    WhisperDims d(cfg);
    if (w.seq_len <= 0) throw UsageError("whisper: sequence length must be positive");
    const int64_t total = w.seq_len + (mode == Mode::kDecode ? w.decode_tokens : 0);
    if (total > d.max_target)
      throw UsageError("whisper: " + std::to_string(total) +
                       " decoder tokens exceed max_target_positions (" +
                       std::to_string(d.max_target) + ")");
    InputDesc feats;
    feats.name = "input_features";
    feats.dtype = DType::kFloat;
    feats.dims = {Dim::Symbolic("batch", w.batch), Dim::Static(d.mels),
                  Dim::Static(2 * d.max_source)};
    feats.kind = InputKind::kFeatures;
    std::vector<InputDesc> v{feats,
                             blocks::TokenIds("decoder_input_ids", w, "seq", w.seq_len, d.vocab)};
    if (mode == Mode::kTraining)
      v.push_back(blocks::TokenIds("labels", w, "seq", w.seq_len, d.vocab, InputKind::kLabels));
    return v;
  }

  Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const override {
    WhisperDims d(cfg);
    Tensor enc = Encode(ops, d, blocks::Require(in, "input_features", "whisper"));
    return {{"logits", RunDecoder(ops, d, blocks::Require(in, "decoder_input_ids", "whisper"), enc,
                                  nullptr)}};
  }

  // Seq2seq cross-entropy: labels[t] is the target of decoder position t.
  Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const override {
    Tensor logits = Forward(ops, cfg, in).at("logits");
    return ops.CrossEntropy(logits, blocks::Require(in, "labels", "whisper"));
  }

  Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const override {
    WhisperDims d(cfg);
    st = DecodeState{};
    st.encoder_out = Encode(ops, d, blocks::Require(in, "input_features", "whisper"));
    return RunDecoder(ops, d, blocks::Require(in, "decoder_input_ids", "whisper"), st.encoder_out,
                      &st);
  }

  Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const override {
    if (!st.encoder_out) throw RuntimeError("whisper: Decode called before Prefill");
    return RunDecoder(ops, WhisperDims(cfg), ids, st.encoder_out, &st);
  }

 private:
  static Tensor Norm(Ops& ops, const WhisperDims& d, const Tensor& x, const std::string& p) {
    return ops.LayerNorm(x, ops.Param(p + ".weight", {d.d_model}, WeightInit::Ones()),
                         ops.Param(p + ".bias", {d.d_model}, WeightInit::Zeros()), d.eps);
  }
  static Tensor Heads(Ops& ops, const WhisperDims& d, const Tensor& x) {
    return blocks::SplitHeads(ops, x, d.heads, d.head_dim());
  }
  // q/v/out_proj have biases, k_proj has none.
  static Tensor Q(Ops& ops, const WhisperDims& d, const Tensor& x, const std::string& a) {
    return Heads(ops, d, Dense(ops, x, a + ".q_proj", d.d_model, d.d_model, true, d.std));
  }
  static Tensor K(Ops& ops, const WhisperDims& d, const Tensor& x, const std::string& a) {
    return Heads(ops, d, Dense(ops, x, a + ".k_proj", d.d_model, d.d_model, false, d.std));
  }
  static Tensor V(Ops& ops, const WhisperDims& d, const Tensor& x, const std::string& a) {
    return Heads(ops, d, Dense(ops, x, a + ".v_proj", d.d_model, d.d_model, true, d.std));
  }
  static Tensor Out(Ops& ops, const WhisperDims& d, const Tensor& heads, const std::string& a) {
    Tensor o = blocks::MergeHeads(ops, heads, d.heads, d.head_dim());
    return Dense(ops, o, a + ".out_proj", d.d_model, d.d_model, true, d.std);
  }
  static Tensor Ffn(Ops& ops, const WhisperDims& d, const Tensor& x, const std::string& p) {
    Tensor h = Norm(ops, d, x, p + ".final_layer_norm");
    h = ops.Act(Dense(ops, h, p + ".fc1", d.ffn, d.d_model, true, d.std), Activation::kGelu);
    return ops.Add(x, Dense(ops, h, p + ".fc2", d.d_model, d.ffn, true, d.std));
  }

  Tensor Encode(Ops& ops, const WhisperDims& d, const Tensor& feats) const {
    const std::string e = "model.encoder";
    Tensor w1 = ops.Param(e + ".conv1.weight", {d.d_model, d.mels, 3}, WeightInit::Normal(d.std));
    Tensor b1 = ops.Param(e + ".conv1.bias", {d.d_model}, WeightInit::Zeros());
    Tensor w2 =
        ops.Param(e + ".conv2.weight", {d.d_model, d.d_model, 3}, WeightInit::Normal(d.std));
    Tensor b2 = ops.Param(e + ".conv2.bias", {d.d_model}, WeightInit::Zeros());
    Tensor x = ops.Act(ops.Conv1d(feats, w1, b1, 1, 1), Activation::kGelu);
    x = ops.Act(ops.Conv1d(x, w2, b2, 2, 1), Activation::kGelu);  // [B, d, max_source]
    x = ops.Transpose(x, {0, 2, 1});                              // [B, max_source, d]
    // Positions first: the sum then takes their (contiguous) layout instead of the transposed
    // conv output's, so the residual stream is contiguous for every layer after it (x first,
    // as HF writes it, keeps the transposed layout: a copy in every LayerNorm and strided
    // residual adds). The same sum, bit for bit.
    x = ops.Add(ops.Param(e + ".embed_positions.weight", {d.max_source, d.d_model},
                          WeightInit::Normal(d.std)),
                x);
    for (int64_t l = 0; l < d.enc_layers; ++l) {
      const std::string p = e + ".layers." + std::to_string(l);
      const std::string a = p + ".self_attn";
      Tensor h = Norm(ops, d, x, p + ".self_attn_layer_norm");
      Tensor o = ops.Attention(Q(ops, d, h, a), K(ops, d, h, a), V(ops, d, h, a), {});
      x = ops.Add(x, Out(ops, d, o, a));
      x = Ffn(ops, d, x, p);
    }
    return Norm(ops, d, x, e + ".layer_norm");
  }

  Tensor RunDecoder(Ops& ops, const WhisperDims& d, const Tensor& ids, const Tensor& enc,
                    DecodeState* st) const {
    const std::string m = "model.decoder";
    const int64_t offset = st ? st->length : 0;
    const int64_t steps = st ? ops.SizeOf(ids, 1) : 0;
    if (st && offset + steps > d.max_target)
      throw UsageError("whisper: decoding past max_target_positions (" +
                       std::to_string(d.max_target) + ")");
    Tensor embed =
        ops.Param(m + ".embed_tokens.weight", {d.vocab, d.d_model}, WeightInit::Normal(d.std));
    Tensor pos_table = ops.Param(m + ".embed_positions.weight", {d.max_target, d.d_model},
                                 WeightInit::Normal(d.std));
    Tensor x =
        ops.Add(ops.Embedding(embed, ids), ops.Embedding(pos_table, ops.Positions(ids, 1, offset)));
    for (int64_t l = 0; l < d.dec_layers; ++l) {
      const std::string p = m + ".layers." + std::to_string(l);
      // Causal self-attention with the KV cache.
      const std::string a = p + ".self_attn";
      Tensor h = Norm(ops, d, x, p + ".self_attn_layer_norm");
      Tensor q = Q(ops, d, h, a), k = K(ops, d, h, a), v = V(ops, d, h, a);
      if (st) blocks::AppendToCache(ops, *st, static_cast<size_t>(l), k, v);
      AttentionOptions self;
      self.causal = true;
      x = ops.Add(x, Out(ops, d, ops.Attention(q, k, v, self), a));
      // Cross-attention; K/V from the encoder output, computed once per prefill.
      const std::string c = p + ".encoder_attn";
      h = Norm(ops, d, x, p + ".encoder_attn_layer_norm");
      q = Q(ops, d, h, c);
      auto [ck, cv] = blocks::CrossKv(st, static_cast<size_t>(l), [&] {
        return std::pair{K(ops, d, enc, c), V(ops, d, enc, c)};
      });
      x = ops.Add(x, Out(ops, d, ops.Attention(q, ck, cv, {}), c));
      x = Ffn(ops, d, x, p);
    }
    x = Norm(ops, d, x, m + ".layer_norm");
    if (st) st->length += steps;
    return ops.Linear(x, embed);  // proj_out, tied, no bias
  }
};

}  // namespace

std::unique_ptr<Family> MakeWhisper() { return std::make_unique<Whisper>(); }

}  // namespace accelbench::models
