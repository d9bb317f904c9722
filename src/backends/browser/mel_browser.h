#pragma once
// The audio front end of web optimization 2 in headless Chromium (web/harness/mel.wgsl,
// mel_frontend.mjs): log-mel (Whisper, CLAP) or waveform normalisation (Wav2Vec2 takes the raw
// wave) on WebGPU compute shaders with an autotuned workgroup shape, and the same front end on
// the page's CPU path ("wasm": plain JavaScript). Returns each front end's timings and output.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/audio/log_mel.h"

namespace accelbench::backends::browser {

struct MelJob {
  std::string front = "log_mel";  // "log_mel" or "normalize"
  models::audio::LogMelOptions mel;
  int64_t batch = 1, samples = 0;
  std::vector<float> wave;                               // [batch, samples]
  std::vector<std::string> frontends{"webgpu", "wasm"};  // which to run
  std::string workgroup = "auto";                        // "auto" = autotune, else "XxYx1"
  std::vector<std::string> shapes{"64x1x1", "128x1x1", "256x1x1", "128x2x1", "64x4x1"};
  int iters = 5;  // timed runs per front end (and per shape when tuning), after one warm-up
  std::chrono::milliseconds timeout{180000};
};

struct MelFrontEndResult {
  double median_ms = 0;
  std::vector<double> samples_ms;
  std::vector<float> output;  // [B, T, M] log-mel dB, or [B, N] normalised wave
  std::string workgroup;      // webgpu only
};

struct MelAutotuneTrial {
  std::string workgroup;
  std::optional<double> median_ms;  // absent when the shape failed
  std::string error;
};

struct MelRunResult {
  std::map<std::string, MelFrontEndResult> frontends;  // "webgpu", "wasm"
  std::vector<MelAutotuneTrial> trials;                // when the workgroup was autotuned
  std::string best_workgroup;
  nlohmann::json meta;  // user agent, adapter {vendor, architecture, software, ...}
};

// Throws RuntimeError with the page's message (e.g. no WebGPU adapter) on failure.
MelRunResult RunMelInBrowser(const MelJob& job);

// Named front-end geometries: "whisper" (16 kHz, n_fft 400, hop 160, 80 mels, 0-8 kHz), "clap"
// (48 kHz, n_fft 1024, hop 480, 64 mels, 50 Hz-14 kHz, as the clap family's reference preset),
// "wav2vec2" (normalisation only). Throws UsageError for other names.
MelJob MelJobFor(const std::string& model, int64_t batch, double seconds);

}  // namespace accelbench::backends::browser
