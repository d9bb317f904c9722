// accelbench web-opt: the three web optimizations of issue 6, each measured OFF and ON in headless
// Chromium, both results stored in the database (options_json carries the switch):
//   web-opt precompile FAMILY     shader_precompile=off|on (first inference vs load-time cost)
//   web-opt mel MODEL             audio_frontend=webgpu|wasm (WGSL compute shaders vs the page's
//                                 CPU path; autotuned workgroup stored in webgpu_autotune)
//   web-opt parallel-load FAMILY  parallel_load=off|on in the browser (component sessions) and on
//                                 native libtorch (one thread per component)
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "backends/browser/browser_probe.h"
#include "backends/browser/mel_browser.h"
#include "backends/browser/webopt_mel_reference.h"
#include "backends/browser/webopt_run.h"
#include "backends/browser/webopt_store.h"
#include "backends/torch/parallel_load.h"
#include "cli/command.h"
#include "core/errors.h"
#include "models/inputs.h"
#include "models/lowering/meta_ops.h"
#include "models/lowering/onnx_components.h"
#include "stats/stats.h"

namespace accelbench::cli {
namespace {
namespace fs = std::filesystem;
namespace br = backends::browser;
using nlohmann::json;

struct WebFlags {
  std::string db = "accelbench.duckdb";
  std::string family, preset = "tiny", ep = "webgpu";
  int64_t batch = 1, seq = 16;
  int timeout_s = 600;
  bool graph_capture = false;
  // mel
  double seconds = 1.0;
  std::string workgroup = "stored";
  int iters = 5;
  // parallel-load
  int native_repeats = 5;
  bool skip_browser = false, skip_native = false;
  std::string command;
};

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("accelbench-webopt-" + store::NewUuid())) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Prepared {
  const models::Family* family;
  models::Preset preset;
  models::Workload w;
  std::map<std::string, models::HostTensor, std::less<>> inputs;
  std::vector<std::string> outputs;
};

Prepared Prepare(const WebFlags& f) {
  Prepared p{&models::FindFamily(f.family), {}, {}, {}, {}};
  p.preset = p.family->FindPreset(f.preset);
  if (f.batch < 1 || f.seq < 1) throw UsageError("--batch and --seq must be positive");
  p.w.batch = f.batch;
  p.w.seq_len = f.seq;
  const auto descs = p.family->InputsFor(p.preset.config, p.w, Mode::kInference);
  p.inputs = models::GenerateInputs(descs, models::kDefaultSeed);
  models::MetaOps meta;
  models::Inputs in;
  for (const auto& d : descs) in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
  for (const auto& [name, t] : p.family->Forward(meta, p.preset.config, in))
    p.outputs.push_back(name);
  return p;
}

br::BrowserRunOptions RunOptions(const WebFlags& f) {
  br::BrowserRunOptions o;
  o.ep = f.ep;
  o.timeout = std::chrono::seconds(f.timeout_s);
  o.protocol.warmup = 1;
  o.protocol.min_iterations = 3;
  o.protocol.budget_ms = 20000;
  return o;
}

std::string Ms(std::optional<double> v) {
  if (!v) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << *v;
  return s.str();
}

// The stored row's reason says when WebGPU ran on a software adapter (SwiftShader, lavapipe): the
// terminal table says it too, once per distinct reason, under the table.
void PrintNotes(const std::set<std::string>& notes) {
  for (const auto& n : notes)
    if (!n.empty()) std::cout << "note: " << n << "\n";
}

int Precompile(const WebFlags& f) {
  const Prepared p = Prepare(f);
  TempDir tmp;
  models::ExportOptions eo;
  eo.external_data_threshold_bytes = std::numeric_limits<int64_t>::max();
  const std::string model = (tmp.path() / "model.onnx").string();
  models::ExportOnnx(*p.family, p.preset.config, p.w, model, eo);
  auto db = store::Database::Open(f.db);
  const std::string run =
      br::BeginWebOptRun(db, f.command, {{"optimization", "shader_precompile"}});
  bool ok = true;
  std::set<std::string> notes;
  std::cout << "shader_precompile  load_ms  first_inference_ms  steady_p50_ms  precompile_ms\n";
  for (const std::string sw : {"off", "on"}) {
    std::map<std::string, std::string> opts{{"shader_precompile", sw}};
    if (f.graph_capture) opts["graph_capture"] = "on";
    try {
      const auto r = br::RunWebOptInBrowser({br::SingleComponent(model, p.inputs)}, p.outputs,
                                            p.inputs, opts, RunOptions(f));
      const json comp = r.timings.at("components").at("model");
      json eff = {{"fetch_ms", r.fetch_ms},
                  {"create_ms", comp.value("create_ms", 0.0)},
                  {"precompile_ms", comp.value("precompile_ms", 0.0)},
                  {"graph_capture", comp.value("graph_capture", false)},
                  {"first_output_ms", r.first_output_ms},
                  {"stop", r.stop}};
      auto rec = br::WebOptRecord(run, p.family->Info().name, p.preset.name, "onnxruntime-web",
                                  f.ep, r.meta, opts, eff, f.batch, r.samples_ms);
      rec.seq_len = f.seq;
      rec.load_ms = r.load_ms;
      rec.first_inference_ms = r.first_ms;
      rec.warmup_iterations = static_cast<int64_t>(r.warmup_ms.size());
      if (r.stop == "budget") rec.status = ResultStatus::kNotConverged;
      db.InsertResult(rec, r.samples_ms);
      notes.insert(rec.reason);
      std::cout << std::setw(17) << sw << "  " << std::setw(7) << Ms(r.load_ms) << "  "
                << std::setw(18) << Ms(r.first_ms) << "  " << std::setw(13) << Ms(rec.lat_p50_ms)
                << "  " << std::setw(13) << Ms(comp.value("precompile_ms", 0.0)) << "\n";
    } catch (const RuntimeError& e) {
      ok = false;
      auto rec = br::WebOptRecord(run, p.family->Info().name, p.preset.name, "onnxruntime-web",
                                  f.ep, json::object(), opts, json::object(), f.batch, {});
      rec.status = ResultStatus::kFailed;
      rec.reason = e.what();
      db.InsertResult(rec, {});
      std::cerr << "shader_precompile=" << sw << ": " << e.what() << "\n";
    }
  }
  br::FinishWebOptRun(db, run, ok);
  PrintNotes(notes);
  std::cout << "stored in " << f.db << " (run " << run << ")\n";
  return static_cast<int>(ok ? ExitCode::kOk : ExitCode::kRuntime);
}

int Mel(const WebFlags& f) {
  br::MelJob job = br::MelJobFor(f.family, f.batch, f.seconds);
  job.iters = f.iters;
  job.timeout = std::chrono::seconds(f.timeout_s);
  // The WGSL kernel the page picks: radix-2 FFT for power-of-two n_fft <= 2048, else direct DFT.
  const int64_t n = job.mel.n_fft;
  const std::string kernel =
      job.front == "normalize"
          ? job.front + ":" + f.family
          : job.front + ":" + f.family + ((n & (n - 1)) == 0 && n <= 2048 ? ":fft" : ":dft");
  const std::string problem = "b" + std::to_string(job.batch) + "_n" + std::to_string(job.samples);
  auto db = store::Database::Open(f.db);
  if (f.workgroup == "stored") {
    job.workgroup = "auto";
    const json probe = br::RunBrowserProbe(std::chrono::seconds(60));
    const json gpu = probe.value("webgpu", json::object());
    if (gpu.value("available", false)) {
      const auto stored = br::LookupAutotune(
          db, br::BrowserName(probe), gpu.value("architecture", std::string()), kernel, problem);
      if (stored) job.workgroup = *stored;
    }
  } else {
    job.workgroup = f.workgroup;
  }
  const std::string run = br::BeginWebOptRun(db, f.command, {{"optimization", "audio_frontend"}});
  const auto r = br::RunMelInBrowser(job);
  const auto ref = br::NativeFrontEnd(job);
  if (!r.trials.empty())
    br::StoreAutotune(db, run, r.meta, kernel, problem, r.trials, r.best_workgroup);
  std::set<std::string> notes;
  std::cout << "audio_frontend  median_ms  max_abs_dev_vs_native  workgroup\n";
  for (const auto& [name, fe] : r.frontends) {
    const auto dev = br::Compare(fe.output, ref);
    json eff = {{"front", job.front},
                {"samples", job.samples},
                {"sample_rate", job.mel.sample_rate},
                {"n_fft", job.mel.n_fft},
                {"hop_length", job.mel.hop_length},
                {"n_mels", job.mel.n_mels},
                {"implementation", name == "webgpu" ? "WGSL compute shaders (mel.wgsl)"
                                                    : "page CPU path (JavaScript)"}};
    std::map<std::string, std::string> opts{{"audio_frontend", name}};
    if (name == "webgpu") {
      opts["workgroup"] = fe.workgroup;
      eff["autotuned"] = !r.trials.empty();
    }
    auto rec = br::WebOptRecord(run, f.family, "frontend", "web-audio-frontend", name, r.meta, opts,
                                eff, job.batch, fe.samples_ms);
    rec.output_max_abs_dev = dev.max_abs;
    if (dev.max_ref > 0) rec.output_rel_dev = dev.max_abs / dev.max_ref;
    rec.first_inference_ms = fe.samples_ms.empty() ? std::nullopt : std::optional(fe.median_ms);
    db.InsertResult(rec, fe.samples_ms);
    notes.insert(rec.reason);
    std::cout << std::setw(14) << name << "  " << std::setw(9) << Ms(fe.median_ms) << "  "
              << std::setw(21) << dev.max_abs << "  " << fe.workgroup << "\n";
  }
  if (r.frontends.count("webgpu") && r.frontends.count("wasm"))
    std::cout << "speedup webgpu vs wasm (median): "
              << r.frontends.at("wasm").median_ms / r.frontends.at("webgpu").median_ms << "x on "
              << br::WebPlatform("webgpu", r.meta) << " (" << br::BrowserName(r.meta) << ")\n";
  for (const auto& t : r.trials)
    std::cout << "  autotune " << t.workgroup << ": "
              << (t.median_ms ? Ms(*t.median_ms) + " ms" : "failed: " + t.error)
              << (t.workgroup == r.best_workgroup ? "  <- chosen" : "") << "\n";
  br::FinishWebOptRun(db, run, true);
  PrintNotes(notes);
  std::cout << "stored in " << f.db << " (run " << run << ")\n";
  return static_cast<int>(ExitCode::kOk);
}

int ParallelLoad(const WebFlags& f) {
  const Prepared p = Prepare(f);
  auto db = store::Database::Open(f.db);
  const std::string run = br::BeginWebOptRun(db, f.command, {{"optimization", "parallel_load"}});
  bool ok = true;
  std::set<std::string> notes;
  std::cout << "runtime          parallel_load  load_ms  first_output_ms\n";
  if (!f.skip_browser) {
    TempDir tmp;
    const auto ex = models::ExportComponents(*p.family, p.preset.config, p.w, tmp.path().string());
    for (const std::string sw : {"off", "on"}) {
      std::map<std::string, std::string> opts{{"parallel_load", sw}};
      try {
        const auto r =
            br::RunWebOptInBrowser(ex.components, ex.outputs, p.inputs, opts, RunOptions(f));
        json eff = {{"fetch_ms", r.fetch_ms},
                    {"first_output_ms", r.first_output_ms},
                    {"components", r.timings.value("components", json::object())},
                    {"stop", r.stop}};
        auto rec = br::WebOptRecord(run, p.family->Info().name, p.preset.name, "onnxruntime-web",
                                    f.ep, r.meta, opts, eff, f.batch, r.samples_ms);
        rec.seq_len = f.seq;
        rec.load_ms = r.load_ms;
        rec.first_inference_ms = r.first_ms;
        db.InsertResult(rec, r.samples_ms);
        notes.insert(rec.reason);
        std::cout << std::setw(15) << "onnxruntime-web"
                  << "  " << std::setw(13) << sw << "  " << std::setw(7) << Ms(r.load_ms) << "  "
                  << std::setw(15) << Ms(r.first_output_ms) << "\n";
      } catch (const RuntimeError& e) {
        ok = false;
        auto rec = br::WebOptRecord(run, p.family->Info().name, p.preset.name, "onnxruntime-web",
                                    f.ep, json::object(), opts, json::object(), f.batch, {});
        rec.status = ResultStatus::kFailed;
        rec.reason = e.what();
        db.InsertResult(rec, {});
        std::cerr << "parallel_load=" << sw << ": " << e.what() << "\n";
      }
    }
  }
#ifndef ACCELBENCH_HAVE_TORCH
  if (!f.skip_native)
    std::cerr << "parallel-load: the libtorch side is skipped: this build has no libtorch backend "
                 "(ACCELBENCH_WITH_TORCH=OFF)\n";
#else
  if (!f.skip_native) {
    for (const bool parallel : {false, true}) {
      std::vector<double> totals;
      json comps = json::object();
      for (int i = 0; i < std::max(1, f.native_repeats); ++i) {
        const auto r = backends::LoadComponents(*p.family, p.preset.config, p.w, parallel);
        totals.push_back(r.total_ms);
        for (const auto& [name, c] : r.components)
          comps[name] = {{"ms", c.ms}, {"params", c.params}, {"tensors", c.tensors}};
      }
      const std::string sw = parallel ? "on" : "off";
      json eff = {{"load_ms_repeats", totals},
                  {"components_last", comps},
                  {"load", "seeded weights materialised as at::Tensor per component"}};
      auto rec = br::WebOptRecord(run, p.family->Info().name, p.preset.name, "libtorch", "cpu",
                                  json::object(), {{"parallel_load", sw}}, eff, f.batch, {});
      rec.load_ms = stats::Median(totals);
      rec.reason = "load-time measurement only (median of " + std::to_string(totals.size()) +
                   " loads); no inference timed";
      db.InsertResult(rec, {});
      std::cout << std::setw(15) << "libtorch"
                << "  " << std::setw(13) << sw << "  " << std::setw(7) << Ms(rec.load_ms) << "  "
                << std::setw(15) << "-"
                << "\n";
    }
  }
#endif
  br::FinishWebOptRun(db, run, ok);
  PrintNotes(notes);
  std::cout << "stored in " << f.db << " (run " << run << ")\n";
  return static_cast<int>(ok ? ExitCode::kOk : ExitCode::kRuntime);
}

void CommonOptions(CLI::App* c, WebFlags& f, bool model) {
  c->add_option("--db", f.db, "Results database file")->default_val("accelbench.duckdb");
  c->add_option("--batch", f.batch, "Batch size")->default_val(1);
  c->add_option("--timeout", f.timeout_s, "Seconds per browser page")->default_val(600);
  if (!model) return;
  c->add_option("--preset", f.preset, "Preset")->default_val("tiny");
  c->add_option("--ep", f.ep, "Execution provider: webgpu or wasm")
      ->check(CLI::IsMember({"webgpu", "wasm"}));
  c->add_option("--seq", f.seq, "Text sequence length")->default_val(16);
}

}  // namespace

void AddWebOptCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "web-opt", "Measure the web optimizations (issue 6) OFF and ON in headless Chromium");
  cmd->require_subcommand(1);
  auto f = std::make_shared<WebFlags>();
  auto* pre = cmd->add_subcommand(
      "precompile", "shader_precompile=off|on: WebGPU warm-up inside session creation");
  pre->add_option("family", f->family, "Model family")->required();
  CommonOptions(pre, *f, true);
  pre->add_flag("--graph-capture", f->graph_capture,
                "Also enable onnxruntime-web's enableGraphCapture when precompiling");
  auto* mel = cmd->add_subcommand(
      "mel", "audio_frontend=webgpu|wasm: WGSL audio front end vs the page's CPU path");
  mel->add_option("model", f->family, "whisper, clap or wav2vec2")
      ->required()
      ->check(CLI::IsMember({"whisper", "clap", "wav2vec2"}));
  CommonOptions(mel, *f, false);
  mel->add_option("--seconds", f->seconds, "Clip length in seconds")->default_val(1.0);
  mel->add_option("--workgroup", f->workgroup,
                  "stored (the autotuner's stored choice, tuning when none), auto (tune now) or "
                  "XxYx1")
      ->default_val("stored");
  mel->add_option("--iters", f->iters, "Timed runs per front end (and per tuned shape)")
      ->default_val(5);
  auto* par = cmd->add_subcommand(
      "parallel-load", "parallel_load=off|on: component sessions (browser) and threads (libtorch)");
  par->add_option("family", f->family, "clip, clap, xclip, llava or llava_next")->required();
  CommonOptions(par, *f, true);
  par->add_option("--native-repeats", f->native_repeats, "libtorch loads per setting")
      ->default_val(5);
  par->add_flag("--no-browser", f->skip_browser, "Only the native libtorch measurement");
  par->add_flag("--no-native", f->skip_native, "Only the browser measurement");
  auto bind = [&action, f](int (*fn)(const WebFlags&), const char* name) {
    return [&action, f, fn, name] {
      f->command = std::string("accelbench web-opt ") + name + " " + f->family;
      action = [f, fn] { return fn(*f); };
    };
  };
  pre->callback(bind(&Precompile, "precompile"));
  mel->callback(bind(&Mel, "mel"));
  par->callback(bind(&ParallelLoad, "parallel-load"));
}

}  // namespace accelbench::cli
