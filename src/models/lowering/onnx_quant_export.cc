// Quantized export: fp32 export -> (calibration) -> QuantizeOnnxModel -> write -> check.
#include "models/lowering/onnx_quant_export.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"

namespace accelbench::models {

namespace fs = std::filesystem;

namespace {

// Removes the given files when it goes out of scope.
class Cleanup {
 public:
  explicit Cleanup(std::vector<std::string> files) : files_(std::move(files)) {}
  ~Cleanup() {
    std::error_code ec;
    for (const auto& f : files_) fs::remove(f, ec);
  }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;

 private:
  std::vector<std::string> files_;
};

int64_t FileBytes(const std::string& path) {
  std::error_code ec;
  int64_t n = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) return 0;
  return n;
}

// (min, max) of the named values over the calibration batches, from a copy of the fp32 model
// with those values as extra graph outputs.
std::map<std::string, std::pair<float, float>> Calibrate(const Family& family, const Config& cfg,
                                                         const Workload& w,
                                                         const onnx::ModelProto& fp32,
                                                         const std::vector<std::string>& values,
                                                         const std::string& tmp_path,
                                                         const QuantExportOptions& opt) {
  onnx::ModelProto m = fp32;
  auto* g = m.mutable_graph();
  std::set<std::string> outputs;
  for (const auto& o : g->output()) outputs.insert(o.name());
  for (const auto& v : values) {
    if (outputs.count(v)) continue;
    auto* o = g->add_output();
    o->set_name(v);
    o->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto_DataType_FLOAT);
  }
  SaveOnnxModel(m, tmp_path, opt.base.external_data_threshold_bytes);
  Cleanup cleanup({tmp_path, tmp_path + ".data"});
  std::map<std::string, std::pair<float, float>> ranges;
  for (const auto& v : values)
    ranges[v] = {std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest()};
  const auto descs = family.InputsFor(cfg, w, Mode::kInference);
  for (int b = 0; b < std::max(1, opt.calibration_batches); ++b) {
    const auto inputs = GenerateInputs(descs, opt.calibration_seed + static_cast<uint64_t>(b));
    const auto res = RunOnnxRuntimeNode(tmp_path, inputs, opt.ort);
    for (const auto& v : values) {
      auto it = res.outputs.find(v);
      if (it == res.outputs.end()) throw RuntimeError("calibration: no output " + v);
      auto& r = ranges[v];
      for (float x : it->second.f) {
        r.first = std::min(r.first, x);
        r.second = std::max(r.second, x);
      }
    }
  }
  return ranges;
}

int64_t ElementBytes(int32_t type) {
  switch (type) {
    case onnx::TensorProto_DataType_INT8:
    case onnx::TensorProto_DataType_UINT8:
    case onnx::TensorProto_DataType_BOOL:
      return 1;
    case onnx::TensorProto_DataType_FLOAT16:
    case onnx::TensorProto_DataType_BFLOAT16:
    case onnx::TensorProto_DataType_INT16:
    case onnx::TensorProto_DataType_UINT16:
      return 2;
    case onnx::TensorProto_DataType_INT64:
    case onnx::TensorProto_DataType_UINT64:
    case onnx::TensorProto_DataType_DOUBLE:
      return 8;
    default:
      return 4;
  }
}

}  // namespace

onnx::ModelProto LoadOnnxModel(const std::string& path) {
  onnx::ModelProto m;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw RuntimeError("cannot read " + path);
    if (!m.ParseFromIstream(&in)) throw RuntimeError("cannot parse " + path);
  }
  const fs::path dir = fs::path(path).parent_path();
  std::map<std::string, std::unique_ptr<std::ifstream>> files;
  for (auto& t : *m.mutable_graph()->mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto_DataLocation_EXTERNAL) continue;
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& e : t.external_data()) {
      if (e.key() == "location") location = e.value();
      if (e.key() == "offset") offset = std::stoll(e.value());
      if (e.key() == "length") length = std::stoll(e.value());
    }
    if (location.empty() || length < 0)
      throw RuntimeError(path + ": external initializer " + t.name() + " lacks location/length");
    auto& f = files[location];
    if (!f) {
      f = std::make_unique<std::ifstream>(dir / location, std::ios::binary);
      if (!*f) throw RuntimeError("cannot read " + (dir / location).string());
    }
    std::string bytes(static_cast<size_t>(length), '\0');
    f->seekg(offset);
    f->read(bytes.data(), length);
    if (!*f) throw RuntimeError("short read of " + t.name() + " in " + location);
    t.clear_external_data();
    t.set_data_location(onnx::TensorProto_DataLocation_DEFAULT);
    t.set_raw_data(std::move(bytes));
  }
  return m;
}

ExportResult SaveOnnxModel(onnx::ModelProto& model, const std::string& path,
                           int64_t external_data_threshold_bytes) {
  const std::string data_path = path + ".data";
  const std::string location = fs::path(data_path).filename().string();
  int64_t offset = 0;
  {
    std::ofstream data;
    for (auto& t : *model.mutable_graph()->mutable_initializer()) {
      const int64_t size = static_cast<int64_t>(t.raw_data().size());
      if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL ||
          size <= external_data_threshold_bytes)
        continue;
      if (!data.is_open()) {
        data.open(data_path, std::ios::binary | std::ios::trunc);
        if (!data) throw RuntimeError("cannot write " + data_path);
      }
      constexpr int64_t kAlign = 4096;
      const int64_t pad = (kAlign - offset % kAlign) % kAlign;
      data.write(std::string(static_cast<size_t>(pad), '\0').data(), pad);
      offset += pad;
      data.write(t.raw_data().data(), size);
      if (!data) throw RuntimeError("write failed: " + data_path);
      t.clear_raw_data();
      t.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
      auto add = [&](const char* k, const std::string& v) {
        auto* e = t.add_external_data();
        e->set_key(k);
        e->set_value(v);
      };
      add("location", location);
      add("offset", std::to_string(offset));
      add("length", std::to_string(size));
      offset += size;
    }
  }
  ExportResult r;
  r.path = path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !model.SerializeToOstream(&out)) throw RuntimeError("cannot write " + path);
  }
  std::error_code ec;
  if (offset == 0)
    fs::remove(data_path, ec);
  else
    r.data_path = data_path;
  r.nodes = model.graph().node_size();
  r.initializers = model.graph().initializer_size();
  r.bytes = FileBytes(path) + (r.data_path.empty() ? 0 : FileBytes(data_path));
  return r;
}

int64_t InitializerBytes(const std::string& path) {
  onnx::ModelProto m;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in || !m.ParseFromIstream(&in)) throw RuntimeError("cannot read " + path);
  }
  int64_t bytes = 0;
  for (const auto& t : m.graph().initializer()) {
    if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
      for (const auto& e : t.external_data())
        if (e.key() == "length") bytes += std::stoll(e.value());
      continue;
    }
    int64_t elements = 1;
    for (int64_t d : t.dims()) elements *= d;
    bytes += elements * ElementBytes(t.data_type());
  }
  return bytes;
}

QuantExportResult ExportQuantizedOnnx(const Family& family, const Config& cfg, const Workload& w,
                                      const std::string& path, const QuantExportOptions& opt) {
  if (opt.base.precision != Precision::kFp32)
    throw UnsupportedError("a quantized ONNX export from " +
                           std::string(ToString(opt.base.precision)) +
                           " (int8 and int4 are applied to the fp32 export)");
  const std::string tmp = opt.fp32_path.empty() ? path + ".fp32.tmp.onnx" : opt.fp32_path;
  Cleanup cleanup(opt.fp32_path.empty() ? std::vector<std::string>{tmp, tmp + ".data"}
                                        : std::vector<std::string>{});
  QuantExportResult res;
  ExportResult fp32 = ExportOnnx(family, cfg, w, tmp, opt.base);
  res.fp32_bytes = fp32.bytes;
  onnx::ModelProto model = LoadOnnxModel(tmp);
  OnnxQuantOptions q = opt.quant;
  if (q.activations == ActivationQuant::kStatic) {
    const auto values = WeightMatMulActivations(model, q);
    if (!values.empty())
      q.activation_ranges = Calibrate(family, cfg, w, model, values, path + ".calib.tmp.onnx", opt);
  }
  res.report = QuantizeOnnxModel(model, q);
  res.file = SaveOnnxModel(model, path, opt.base.external_data_threshold_bytes);
  CheckOnnxFile(path);
  if (opt.measure_deviation) {
    const auto inputs =
        GenerateInputs(family.InputsFor(cfg, w, Mode::kInference), opt.deviation_seed);
    const auto ref = RunOnnxRuntimeNode(tmp, inputs, opt.ort).outputs;
    const auto got = RunOnnxRuntimeNode(path, inputs, opt.ort).outputs;
    for (const auto& [name, r] : ref) {
      if (r.dtype != DType::kFloat) continue;
      auto it = got.find(name);
      if (it == got.end()) throw RuntimeError("quantized model lacks output " + name);
      res.deviation[name] = CompareOutputs(r, it->second);
    }
  }
  return res;
}

}  // namespace accelbench::models
