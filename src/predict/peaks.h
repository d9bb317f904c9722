#pragma once
// Device peaks for the roofline: GEMM FLOP/s and memory bandwidth, from the runner's calibrations
// (measured on that device) or, for hardware never calibrated here, from one table of vendor
// spec-sheet numbers. Every consumer prints `source`, so a vendor number is never taken for a
// measurement.
#include <optional>
#include <string>
#include <vector>

namespace accelbench::store {
class Database;
}

namespace accelbench::predict {

struct Peaks {
  double flops = 0;              // FLOP/s at the precision (0: unknown)
  double bandwidth = 0;          // bytes/s (0: unknown)
  std::string flops_source;      // "calibrated (host/cpu, fp32)", "vendor spec (NVIDIA H100 SXM)"
  std::string bandwidth_source;  // "calibrated (stream triad, host/cpu)", "vendor spec (...)"
  bool vendor_spec = false;      // either number comes from the vendor table
  std::string Describe() const;  // one line for outputs
};

struct VendorSpec {
  const char* name;                     // "NVIDIA H100 SXM"
  const char* kind;                     // platform kind it belongs to: "cuda", "rocm"
  double fp32, tf32, fp16, bf16, int8;  // dense FLOP/s (no sparsity)
  double bandwidth;                     // bytes/s
};

// The vendor spec-sheet table (dense peaks, no sparsity).
const std::vector<VendorSpec>& VendorSpecs();
// By case-insensitive substring of the name ("h100", "MI300X"); nullptr when absent.
const VendorSpec* FindVendorSpec(const std::string& name);
// The spec assumed for a platform kind never calibrated when no --device is given (cuda: H100
// SXM, the project's lent GPU; rocm: MI300X); nullptr for other kinds.
const VendorSpec* DefaultVendorSpec(const std::string& platform_kind);
double VendorFlops(const VendorSpec& s, const std::string& precision);

// Peaks of `platform` ("cpu", "cuda:0") on `host` at `precision`: the calibrations table first
// (this host, else any host with that platform), then the vendor table (`device_name` or the
// kind's default). A precision without its own calibration falls back to the fp32 calibration
// (said in the source).
Peaks LookupPeaks(store::Database& db, const std::string& host, const std::string& platform,
                  const std::string& precision, const std::string& device_name = "");

// Stored memory bandwidth of a device key ("host/cpu"), bytes/s.
std::optional<double> LookupBandwidth(store::Database& db, const std::string& device);

}  // namespace accelbench::predict
