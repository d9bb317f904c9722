#include "backends/browser/webopt_mel_reference.h"

#include <algorithm>
#include <cmath>

#include "backends/torch/torch_run.h"
#include "core/errors.h"
#include "models/family.h"

namespace accelbench::backends::browser {
namespace {

using namespace models;

// A family made of the front end alone, so RunForward lowers it to libtorch.
class LogMelOnly final : public Family {
 public:
  LogMelOnly(audio::LogMelOptions o, int64_t batch, int64_t samples)
      : o_(o), batch_(batch), samples_(samples) {}
  const FamilyInfo& Info() const override {
    static const FamilyInfo info{"log_mel_reference",
                                 "log-mel front end only",
                                 Modality::kAudio,
                                 Architecture::kEncoder,
                                 false,
                                 ""};
    return info;
  }
  std::vector<Preset> Presets() const override { return {{"ref", "", Config{}, true}}; }
  std::vector<InputDesc> InputsFor(const Config&, const Workload&, Mode) const override {
    InputDesc d;
    d.name = "wave";
    d.dims = {Dim::Symbolic("batch", batch_), Dim::Static(samples_)};
    d.kind = InputKind::kAudioWaveform;
    return {d};
  }
  Outputs Forward(Ops& ops, const Config&, const Inputs& in) const override {
    return {{"log_mel", audio::LogMelSpectrogram(ops, in.at("wave"), o_, "reference")}};
  }
  Tensor TrainingLoss(Ops&, const Config&, const Inputs&) const override {
    throw UnsupportedError("log-mel reference: inference only");
  }

 private:
  audio::LogMelOptions o_;
  int64_t batch_, samples_;
};

}  // namespace

std::vector<float> NativeFrontEnd(const MelJob& job) {
  if (job.front == "normalize") {
    std::vector<float> out(job.wave.size());
    for (int64_t b = 0; b < job.batch; ++b) {
      double s = 0, s2 = 0;
      const float* x = job.wave.data() + b * job.samples;
      for (int64_t i = 0; i < job.samples; ++i) s += x[i], s2 += double(x[i]) * x[i];
      const double mean = s / job.samples;
      const double inv = 1.0 / std::sqrt(std::max(s2 / job.samples - mean * mean, 0.0) + 1e-7);
      for (int64_t i = 0; i < job.samples; ++i)
        out[b * job.samples + i] = static_cast<float>((x[i] - mean) * inv);
    }
    return out;
  }
  LogMelOnly fam(job.mel, job.batch, job.samples);
  HostTensor wave;
  wave.shape = {job.batch, job.samples};
  wave.f = job.wave;
  auto out = RunForward(fam, Config{}, {{"wave", wave}}, Precision::kFp32);
  return out.at("log_mel").f;
}

Deviation Compare(const std::vector<float>& got, const std::vector<float>& ref) {
  if (got.size() != ref.size())
    throw RuntimeError("front-end output has " + std::to_string(got.size()) +
                       " values, the reference " + std::to_string(ref.size()));
  Deviation d;
  for (size_t i = 0; i < got.size(); ++i) {
    d.max_abs = std::max(d.max_abs, std::abs(double(got[i]) - ref[i]));
    d.max_ref = std::max(d.max_ref, std::abs(double(ref[i])));
  }
  return d;
}

}  // namespace accelbench::backends::browser
