// Tests of the zoo2-audio pieces: the log-mel front end (against a DFT computed here), the
// wav2vec2 frame count from its conv strides, reference parameter counts of wav2vec2, clap and
// detr (shapes only), and the bad-shape errors. The generic family suite covers forward shapes,
// precisions, training and ONNX for every family.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/errors.h"
#include "models/audio/log_mel.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"

#ifdef ACCELBENCH_ZOO2A_TORCH
#include "backends/torch/torch_run.h"
#endif

namespace accelbench::models {
namespace {

using audio::LogMelOptions;

// Output shapes of a family's forward on the shapes-only lowering.
std::map<std::string, std::vector<int64_t>, std::less<>> OutputShapes(const Family& f,
                                                                      const Config& cfg,
                                                                      const Workload& w) {
  MetaOps ops;
  Inputs in;
  for (const auto& d : f.InputsFor(cfg, w, Mode::kInference))
    in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
  std::map<std::string, std::vector<int64_t>, std::less<>> out;
  for (const auto& [name, t] : f.Forward(ops, cfg, in)) out[name] = MetaOps::ShapeOf(t);
  return out;
}

TEST(Zoo2AudioParams, ReferencePresetsMatchHuggingFace) {
  const std::pair<const char*, int64_t> expected[] = {
      {"wav2vec2", 94'371'712}, {"clap", 153'492'890}, {"detr", 41'501'895}};
  for (const auto& [name, params] : expected) {
    const Family& f = FindFamily(name);
    EXPECT_EQ(Analyze(f, f.ReferencePreset().config, Workload{}).params, params) << name;
  }
  // detr-resnet-50 with the 91 COCO labels: class head 92 logits instead of 3.
  const Family& detr = FindFamily("detr");
  EXPECT_EQ(Analyze(detr, detr.FindPreset("detr-resnet-50-coco").config, Workload{}).params,
            41'501'895 - 771 + 23'644);
}

TEST(Zoo2AudioParams, ClapComponentsSplitByPrefix) {
  const Family& f = FindFamily("clap");
  EXPECT_EQ(f.Components(),
            (std::vector<std::string>{"audio_encoder", "text_encoder", "projections"}));
  auto by_prefix = Analyze(f, f.ReferencePreset().config, Workload{}).params_by_prefix;
  EXPECT_EQ(by_prefix["audio_model"], 27'534'488);  // see the arithmetic in clap.cc
  EXPECT_EQ(by_prefix["text_model"], 124'645'632);
}

TEST(Zoo2AudioShapes, Wav2Vec2FramesFollowConvStrides) {
  const Family& f = FindFamily("wav2vec2");
  Workload w;
  w.batch = 2;
  // 16000 -> 3199 -> 1599 -> 799 -> 399 -> 199 -> 99 -> 49 frames (kernels 10,3,3,3,3,2,2).
  auto ref = OutputShapes(f, f.ReferencePreset().config, w);
  EXPECT_EQ(ref.at("last_hidden_state"), (std::vector<int64_t>{2, 49, 768}));
  EXPECT_EQ(ref.at("extract_features"), (std::vector<int64_t>{2, 49, 512}));
  w.audio_samples = 48000;  // 3 s -> 149 frames
  EXPECT_EQ(OutputShapes(f, f.ReferencePreset().config, w).at("last_hidden_state")[1], 149);
  // tiny: 1600 -> 319 -> 159 -> 79.
  w.audio_samples = 0;
  EXPECT_EQ(OutputShapes(f, f.FindPreset("tiny").config, w).at("last_hidden_state"),
            (std::vector<int64_t>{2, 79, 32}));
}

TEST(Zoo2AudioShapes, ClapAndDetrOutputs) {
  Workload w;
  w.batch = 3;
  w.seq_len = 16;
  const Family& clap = FindFamily("clap");
  auto c = OutputShapes(clap, clap.ReferencePreset().config, w);
  EXPECT_EQ(c.at("logits_per_audio"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(c.at("audio_embeds"), (std::vector<int64_t>{3, 512}));
  const Family& detr = FindFamily("detr");
  auto d = OutputShapes(detr, detr.FindPreset("detr-resnet-50-coco").config, w);
  EXPECT_EQ(d.at("logits"), (std::vector<int64_t>{3, 100, 92}));
  EXPECT_EQ(d.at("pred_boxes"), (std::vector<int64_t>{3, 100, 4}));
}

template <typename Fn>
std::string UsageMessage(Fn fn) {
  try {
    fn();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no UsageError";
}

TEST(Zoo2AudioBadInput, WrongShapesNameTheExpectedShape) {
  Workload w;
  w.image_size = 100;
  const Family& detr = FindFamily("detr");
  EXPECT_NE(UsageMessage([&] {
              detr.InputsFor(detr.FindPreset("tiny").config, w, Mode::kInference);
            }).find("expected pixel_values [batch, 3, H, W] with H and W multiples of 32"),
            std::string::npos);
  w = Workload{};
  w.audio_samples = 16000;
  const Family& clap = FindFamily("clap");
  EXPECT_NE(UsageMessage([&] {
              clap.InputsFor(clap.ReferencePreset().config, w, Mode::kInference);
            }).find("expected input_values [batch, 492064]"),
            std::string::npos);
  w.audio_samples = 300;
  const Family& wav = FindFamily("wav2vec2");
  EXPECT_NE(UsageMessage([&] {
              wav.InputsFor(wav.ReferencePreset().config, w, Mode::kInference);
            }).find("expected input_values [batch, samples] with samples >= 400"),
            std::string::npos);
}

TEST(LogMel, SlaneyScaleAndFilterBank) {
  EXPECT_NEAR(audio::HertzToMelSlaney(1000.0), 15.0, 1e-12);
  EXPECT_NEAR(audio::HertzToMelSlaney(500.0), 7.5, 1e-12);
  for (double hz : {50.0, 700.0, 1000.0, 3000.0, 14000.0})
    EXPECT_NEAR(audio::MelToHertzSlaney(audio::HertzToMelSlaney(hz)), hz, 1e-9 * hz);
  LogMelOptions o;  // CLAP: 48 kHz, n_fft 1024, 64 bands, 50 Hz - 14 kHz
  auto fb = audio::MelFilterBank(o);
  const int64_t bins = o.n_fft / 2 + 1;
  ASSERT_EQ(static_cast<int64_t>(fb.size()), bins * o.n_mels);
  // Slaney normalisation: each triangle has area ~1 in Hz (sum * bin width), up to sampling of
  // narrow bands by 47 Hz bins (unnormalised triangles would have areas of tens to thousands).
  const double bin_hz = 24000.0 / (bins - 1);
  for (int64_t m = 8; m < o.n_mels; ++m) {
    double area = 0;
    for (int64_t f = 0; f < bins; ++f) area += fb[f * o.n_mels + m] * bin_hz;
    EXPECT_NEAR(area, 1.0, 0.1) << "band " << m;
  }
  // Nothing above f_max or below f_min.
  for (int64_t f = 0; f < bins; ++f)
    if (f * bin_hz > o.f_max + bin_hz || f * bin_hz < o.f_min - bin_hz)
      for (int64_t m = 0; m < o.n_mels; ++m) EXPECT_EQ(fb[f * o.n_mels + m], 0.0f);
}

TEST(LogMel, FrameArithmetic) {
  LogMelOptions o;
  EXPECT_EQ(audio::NumFrames(o, audio::SamplesForFrames(o, 1024)), 1024);
  EXPECT_EQ(audio::SamplesForFrames(o, 1024), 492064);
  EXPECT_THROW(audio::NumFrames(o, 100), UsageError);
}

#ifdef ACCELBENCH_ZOO2A_TORCH
// A family made of the front end alone, run through the libtorch lowering.
class LogMelProbe final : public Family {
 public:
  explicit LogMelProbe(LogMelOptions o, int64_t samples) : o_(o), samples_(samples) {}
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"log_mel_probe",        "test", Modality::kAudio,
                                 Architecture::kEncoder, false,  ""};
    return info;
  }
  std::vector<Preset> Presets() const override { return {{"p", "", Config{}, true}}; }
  std::vector<InputDesc> InputsFor(const Config&, const Workload&, Mode) const override {
    InputDesc d;
    d.name = "wave";
    d.dims = {Dim::Symbolic("batch", 1), Dim::Static(samples_)};
    d.kind = InputKind::kAudioWaveform;
    return {d};
  }
  Outputs Forward(Ops& ops, const Config&, const Inputs& in) const override {
    return {{"log_mel", audio::LogMelSpectrogram(ops, in.at("wave"), o_, "probe")}};
  }
  Tensor TrainingLoss(Ops&, const Config&, const Inputs&) const override {
    throw UnsupportedError("probe");
  }

 private:
  LogMelOptions o_;
  int64_t samples_;
};

TEST(LogMel, SineToneLandsInItsBandAndMatchesDirectDft) {
  LogMelOptions o;
  o.sample_rate = 16000;
  o.n_fft = 400;
  o.hop_length = 160;
  o.n_mels = 40;
  o.f_min = 0;
  o.f_max = 8000;
  const int64_t frames = 12, samples = audio::SamplesForFrames(o, frames);
  const double tone_hz = 1234.0, amplitude = 0.8;
  HostTensor wave;
  wave.shape = {1, samples};
  for (int64_t k = 0; k < samples; ++k)
    wave.f.push_back(static_cast<float>(
        amplitude * std::sin(2 * std::numbers::pi * tone_hz * k / o.sample_rate)));
  LogMelProbe probe(o, samples);
  auto out = backends::RunForward(probe, Config{}, {{"wave", wave}}, Precision::kFp32);
  const HostTensor& got = out.at("log_mel");
  ASSERT_EQ(got.shape, (std::vector<int64_t>{1, frames, o.n_mels}));

  // Independent reference: a direct O(n^2) DFT of each Hann-windowed frame in double precision,
  // power, the Slaney filter bank, 10 log10(max(., 1e-10)).
  const auto fb = audio::MelFilterBank(o);
  const int64_t bins = o.n_fft / 2 + 1;
  // The band whose triangle peaks nearest the tone (centre = edge m+1 of the mel-spaced edges).
  const double lo = audio::HertzToMelSlaney(o.f_min), hi = audio::HertzToMelSlaney(o.f_max);
  int64_t tone_band = 0;
  double best = 1e30;
  for (int64_t m = 0; m < o.n_mels; ++m) {
    const double centre = audio::MelToHertzSlaney(lo + (hi - lo) * (m + 1) / (o.n_mels + 1));
    if (std::abs(centre - tone_hz) < best) best = std::abs(centre - tone_hz), tone_band = m;
  }
  for (int64_t t = 0; t < frames; ++t) {
    std::vector<double> power(bins);
    for (int64_t f = 0; f < bins; ++f) {
      double re = 0, im = 0;
      for (int64_t k = 0; k < o.n_fft; ++k) {
        const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * k / o.n_fft);
        const double x = w * wave.f[t * o.hop_length + k];
        re += x * std::cos(2 * std::numbers::pi * f * k / o.n_fft);
        im -= x * std::sin(2 * std::numbers::pi * f * k / o.n_fft);
      }
      power[f] = re * re + im * im;
    }
    int64_t argmax = 0;
    for (int64_t m = 0; m < o.n_mels; ++m) {
      double mel = 0;
      for (int64_t f = 0; f < bins; ++f) mel += power[f] * fb[f * o.n_mels + m];
      const double want = 10 * std::log10(std::max(mel, 1e-10));
      const float have = got.f[(t * o.n_mels) + m];
      // Bands with real energy agree closely; near-silent bands only roughly (fp32 leakage).
      EXPECT_NEAR(have, want, want > -40 ? 0.01 : 1.0) << "frame " << t << " band " << m;
      if (have > got.f[t * o.n_mels + argmax]) argmax = m;
    }
    EXPECT_EQ(argmax, tone_band) << "frame " << t;
  }
}
#endif

}  // namespace
}  // namespace accelbench::models
