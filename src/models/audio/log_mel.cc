#include "models/audio/log_mel.h"

#include <cmath>
#include <numbers>

#include "core/errors.h"

namespace accelbench::models::audio {
namespace {

constexpr double kMinLogHertz = 1000.0;
constexpr double kMinLogMel = 15.0;
const double kLogStep = 27.0 / std::log(6.4);

// The frames are divided by this before the DFT (folded into the window) and the decibels are
// corrected by 20 log10(kPreScale) afterwards: identical in fp32, and it keeps the power spectrum
// of a full-scale tone (up to (n_fft/2)^2) inside fp16's range.
constexpr double kPreScale = 16.0;

}  // namespace

double HertzToMelSlaney(double hz) {
  if (hz < kMinLogHertz) return 3.0 * hz / 200.0;
  return kMinLogMel + std::log(hz / kMinLogHertz) * kLogStep;
}

double MelToHertzSlaney(double mel) {
  if (mel < kMinLogMel) return 200.0 * mel / 3.0;
  return kMinLogHertz * std::exp((mel - kMinLogMel) / kLogStep);
}

std::vector<float> HannWindow(int64_t n) {
  std::vector<float> w(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k)
    w[k] = static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * k / n));
  return w;
}

std::vector<float> MelFilterBank(const LogMelOptions& o) {
  if (o.n_fft <= 0 || o.n_mels <= 0 || o.f_max <= o.f_min || o.f_max > o.sample_rate / 2.0)
    throw UsageError("log-mel: need n_fft > 0, n_mels > 0 and f_min < f_max <= sample_rate / 2");
  const int64_t bins = o.n_fft / 2 + 1;
  const int64_t m = o.n_mels;
  // m + 2 filter edges equally spaced on the mel scale, back in Hz.
  const double lo = HertzToMelSlaney(o.f_min), hi = HertzToMelSlaney(o.f_max);
  std::vector<double> edges(static_cast<size_t>(m + 2));
  for (int64_t i = 0; i < m + 2; ++i)
    edges[i] =
        MelToHertzSlaney(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(m + 1));
  std::vector<float> fb(static_cast<size_t>(bins * m), 0.0f);
  for (int64_t f = 0; f < bins; ++f) {
    // HF: fft_freqs = linspace(0, sampling_rate // 2, bins).
    const double hz = static_cast<double>(o.sample_rate / 2) * f / static_cast<double>(bins - 1);
    for (int64_t j = 0; j < m; ++j) {
      const double down = (hz - edges[j]) / (edges[j + 1] - edges[j]);
      const double up = (edges[j + 2] - hz) / (edges[j + 2] - edges[j + 1]);
      const double tri = std::max(0.0, std::min(down, up));
      const double enorm = 2.0 / (edges[j + 2] - edges[j]);  // Slaney: equal area
      fb[f * m + j] = static_cast<float>(tri * enorm);
    }
  }
  return fb;
}

int64_t NumFrames(const LogMelOptions& o, int64_t samples) {
  if (samples < o.n_fft)
    throw UsageError("log-mel: " + std::to_string(samples) + " samples are fewer than one frame (" +
                     std::to_string(o.n_fft) + ")");
  return 1 + (samples - o.n_fft) / o.hop_length;
}

int64_t SamplesForFrames(const LogMelOptions& o, int64_t frames) {
  return (frames - 1) * o.hop_length + o.n_fft;
}

Tensor LogMelSpectrogram(Ops& ops, const Tensor& waveform, const LogMelOptions& o,
                         const std::string& prefix) {
  const int64_t n = o.n_fft, bins = n / 2 + 1;
  // DFT kernel [2 * bins, 1, n]: rows 0..bins-1 = w[k] cos(2 pi f k / n), then w[k] sin(...),
  // with the window pre-scaled by 1 / kPreScale.
  const auto window = HannWindow(n);
  std::vector<float> kernel(static_cast<size_t>(2 * bins * n));
  for (int64_t f = 0; f < bins; ++f) {
    for (int64_t k = 0; k < n; ++k) {
      // (f * k) mod n keeps the angle small, so the table is exact to float rounding.
      const double angle = 2 * std::numbers::pi * static_cast<double>((f * k) % n) / n;
      const double w = window[k] / kPreScale;
      kernel[f * n + k] = static_cast<float>(w * std::cos(angle));
      kernel[(bins + f) * n + k] = static_cast<float>(w * std::sin(angle));
    }
  }
  const std::string tag = prefix + "." + std::to_string(n) + "_" + std::to_string(o.hop_length);
  Tensor dft = ops.Constant(tag + ".dft_kernel", {2 * bins, 1, n}, kernel);
  Tensor frames = ops.Conv1d(ops.Unsqueeze(waveform, 1), dft, {}, o.hop_length, 0);  // [B, 2F, T]
  Tensor re = ops.Slice(frames, 1, 0, bins);
  Tensor im = ops.Slice(frames, 1, bins, 2 * bins);
  Tensor power = ops.Add(ops.Pow(re, 2.0f), ops.Pow(im, 2.0f));  // [B, F, T], / kPreScale^2
  power = ops.Transpose(power, {0, 2, 1});                       // [B, T, F]
  Tensor mel_fb = ops.Constant(tag + "_" + std::to_string(o.n_mels) + ".mel_filters",
                               {bins, o.n_mels}, MelFilterBank(o));
  Tensor mel = ops.MatMul(power, mel_fb);  // [B, T, M]
  const double s2 = kPreScale * kPreScale;
  mel = ops.Clamp(mel, static_cast<float>(1e-10 / s2), std::nullopt);
  Tensor db = ops.Scale(ops.Log(mel), static_cast<float>(10.0 / std::numbers::ln10));
  Tensor offset =
      ops.Constant(prefix + ".db_offset", {1}, {static_cast<float>(10.0 * std::log10(s2))});
  return ops.Add(db, offset);
}

}  // namespace accelbench::models::audio
