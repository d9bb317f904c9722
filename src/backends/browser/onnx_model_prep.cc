#include "backends/browser/onnx_model_prep.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>

#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/onnx_export.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;

ExportedModel::ExportedModel(const LoadRequest& req) {
  if (req.mode != Mode::kInference)
    throw UnsupportedError("ONNX Runtime runs full-forward inference only, not " +
                           std::string(ToString(req.mode)));
  if (req.precision != Precision::kFp32 && req.precision != Precision::kFp16)
    throw UnsupportedError("the ONNX export runs fp32/fp16 only, not " +
                           std::string(ToString(req.precision)));
  const auto& family = models::FindFamily(req.family);
  const models::Config cfg =
      req.config.Fields().empty() ? family.FindPreset(req.preset).config : req.config;
  std::string tmpl = (fs::temp_directory_path() / "accelbench-onnx-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw RuntimeError("cannot create a temporary directory");
  dir_ = tmpl;
  path_ = dir_ + "/model.onnx";
  const auto t0 = std::chrono::steady_clock::now();
  try {
    models::ExportOptions eo;
    eo.precision = req.precision;
    eo.seed = req.seed;
    models::ExportOnnx(family, cfg, req.workload, path_, eo);
    inputs_ =
        models::GenerateInputs(family.InputsFor(cfg, req.workload, Mode::kInference), req.seed);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
  export_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

ExportedModel::~ExportedModel() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<float> PickLastOutput(const std::map<std::string, models::HostTensor>& outputs) {
  for (const char* name : {"logits", "last_hidden_state"})
    if (auto it = outputs.find(name); it != outputs.end()) return it->second.f;
  return outputs.empty() ? std::vector<float>{} : outputs.begin()->second.f;
}

}  // namespace accelbench::backends::browser
