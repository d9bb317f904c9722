#include "predict/peaks.h"

#include <algorithm>
#include <cctype>

#include "store/database.h"
#include "store/duck.h"

namespace accelbench::predict {
namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string KindOf(const std::string& platform) { return platform.substr(0, platform.find(':')); }

struct Cal {
  std::string device;
  double value = 0;
};

// Newest calibration of `precision` whose device ends with "/<platform>", this host first.
std::optional<Cal> FindCalibration(store::Database& db, const std::string& host,
                                   const std::string& platform, const std::string& precision,
                                   const char* column) {
  auto st = db.connection().Prepare(std::string("SELECT device, ") + column +
                                    " FROM calibrations WHERE precision = $1 AND " + column +
                                    " IS NOT NULL AND (device = $2 OR device LIKE $3) "
                                    "ORDER BY (device = $2) DESC, measured_utc DESC LIMIT 1");
  st.Bind(1, precision).Bind(2, host + "/" + platform).Bind(3, "%/" + platform);
  auto r = st.Execute();
  if (r.Rows() == 0) return std::nullopt;
  return Cal{r.String(0, 0), r.Real(1, 0)};
}

}  // namespace

std::string Peaks::Describe() const {
  std::string s = "peak FLOP/s: " + (flops > 0 ? flops_source : std::string("unknown"));
  s += "; memory bandwidth: " + (bandwidth > 0 ? bandwidth_source : std::string("unknown"));
  return s;
}

const std::vector<VendorSpec>& VendorSpecs() {
  // Dense peaks from the vendors' data sheets (tensor-core numbers without sparsity).
  static const std::vector<VendorSpec> specs = {
      {"NVIDIA H100 SXM", "cuda", 67e12, 494.7e12, 989.4e12, 989.4e12, 1978.9e12, 3.35e12},
      {"NVIDIA H100 PCIe", "cuda", 51e12, 378e12, 756e12, 756e12, 1513e12, 2.0e12},
      {"NVIDIA H200", "cuda", 67e12, 494.7e12, 989.4e12, 989.4e12, 1978.9e12, 4.8e12},
      {"NVIDIA A100 SXM 80GB", "cuda", 19.5e12, 156e12, 312e12, 312e12, 624e12, 2.039e12},
      {"NVIDIA A100 PCIe 40GB", "cuda", 19.5e12, 156e12, 312e12, 312e12, 624e12, 1.555e12},
      {"NVIDIA L4", "cuda", 30.3e12, 60e12, 121e12, 121e12, 242.5e12, 0.3e12},
      {"AMD Instinct MI300X", "rocm", 163.4e12, 653.7e12, 1307.4e12, 1307.4e12, 2614.9e12, 5.3e12},
      {"AMD Instinct MI250X", "rocm", 47.9e12, 47.9e12, 383e12, 383e12, 383e12, 3.2e12},
  };
  return specs;
}

const VendorSpec* FindVendorSpec(const std::string& name) {
  const std::string n = Lower(name);
  if (n.empty()) return nullptr;
  for (const auto& s : VendorSpecs())
    if (Lower(s.name).find(n) != std::string::npos) return &s;
  return nullptr;
}

const VendorSpec* DefaultVendorSpec(const std::string& platform_kind) {
  if (platform_kind == "cuda") return FindVendorSpec("H100 SXM");
  if (platform_kind == "rocm") return FindVendorSpec("MI300X");
  return nullptr;
}

double VendorFlops(const VendorSpec& s, const std::string& precision) {
  if (precision == "fp16") return s.fp16;
  if (precision == "bf16") return s.bf16;
  if (precision == "int8" || precision == "int4") return s.int8;
  return s.fp32;
}

std::optional<double> LookupBandwidth(store::Database& db, const std::string& device) {
  auto st = db.connection().Prepare(
      "SELECT mem_bandwidth FROM calibrations WHERE device = $1 AND mem_bandwidth IS NOT NULL "
      "ORDER BY measured_utc DESC LIMIT 1");
  st.Bind(1, device);
  auto r = st.Execute();
  if (r.Rows() == 0) return std::nullopt;
  return r.Real(0, 0);
}

Peaks LookupPeaks(store::Database& db, const std::string& host, const std::string& platform,
                  const std::string& precision, const std::string& device_name) {
  Peaks p;
  if (auto c = FindCalibration(db, host, platform, precision, "gemm_flops")) {
    p.flops = c->value;
    p.flops_source = "calibrated GEMM (" + c->device + ", " + precision + ")";
  } else if (auto c32 = FindCalibration(db, host, platform, "fp32", "gemm_flops");
             c32 && precision != "fp32" && device_name.empty()) {
    p.flops = c32->value;
    p.flops_source =
        "calibrated GEMM (" + c32->device + ", fp32; " + precision + " not calibrated)";
  }
  for (const char* any : {"stream_triad"}) {
    if (auto b = FindCalibration(db, host, platform, any, "mem_bandwidth")) {
      p.bandwidth = b->value;
      p.bandwidth_source = "calibrated STREAM triad (" + b->device + ")";
    }
  }
  const VendorSpec* spec = nullptr;
  bool assumed = false;
  if (!device_name.empty()) {
    spec = FindVendorSpec(device_name);
  } else if (p.flops == 0 || p.bandwidth == 0) {
    spec = DefaultVendorSpec(KindOf(platform));
    assumed = spec != nullptr;
  }
  if (spec) {
    const std::string label =
        std::string("vendor spec (") + spec->name +
        (assumed ? ", assumed for " + KindOf(platform) + "; --device picks" : "") + ")";
    if (p.flops == 0 || !device_name.empty()) {
      p.flops = VendorFlops(*spec, precision);
      p.flops_source = label;
      p.vendor_spec = true;
    }
    if (p.bandwidth == 0 || !device_name.empty()) {
      p.bandwidth = spec->bandwidth;
      p.bandwidth_source = label;
      p.vendor_spec = true;
    }
  }
  return p;
}

}  // namespace accelbench::predict
