#include "convert/convert.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "models/family.h"
#include "models/inputs.h"
#include "models/lowering/onnx_export.h"
#include "models/lowering/onnx_quant_export.h"
#include "quant/precision_plan.h"

namespace accelbench::convert {

namespace fs = std::filesystem;

std::string_view ToString(Target t) {
  switch (t) {
    case Target::kOnnx:
      return "onnx";
    case Target::kOpenVino:
      return "openvino";
    case Target::kQnn:
      return "qnn";
  }
  return "onnx";
}

Target ParseTarget(std::string_view s) {
  for (auto t : {Target::kOnnx, Target::kOpenVino, Target::kQnn})
    if (s == ToString(t)) return t;
  throw UsageError("unknown conversion target '" + std::string(s) +
                   "' (valid values are: onnx, openvino, qnn)");
}

std::string_view ToString(StepStatus s) {
  switch (s) {
    case StepStatus::kRan:
      return "ran";
    case StepStatus::kFailed:
      return "failed";
    case StepStatus::kUnavailable:
      return "unavailable";
    case StepStatus::kNotRun:
      return "not_run";
    case StepStatus::kPrinted:
      return "printed";
  }
  return "not_run";
}

int ConvertOutcome::ExitCode() const {
  int code = 0;
  for (const auto& s : steps) {
    if (s.status == StepStatus::kFailed) return static_cast<int>(accelbench::ExitCode::kRuntime);
    if (s.status == StepStatus::kUnavailable || s.status == StepStatus::kNotRun)
      code = static_cast<int>(accelbench::ExitCode::kFinding);
  }
  return code;
}

namespace {

// The ONNX for the target: QNN always gets fp32 (its converter quantizes); otherwise fp32/fp16
// from ExportOnnx, int8/int4/plans from the quantized lowering.
std::string ExportModel(const ConvertRequest& req, const models::Family& family,
                        const models::Preset& preset, const models::Workload& w,
                        const std::string& path) {
  const Precision p = ParsePrecision(req.precision);
  const bool quantized = p == Precision::kInt8 || p == Precision::kInt4 || !req.plan.empty();
  std::ostringstream s;
  if (req.target == Target::kQnn || !quantized) {
    models::ExportOptions opt;
    opt.precision = req.target == Target::kQnn ? Precision::kFp32 : p;
    const auto r = models::ExportOnnx(family, preset.config, w, path, opt);
    s << "wrote " << r.path << ": " << ToString(opt.precision) << ", " << r.nodes << " nodes, "
      << r.bytes << " bytes";
    if (req.target == Target::kQnn && p != Precision::kFp32)
      s << " (fp32: qnn-onnx-converter applies " << ToString(p) << ")";
    return s.str();
  }
  quant::PrecisionPlan plan =
      req.plan.empty() ? quant::PrecisionPlan::Uniform(p) : quant::PrecisionPlan::Parse(req.plan);
  if (!req.plan.empty() && req.precision != "fp32") plan.default_precision = p;
  if (req.block_size > 0) plan.int4_group_size = req.block_size;
  models::QuantExportOptions opt;
  opt.quant.precision_of = [plan](const std::string& param) {
    return plan.For(quant::GroupOfParam(param, /*linear=*/true));
  };
  opt.quant.activations = models::ParseActivationQuant(req.activations);
  opt.quant.int4_block_size = plan.int4_group_size;
  opt.quant.int4_symmetric = plan.int4_symmetric;
  const auto r = models::ExportQuantizedOnnx(family, preset.config, w, path, opt);
  s << "wrote " << r.file.path << ": plan " << plan.ToString() << " (activations "
    << req.activations << "), " << r.file.nodes << " nodes, " << r.file.bytes << " bytes; "
    << r.report.int8_matmuls << " int8 + " << r.report.int4_matmuls << " int4 + "
    << r.report.fp32_matmuls << " fp32 weight matmuls";
  return s.str();
}

// Seeded calibration inputs as float32 raw files (qnn-onnx-converter's default input format)
// and the input list naming them, two batches.
std::string WriteCalibration(const models::Family& family, const models::Preset& preset,
                             const models::Workload& w, const fs::path& dir) {
  fs::create_directories(dir);
  const auto descs = family.InputsFor(preset.config, w, Mode::kInference);
  const fs::path list = dir / "input_list.txt";
  std::ofstream lst(list);
  for (int b = 0; b < 2; ++b) {
    const auto inputs = models::GenerateInputs(descs, 11 + static_cast<uint64_t>(b));
    std::string line;
    for (const auto& [name, t] : inputs) {
      const fs::path raw = dir / (name + "_" + std::to_string(b) + ".raw");
      std::vector<float> v = t.f;
      if (t.dtype != models::DType::kFloat) v.assign(t.i.begin(), t.i.end());
      std::ofstream out(raw, std::ios::binary);
      out.write(reinterpret_cast<const char*>(v.data()),
                static_cast<std::streamsize>(v.size() * sizeof(float)));
      if (!out) throw RuntimeError("cannot write " + raw.string());
      line += (line.empty() ? "" : " ") + name + ":=" + raw.string();
    }
    lst << line << "\n";
  }
  if (!lst) throw RuntimeError("cannot write " + list.string());
  return list.string();
}

void WriteManifest(const ConvertRequest& req, const ConvertOutcome& out) {
  nlohmann::json j;
  j["model"] = req.family;
  j["preset"] = req.preset;
  j["target"] = ToString(req.target);
  j["precision"] = req.precision;
  if (!req.plan.empty()) j["plan"] = req.plan;
  j["onnx"] = out.onnx;
  j["summary"] = out.summary;
  j["exit_code"] = out.ExitCode();
  j["steps"] = nlohmann::json::array();
  for (const auto& s : out.steps)
    j["steps"].push_back({{"tool", s.command.tool},
                          {"purpose", s.command.purpose},
                          {"command", s.command.Render()},
                          {"status", ToString(s.status)},
                          {"tool_path", s.tool_path},
                          {"reason", s.reason},
                          {"exit_code", s.exit_code},
                          {"log", s.log}});
  std::ofstream f(out.manifest);
  f << j.dump(2) << "\n";
  if (!f) throw RuntimeError("cannot write " + out.manifest);
}

}  // namespace

ConvertOutcome Convert(const ConvertRequest& req) {
  const auto& family = models::FindFamily(req.family);
  models::Preset preset =
      req.preset.empty() ? family.ReferencePreset() : family.FindPreset(req.preset);
  for (const auto& s : req.sets) preset.config.Override(s);
  const Precision p = ParsePrecision(req.precision);
  if (req.target == Target::kQnn && !req.plan.empty())
    throw UnsupportedError(
        "a per-layer precision plan for QNN (qnn-onnx-converter gets uniform bitwidths here; "
        "use --precision)");
  if (req.batch < 1 || req.seq_len < 1) throw UsageError("--batch and --seq-len must be >= 1");
  models::Workload w;
  w.batch = req.batch;
  w.seq_len = req.seq_len;
  const std::string name = family.Info().name + "-" + preset.name + "-" + req.precision;
  const fs::path out_dir = req.out_dir.empty() ? fs::path(".") : fs::path(req.out_dir);
  fs::create_directories(out_dir);
  ConvertOutcome out;
  // QNN converts the fp32 model (its converter quantizes); a plan is named as such.
  const std::string onnx_name =
      family.Info().name + "-" + preset.name + "-" +
      (req.target == Target::kQnn ? std::string("fp32") : req.precision) +
      (req.plan.empty() ? "" : "-plan");
  out.onnx = (out_dir / (onnx_name + ".onnx")).string();
  out.manifest = (out_dir / "convert.json").string();
  out.summary = ExportModel(req, family, preset, w, out.onnx);

  std::vector<ToolCommand> cmds;
  std::vector<std::string> extra_env;
  const EnvFn env = req.env ? req.env : ProcessEnv();
  if (req.target == Target::kOpenVino) {
    cmds = OpenVinoCommands({out.onnx, (out_dir / "openvino").string(), name, p});
  } else if (req.target == Target::kQnn) {
    QnnJob job;
    job.onnx = out.onnx;
    job.out_dir = (out_dir / "qnn").string();
    job.name = name;
    for (char& c : job.name)
      if (c == '-' || c == '.') c = '_';  // a C identifier: the converter names functions by it
    job.precision = p;
    for (const auto& d : family.InputsFor(preset.config, w, Mode::kInference))
      job.inputs.push_back({d.name, models::ConcreteShape(d)});
    if (p == Precision::kInt8 || p == Precision::kInt4)
      job.input_list = WriteCalibration(family, preset, w, out_dir / "qnn" / "calibration");
    cmds = QnnCommands(job);
    if (auto root = env("QNN_SDK_ROOT"); root && !root->empty()) {
      const auto ld = env("LD_LIBRARY_PATH");
      extra_env.push_back("LD_LIBRARY_PATH=" + *root + "/lib/x86_64-linux-clang" +
                          (ld && !ld->empty() ? ":" + *ld : ""));
    }
  }
  bool blocked = false;  // an earlier step did not produce its output
  for (size_t i = 0; i < cmds.size(); ++i) {
    ConvertStep step;
    step.command = cmds[i];
    const auto loc = FindTool(cmds[i].tool, env);
    step.tool_path = loc.path;
    if (req.print_only) {
      step.status = StepStatus::kPrinted;
      step.reason = loc.found() ? "" : "unavailable here: " + loc.reason;
    } else if (!loc.found()) {
      step.status = StepStatus::kUnavailable;
      step.reason = "unavailable here: " + loc.reason;
      blocked = true;
    } else if (blocked) {
      step.status = StepStatus::kNotRun;
      step.reason = "not run: an earlier step did not run";
    } else {
      fs::create_directories(out_dir / "logs");
      if (req.target == Target::kOpenVino) fs::create_directories(out_dir / "openvino");
      if (req.target == Target::kQnn) fs::create_directories(out_dir / "qnn");
      step.log =
          (out_dir / "logs" / (std::to_string(i + 1) + "-" + cmds[i].tool + ".log")).string();
      std::error_code ec;
      fs::remove(step.log, ec);
      step.exit_code = RunTool(loc.path, cmds[i].args, step.log, extra_env);
      step.status = step.exit_code == 0 ? StepStatus::kRan : StepStatus::kFailed;
      if (step.exit_code != 0) {
        step.reason = cmds[i].tool + " exited with status " + std::to_string(step.exit_code) +
                      " (log: " + step.log + ")";
        blocked = true;
      }
    }
    out.steps.push_back(std::move(step));
  }
  WriteManifest(req, out);
  return out;
}

}  // namespace accelbench::convert
