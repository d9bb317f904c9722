#include "models/lowering/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <filesystem>
#include <fstream>

#include "core/build_info.h"
#include "core/errors.h"
#include "models/lowering/onnx_ops.h"

namespace accelbench::models {

namespace fs = std::filesystem;

void CheckOnnxFile(const std::string& path) {
  try {
    onnx::checker::check_model(path);  // resolves external data relative to the model
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    if (!m.ParseFromIstream(&in)) throw RuntimeError("cannot parse " + path);
    onnx::ShapeInferenceOptions strict(/*check_type=*/true, /*error_mode=*/1);
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), strict);
  } catch (const onnx::checker::ValidationError& e) {
    throw RuntimeError("ONNX check failed for " + path + ": " + e.what());
  } catch (const onnx::InferenceError& e) {
    throw RuntimeError("ONNX shape inference failed for " + path + ": " + e.what());
  }
}

ExportResult ExportOnnx(const Family& family, const Config& cfg, const Workload& w,
                        const std::string& path, const ExportOptions& opt) {
  if (opt.opset != 17)
    throw UnsupportedError("ONNX opset " + std::to_string(opt.opset) +
                           " (the exporter writes opset 17, the newest libonnx 1.12 checks)");
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("accelbench");
  model.set_producer_version(std::string(GetBuildInfo().version));
  model.set_model_version(1);
  auto* imp = model.add_opset_import();
  imp->set_domain("");
  imp->set_version(opt.opset);
  auto* graph = model.mutable_graph();
  graph->set_name(family.Info().name);

  ExportResult res;
  res.path = path;
  const std::string data_path = path + ".data";
  {
    OnnxOpsOptions oo;
    oo.precision = opt.precision;
    oo.seed = opt.seed;
    oo.external_data_threshold_bytes = opt.external_data_threshold_bytes;
    oo.external_data_path = data_path;
    oo.external_data_location = fs::path(data_path).filename().string();
    OnnxOps ops(*graph, oo);
    Inputs in;
    for (const auto& d : family.InputsFor(cfg, w, Mode::kInference))
      in.emplace(d.name, ops.Input(d.name, d.dtype, d.dims));
    for (const auto& [name, t] : family.Forward(ops, cfg, in)) ops.Output(name, t);
    res.initializers = ops.initializers();
  }  // closes the external data file
  res.nodes = graph->node_size();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !model.SerializeToOstream(&out)) throw RuntimeError("cannot write " + path);
  }
  std::error_code ec;
  if (fs::file_size(data_path, ec) == 0 && !ec)
    fs::remove(data_path, ec);
  else
    res.data_path = data_path;
  res.bytes = static_cast<int64_t>(fs::file_size(path));
  if (!res.data_path.empty()) res.bytes += static_cast<int64_t>(fs::file_size(data_path));
  CheckOnnxFile(path);
  return res;
}

}  // namespace accelbench::models
