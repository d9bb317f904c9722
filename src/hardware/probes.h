#pragma once
// Vendor probes. Each runs inside a probe child (isolated_probe.h), dlopens one vendor library,
// and returns {"ok": bool, "reason": "...", "library": path, "devices": [{"instance", "name",
// "memory_bytes", "details"}]}. Vendor function signatures are declared here by hand; no vendor
// headers are needed to build.
#include <nlohmann/json.hpp>
#include <string>

namespace accelbench::hardware {

nlohmann::json ProbeNvml(const std::string& library);        // libnvidia-ml.so.1
nlohmann::json ProbeCudaDriver(const std::string& library);  // libcuda.so.1
nlohmann::json ProbeRocmSmi(const std::string& library);     // librocm_smi64.so
nlohmann::json ProbeHip(const std::string& library);         // libamdhip64.so
nlohmann::json ProbeOpenVino(const std::string& library);    // libopenvino_c.so
// backend: "htp" or "cpu"; on a non-ARM host the HTP library is a simulator, not an NPU.
nlohmann::json ProbeQnn(const std::string& library, const std::string& backend);
nlohmann::json ProbeMetal();  // macOS only

// Helpers shared by the probe files.
nlohmann::json ProbeFailure(const std::string& library, const std::string& reason);
nlohmann::json ProbeSuccess(const std::string& library, nlohmann::json devices,
                            nlohmann::json details = nlohmann::json::object());

}  // namespace accelbench::hardware
