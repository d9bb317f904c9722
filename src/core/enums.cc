#include "core/enums.h"

#include <array>
#include <utility>

#include "core/errors.h"

namespace accelbench {
namespace {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<PlatformKind, 9> kPlatformNames{{{PlatformKind::kCpu, "cpu"},
                                                      {PlatformKind::kCuda, "cuda"},
                                                      {PlatformKind::kRocm, "rocm"},
                                                      {PlatformKind::kMps, "mps"},
                                                      {PlatformKind::kOpenVino, "openvino"},
                                                      {PlatformKind::kQnn, "qnn"},
                                                      {PlatformKind::kWebGpu, "webgpu"},
                                                      {PlatformKind::kWebNn, "webnn"},
                                                      {PlatformKind::kWasm, "wasm"}}};
constexpr NameTable<Precision, 5> kPrecisionNames{{{Precision::kFp32, "fp32"},
                                                    {Precision::kFp16, "fp16"},
                                                    {Precision::kBf16, "bf16"},
                                                    {Precision::kInt8, "int8"},
                                                    {Precision::kInt4, "int4"}}};
constexpr NameTable<Mode, 4> kModeNames{{{Mode::kInference, "inference"},
                                         {Mode::kPrefill, "prefill"},
                                         {Mode::kDecode, "decode"},
                                         {Mode::kTraining, "training"}}};

template <typename E, size_t N>
std::string_view Name(const NameTable<E, N>& table, E e) {
  for (const auto& [v, n] : table)
    if (v == e) return n;
  return "?";
}

template <typename E, size_t N>
E Parse(const NameTable<E, N>& table, std::string_view s, const char* what) {
  for (const auto& [v, n] : table)
    if (n == s) return v;
  std::vector<std::string> names;
  for (const auto& [v, n] : table) names.emplace_back(n);
  throw UsageError("unknown " + std::string(what) + " '" + std::string(s) +
                   "'; valid values are: " + JoinNames(names));
}

template <typename E, size_t N>
std::vector<E> All(const NameTable<E, N>& table) {
  std::vector<E> out;
  for (const auto& [v, n] : table) out.push_back(v);
  return out;
}

}  // namespace

std::string_view ToString(PlatformKind p) { return Name(kPlatformNames, p); }
std::string_view ToString(Precision p) { return Name(kPrecisionNames, p); }
std::string_view ToString(Mode m) { return Name(kModeNames, m); }

PlatformKind ParsePlatformKind(std::string_view s) {
  // "cuda:0" names an instance of the cuda kind.
  return Parse(kPlatformNames, s.substr(0, s.find(':')), "platform");
}
Precision ParsePrecision(std::string_view s) {
  if (s == "4bit" || s == "4-bit") return Precision::kInt4;
  return Parse(kPrecisionNames, s, "precision");
}
Mode ParseMode(std::string_view s) { return Parse(kModeNames, s, "mode"); }

const std::vector<PlatformKind>& AllPlatformKinds() {
  static const auto v = All(kPlatformNames);
  return v;
}
const std::vector<Precision>& AllPrecisions() {
  static const auto v = All(kPrecisionNames);
  return v;
}
const std::vector<Mode>& AllModes() {
  static const auto v = All(kModeNames);
  return v;
}

double BytesPerElement(Precision p) {
  switch (p) {
    case Precision::kFp32: return 4;
    case Precision::kFp16:
    case Precision::kBf16: return 2;
    case Precision::kInt8: return 1;
    case Precision::kInt4: return 0.5;
  }
  return 4;
}

}  // namespace accelbench
