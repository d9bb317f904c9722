#pragma once
// The log-mel front end, written once against the Ops facade so that it lowers to every runtime:
// framing + Hann window + DFT are one strided Conv1d with a constant cos/sin kernel, the power
// spectrum is Pow + Add, the mel projection a MatMul with a constant filter bank, then Clamp + Log
// (decibels). The filter bank is computed here in C++.
//
// Mel filter bank: Slaney-style, exactly as Hugging Face's `mel_filter_bank(...,
// norm="slaney", mel_scale="slaney")` (librosa's default; used by the CLAP and Whisper feature
// extractors): triangles on a Slaney mel scale (linear below 1 kHz, logarithmic above), each
// scaled by 2 / (upper edge - lower edge) in Hz (equal area).
//
// Deviations from HF's `spectrogram()`: frames are not centred (no reflect padding), so
// frames = 1 + (samples - n_fft) / hop and frame t covers samples [t*hop, t*hop + n_fft).
#include <cstdint>
#include <string>
#include <vector>

#include "models/ops.h"

namespace accelbench::models::audio {

struct LogMelOptions {
  int64_t sample_rate = 48000;
  int64_t n_fft = 1024;  // frame length = DFT size (periodic Hann window of this length)
  int64_t hop_length = 480;
  int64_t n_mels = 64;
  double f_min = 50.0;
  double f_max = 14000.0;
};

double HertzToMelSlaney(double hz);
double MelToHertzSlaney(double mel);

// Row-major [n_fft / 2 + 1, n_mels] (frequency bin x mel band), as HF returns it.
std::vector<float> MelFilterBank(const LogMelOptions& o);
// Periodic Hann window of length n: 0.5 - 0.5 cos(2 pi k / n).
std::vector<float> HannWindow(int64_t n);

// Frames produced from `samples` samples; throws UsageError when fewer than n_fft samples.
int64_t NumFrames(const LogMelOptions& o, int64_t samples);
// Samples needed for exactly `frames` frames.
int64_t SamplesForFrames(const LogMelOptions& o, int64_t frames);

// waveform [B, N] -> log-mel power spectrogram in dB, 10 log10(max(mel, 1e-10)), [B, frames,
// n_mels]. Constants are named `<prefix>.dft_kernel`, `<prefix>.mel_filters`, ...
Tensor LogMelSpectrogram(Ops& ops, const Tensor& waveform, const LogMelOptions& o,
                         const std::string& prefix);

}  // namespace accelbench::models::audio
