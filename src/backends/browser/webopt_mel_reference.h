#pragma once
// The native references the browser audio front ends are checked against: the log-mel front end
// of src/models/audio/log_mel.* run through the libtorch lowering (the exact graph the clap
// family uses), and Wav2Vec2's per-row zero-mean unit-variance normalisation in double.
#include <vector>

#include "backends/browser/mel_browser.h"

namespace accelbench::backends::browser {

// [B, T, M] (log_mel) or [B, N] (normalize), row-major.
std::vector<float> NativeFrontEnd(const MelJob& job);

struct Deviation {
  double max_abs = 0;  // max |a - b|
  double max_ref = 0;  // max |b|
};
Deviation Compare(const std::vector<float>& got, const std::vector<float>& ref);

}  // namespace accelbench::backends::browser
