#pragma once
// The dimensions of a benchmark configuration, shared by every component.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accelbench {

// Hardware platform kinds (the device a result ran on). The concrete instance ("cuda:0") is a
// string next to it.
enum class PlatformKind { kCpu, kCuda, kRocm, kMps, kOpenVino, kQnn, kWebGpu, kWebNn, kWasm };

enum class Precision { kFp32, kFp16, kBf16, kInt8, kInt4 };

enum class Mode { kInference, kPrefill, kDecode, kTraining };

std::string_view ToString(PlatformKind p);
std::string_view ToString(Precision p);
std::string_view ToString(Mode m);

// Parsers throw UsageError naming the valid values.
PlatformKind ParsePlatformKind(std::string_view s);
Precision ParsePrecision(std::string_view s);
Mode ParseMode(std::string_view s);

const std::vector<PlatformKind>& AllPlatformKinds();
const std::vector<Precision>& AllPrecisions();
const std::vector<Mode>& AllModes();

// Bytes per element of a precision's weights (int4: 0.5).
double BytesPerElement(Precision p);

}  // namespace accelbench
