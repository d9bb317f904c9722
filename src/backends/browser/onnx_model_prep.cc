#include "backends/browser/onnx_model_prep.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/errors.h"
#include "models/family.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/onnx_quant_export.h"
#include "quant/precision_plan.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;

ExportedModel::ExportedModel(const LoadRequest& req) {
  if (req.mode != Mode::kInference)
    throw UnsupportedError("ONNX Runtime runs full-forward inference only, not " +
                           std::string(ToString(req.mode)));
  const bool quantized = req.precision == Precision::kInt8 || req.precision == Precision::kInt4;
  if (req.precision != Precision::kFp32 && req.precision != Precision::kFp16 && !quantized)
    throw UnsupportedError("the ONNX export runs fp32/fp16/int8/int4 only, not " +
                           std::string(ToString(req.precision)));
  if (!quantized)
    for (const char* k : {"precision_plan", "int4_group", "int4_scheme", "activations"})
      if (req.options.count(k))
        throw UsageError(std::string("backend option ") + k + " applies to --precision int8|int4");
  const auto& family = models::FindFamily(req.family);
  const models::Config cfg =
      req.config.Fields().empty() ? family.FindPreset(req.preset).config : req.config;
  std::string tmpl = (fs::temp_directory_path() / "accelbench-onnx-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw RuntimeError("cannot create a temporary directory");
  dir_ = tmpl;
  path_ = dir_ + "/model.onnx";
  const auto t0 = std::chrono::steady_clock::now();
  try {
    inputs_ =
        models::GenerateInputs(family.InputsFor(cfg, req.workload, Mode::kInference), req.seed);
    if (quantized) {
      ExportQuantized(req, family, cfg);
    } else {
      models::ExportOptions eo;
      eo.precision = req.precision;
      eo.seed = req.seed;
      models::ExportOnnx(family, cfg, req.workload, path_, eo);
    }
    weight_bytes_ = models::InitializerBytes(path_);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
  export_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

namespace {

// The plan of an int8/int4 request: --precision, precision_plan, int4_group, int4_scheme (the
// option names of the libtorch lowering, backends/torch/torch_quant.h).
quant::PrecisionPlan PlanOf(const LoadRequest& req) {
  auto opt = [&](const char* k) -> const std::string* {
    auto it = req.options.find(k);
    return it == req.options.end() ? nullptr : &it->second;
  };
  quant::PrecisionPlan plan = quant::PrecisionPlan::Uniform(req.precision);
  if (const auto* text = opt("precision_plan")) {
    plan = quant::PrecisionPlan::Parse(*text);
    Precision lowest = Precision::kFp32;
    for (Precision p : {Precision::kInt8, Precision::kInt4})
      if (plan.Uses(p)) lowest = p;
    if (lowest != req.precision)
      throw UsageError("precision_plan '" + plan.ToString() + "' runs groups in " +
                       std::string(ToString(lowest)) + ": run it with --precision " +
                       std::string(ToString(lowest)) +
                       " (the lowest precision of the plan labels the result)");
  }
  if (const auto* g = opt("int4_group")) {
    int64_t v = 0;
    try {
      v = std::stoll(*g);
    } catch (const std::exception&) {
    }
    if (v < 16 || (v & (v - 1)) != 0)
      throw UsageError(
          "int4_group for the ONNX lowering (MatMulNBits block_size) must be a power "
          "of two >= 16, got '" +
          *g + "'");
    plan.int4_group_size = v;
  }
  if (const auto* s = opt("int4_scheme")) {
    if (*s != "sym" && *s != "asym")
      throw UsageError("int4_scheme must be sym or asym, got '" + *s + "'");
    plan.int4_symmetric = *s == "sym";
  }
  return plan;
}

}  // namespace

void ExportedModel::ExportQuantized(const LoadRequest& req, const models::Family& family,
                                    const models::Config& cfg) {
  const quant::PrecisionPlan plan = PlanOf(req);
  models::QuantExportOptions opt;
  opt.base.seed = req.seed;
  opt.quant.precision_of = [plan](const std::string& param) {
    return plan.For(quant::GroupOfParam(param, /*linear=*/true));
  };
  auto act = req.options.find("activations");
  opt.quant.embedding_precision_of = [plan](const std::string& param) {
    return plan.For(quant::GroupOfParam(param, /*linear=*/false));
  };
  opt.quant.activations =
      models::ParseActivationQuant(act == req.options.end() ? "dynamic" : act->second);
  opt.quant.int4_block_size = plan.int4_group_size;
  opt.quant.int4_symmetric = plan.int4_symmetric;
  opt.ort.intra_op_threads = req.threads;
  opt.fp32_path = dir_ + "/fp32.onnx";
  const auto r = models::ExportQuantizedOnnx(family, cfg, req.workload, path_, opt);
  // The fp32 reference on the run's own inputs, then the fp32 file is no longer needed.
  reference_ = models::RunOnnxRuntimeNode(opt.fp32_path, inputs_, opt.ort).outputs;
  std::error_code ec;
  fs::remove(opt.fp32_path, ec);
  fs::remove(opt.fp32_path + ".data", ec);
  quantized_ = true;
  generative_ = family.Info().generative;
  details_["precision_plan"] = plan.ToString();
  details_["int4_block_size"] = std::to_string(plan.int4_group_size);
  details_["int4_scheme"] = plan.int4_symmetric ? "sym" : "asym";
  details_["activations"] = std::string(models::ToString(opt.quant.activations));
  details_["quantized_matmuls"] =
      std::to_string(r.report.int8_matmuls) + " int8, " + std::to_string(r.report.int4_matmuls) +
      " int4, " + std::to_string(r.report.fp32_matmuls) + " fp32; " +
      std::to_string(r.report.quantized_gathers) + " quantized embedding lookups";
  details_["deviation_reference"] =
      "fp32 export in onnxruntime-node on the run's inputs; quantized output from the measured "
      "runtime's last run";
}

std::map<std::string, double> ExportedModel::ResultFields(
    const std::map<std::string, models::HostTensor>& outputs) const {
  std::map<std::string, double> f;
  f["weight_bytes"] = static_cast<double>(weight_bytes_);
  if (!quantized_) return f;
  const std::string name = PickOutputName(reference_);
  auto ref = reference_.find(name);
  auto got = outputs.find(name);
  if (ref == reference_.end() || got == outputs.end())
    throw RuntimeError("quantized run: no output '" + name + "' to compare with fp32");
  const auto d = models::CompareOutputs(ref->second, got->second);
  if (!std::isfinite(d.max_abs)) throw RuntimeError("quantized output is not finite");
  f["output_max_abs_dev"] = d.max_abs;
  if (d.ref_scale > 0) f["output_rel_dev"] = d.max_abs / d.ref_scale;
  if (generative_ && name == "logits")
    if (auto ids = inputs_.find("input_ids"); ids != inputs_.end())
      f.merge(LmAgreement(ref->second, got->second, ids->second));
  return f;
}

std::map<std::string, double> LmAgreement(const models::HostTensor& fp32,
                                          const models::HostTensor& quantized,
                                          const models::HostTensor& ids) {
  std::map<std::string, double> f;
  if (fp32.shape.size() != 3 || quantized.shape != fp32.shape || ids.shape.size() != 2 ||
      ids.shape[0] != fp32.shape[0] || ids.shape[1] != fp32.shape[1])
    return f;
  const int64_t b = fp32.shape[0], s = fp32.shape[1], v = fp32.shape[2];
  if (v < 1 || static_cast<int64_t>(fp32.f.size()) != b * s * v ||
      static_cast<int64_t>(quantized.f.size()) != b * s * v)
    return f;
  auto row = [v](const models::HostTensor& t, int64_t bi, int64_t si, int64_t s_len) {
    return t.f.data() + (bi * s_len + si) * v;
  };
  auto argmax = [v](const float* p) { return std::max_element(p, p + v) - p; };
  // -log softmax(p)[target]
  auto nll = [v](const float* p, int64_t target) {
    const double m = *std::max_element(p, p + v);
    double sum = 0;
    for (int64_t k = 0; k < v; ++k) sum += std::exp(static_cast<double>(p[k]) - m);
    return m + std::log(sum) - static_cast<double>(p[target]);
  };
  int64_t same = 0;
  double nll_ref = 0, nll_q = 0;
  for (int64_t bi = 0; bi < b; ++bi)
    for (int64_t si = 0; si < s; ++si) {
      const float* r = row(fp32, bi, si, s);
      const float* q = row(quantized, bi, si, s);
      same += argmax(r) == argmax(q);
      if (si + 1 < s) {
        const int64_t target = ids.i[static_cast<size_t>(bi * s + si + 1)];
        if (target < 0 || target >= v) return {};
        nll_ref += nll(r, target);
        nll_q += nll(q, target);
      }
    }
  f["top1_agreement"] = static_cast<double>(same) / static_cast<double>(b * s);
  if (s >= 2) {
    const double n = static_cast<double>(b * (s - 1));
    f["ppl_fp32"] = std::exp(nll_ref / n);
    f["ppl_delta"] = std::exp(nll_q / n) - f["ppl_fp32"];
  }
  return f;
}

ExportedModel::~ExportedModel() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PickOutputName(const std::map<std::string, models::HostTensor>& outputs) {
  for (const char* name : {"logits", "last_hidden_state"})
    if (outputs.count(name)) return name;
  return outputs.empty() ? std::string() : outputs.begin()->first;
}

std::vector<float> PickLastOutput(const std::map<std::string, models::HostTensor>& outputs) {
  auto it = outputs.find(PickOutputName(outputs));
  return it == outputs.end() ? std::vector<float>{} : it->second.f;
}

}  // namespace accelbench::backends::browser
