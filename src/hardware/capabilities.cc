// Every capability rule, in one place.
#include "hardware/capabilities.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.h"

namespace accelbench::hardware {
namespace {

const Verdict kYes = std::nullopt;

Verdict No(std::string why) { return Verdict(std::move(why)); }

// ---- precisions ----

Verdict CpuPrecision(const CpuInfo& cpu, Precision p) {
  switch (p) {
    case Precision::kFp32:
      return kYes;
    case Precision::kFp16:
      // libtorch 1.13 CPU fp16 kernels are partial: only offer fp16 where the ISA computes it.
      if (cpu.Has("avx512_fp16") || cpu.Has("amx_fp16") || cpu.Has("fp16_arith")) return kYes;
      return No(
          "this CPU has no native fp16 arithmetic (AVX512-FP16, AMX-FP16 or ARM FP16); "
          "libtorch 1.13 CPU fp16 kernels are partial");
    case Precision::kBf16:
      // oneDNN runs bf16 matmuls natively with AVX512-BF16 / AMX-BF16 (ARM: BF16 extension).
      if (cpu.Has("avx512_bf16") || cpu.Has("amx_bf16") || cpu.Has("bf16")) return kYes;
      return No("this CPU has no native bf16 (AVX512-BF16, AMX-BF16 or ARM BF16)");
    case Precision::kInt8:
      return kYes;  // issue 11: dynamic quantization of linears (fbgemm / oneDNN / QNNPACK engine)
    case Precision::kInt4:
      return kYes;  // issue 11: weight-only group-wise int4, dequantized on the fly per linear
  }
  return No("unknown precision");
}

Verdict CudaPrecision(const PlatformStatus& s, Precision p) {
  // issue 11: int8 linears on CUDA run on the int8 matmul (at::_int_mm, cuBLASLt int8: compute
  // capability >= 7.5); the backend refuses at load when its libtorch lacks it (torch < 2.1,
  // e.g. Debian's 1.13). int4 is weight-only (dequantized by ordinary tensor ops): any GPU.
  const auto& d = s.details;
  if (p == Precision::kInt8) {
    if (!d.contains("compute_capability_major") || !d["compute_capability_major"].is_number())
      return No(fmt::format("int8 needs compute capability >= 7.5; {} has an unknown one",
                            s.instance));
    const int major = d["compute_capability_major"].get<int>();
    const int minor = d.contains("compute_capability_minor") &&
                              d["compute_capability_minor"].is_number()
                          ? d["compute_capability_minor"].get<int>()
                          : 0;
    if (major > 7 || (major == 7 && minor >= 5)) return kYes;
    return No(fmt::format("int8 needs compute capability >= 7.5; {} has {}.{}", s.instance, major,
                          minor));
  }
  if (p != Precision::kBf16) return kYes;  // fp32, fp16, int4
  if (!d.contains("compute_capability_major") || !d["compute_capability_major"].is_number()) {
    return No(
        fmt::format("bf16 needs compute capability >= 8.0; {} has an unknown one", s.instance));
  }
  int major = d["compute_capability_major"].get<int>();
  if (major >= 8) return kYes;
  return No(fmt::format("bf16 needs compute capability >= 8.0; {} has {}", s.instance,
                        d.value("compute_capability", std::to_string(major))));
}

Verdict PrecisionVerdict(const HardwareReport& r, const PlatformStatus& s, Precision p) {
  switch (s.kind) {
    case PlatformKind::kCpu:
      return CpuPrecision(r.cpu, p);
    case PlatformKind::kCuda:
      return CudaPrecision(s, p);
    case PlatformKind::kRocm:
      if (p == Precision::kInt4) return No("no int4 kernels in the ROCm path");
      return kYes;
    case PlatformKind::kMps:
      if (p == Precision::kFp32 || p == Precision::kFp16) return kYes;
      if (p == Precision::kBf16) return No("bf16 on MPS needs macOS 14 and is not probed");
      return No("MPS has no int8/int4 kernels");
    case PlatformKind::kOpenVino:
      if (p == Precision::kFp32 || p == Precision::kFp16 || p == Precision::kInt8) return kYes;
      if (p == Precision::kBf16)
        return No(
            "OpenVINO picks bf16 internally through its precision hint; not a separate "
            "precision here");
      return No("OpenVINO int4 needs NNCF weight compression, not supported here");
    case PlatformKind::kQnn: {
      const bool htp = s.instance == "qnn:htp";
      if (p == Precision::kFp16 || p == Precision::kInt8) {
        if (htp || p == Precision::kInt8) return kYes;
        return No("the QNN CPU backend has no fp16 kernels");
      }
      if (p == Precision::kFp32) {
        if (!htp) return kYes;
        return No("the Hexagon NPU computes in fp16/int8, not fp32");
      }
      return No(fmt::format("QNN does not run {} here", ToString(p)));
    }
    case PlatformKind::kWebGpu:
    case PlatformKind::kWebNn:
    case PlatformKind::kWasm:
      if (p == Precision::kFp32 || p == Precision::kFp16) return kYes;
      // issue 11: the quantized ONNX lowering (int8 QDQ, int4 MatMulNBits) on wasm / webgpu.
      if ((p == Precision::kInt8 || p == Precision::kInt4) && s.kind != PlatformKind::kWebNn)
        return kYes;
      return No(fmt::format("{} runs fp32/fp16{} only, not {}", ToString(s.kind),
                            s.kind == PlatformKind::kWebNn ? "" : "/int8/int4", ToString(p)));
  }
  return No("unknown platform");
}

// ---- modes ----

Verdict ModeVerdict(PlatformKind k, Mode m) {
  switch (k) {
    case PlatformKind::kCpu:
    case PlatformKind::kCuda:
    case PlatformKind::kRocm:
    case PlatformKind::kMps:
      return kYes;
    case PlatformKind::kOpenVino:
    case PlatformKind::kQnn:
      if (m == Mode::kTraining)
        return No(fmt::format("{} is an inference-only runtime: no training", ToString(k)));
      return kYes;
    case PlatformKind::kWebGpu:
    case PlatformKind::kWebNn:
    case PlatformKind::kWasm:
      if (m == Mode::kInference) return kYes;
      if (m == Mode::kTraining) return No("web platforms run inference only: no training");
      return No(fmt::format("web platforms run full-forward inference only, no {}", ToString(m)));
  }
  return No("unknown platform");
}

// ---- families ----

Verdict FamilyVerdict(PlatformKind /*kind*/, std::string_view family) {
  const auto& known = KnownFamilies();
  if (std::find(known.begin(), known.end(), family) == known.end()) {
    return No(fmt::format("unknown model family '{}'; known: {}", family, JoinNames(known)));
  }
  // Every family is built from the same Ops facade (libtorch) and exports to ONNX (web,
  // OpenVINO, QNN), so none is excluded by platform. Whether a size fits is a memory check
  // (PlatformStatus::memory_bytes) and which modes a family has is the family's business.
  return kYes;
}

nlohmann::json VerdictJson(const Verdict& v) {
  if (!v) return {{"supported", true}};
  return {{"supported", false}, {"reason", *v}};
}

}  // namespace

const std::vector<std::string>& KnownFamilies() {
  static const std::vector<std::string> families = {
      "bert",    "t5",       "llama", "qwen2", "clip",       "vit", "clap",
      "whisper", "wav2vec2", "xclip", "llava", "llava_next", "detr"};
  return families;
}

PlatformCapabilities CapabilitiesOf(const HardwareReport& report, const PlatformStatus& s) {
  PlatformCapabilities c;
  c.kind = s.kind;
  c.instance = s.instance;
  for (Precision p : AllPrecisions()) c.precisions[p] = PrecisionVerdict(report, s, p);
  for (Mode m : AllModes()) c.modes[m] = ModeVerdict(s.kind, m);
  for (const auto& f : KnownFamilies()) c.families[f] = FamilyVerdict(s.kind, f);
  return c;
}

std::optional<std::string> WhyUnsupported(const HardwareReport& report, const PlatformStatus& s,
                                          Precision precision, Mode mode, std::string_view family) {
  if (!s.available) return fmt::format("{} unavailable: {}", s.instance, s.reason);
  if (auto v = PrecisionVerdict(report, s, precision))
    return fmt::format("{} on {}: {}", ToString(precision), s.instance, *v);
  if (auto v = ModeVerdict(s.kind, mode))
    return fmt::format("{} on {}: {}", ToString(mode), s.instance, *v);
  // issue 11: the libtorch int8/int4 lowering quantizes for inference (and decode) only.
  const bool torch_kind = s.kind == PlatformKind::kCpu || s.kind == PlatformKind::kCuda ||
                          s.kind == PlatformKind::kRocm || s.kind == PlatformKind::kMps;
  if (torch_kind && mode == Mode::kTraining &&
      (precision == Precision::kInt8 || precision == Precision::kInt4))
    return fmt::format("{} training on {}: the libtorch lowering quantizes for inference only",
                       ToString(precision), s.instance);
  if (auto v = FamilyVerdict(s.kind, family)) return *v;
  return std::nullopt;
}

std::optional<std::string> WhyUnsupported(const HardwareReport& report, PlatformKind kind,
                                          Precision precision, Mode mode, std::string_view family) {
  const auto statuses = report.OfKind(kind);
  if (statuses.empty()) return fmt::format("{} was not probed", ToString(kind));
  std::optional<std::string> first_reason;
  for (const PlatformStatus* s : statuses) {
    if (!s->available) continue;
    auto why = WhyUnsupported(report, *s, precision, mode, family);
    if (!why) return std::nullopt;
    if (!first_reason) first_reason = why;
  }
  if (first_reason) return first_reason;
  return WhyUnsupported(report, *statuses.front(), precision, mode, family);
}

nlohmann::json PlatformCapabilities::ToJson() const {
  nlohmann::json j;
  j["kind"] = std::string(ToString(kind));
  j["instance"] = instance;
  for (const auto& [p, v] : precisions) j["precisions"][std::string(ToString(p))] = VerdictJson(v);
  for (const auto& [m, v] : modes) j["modes"][std::string(ToString(m))] = VerdictJson(v);
  for (const auto& [f, v] : families) j["families"][f] = VerdictJson(v);
  return j;
}

nlohmann::json CapabilityMatrixJson(const HardwareReport& report) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : report.platforms) {
    nlohmann::json j = CapabilitiesOf(report, s).ToJson();
    j["available"] = s.available;
    j["reason"] = s.reason;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace accelbench::hardware
