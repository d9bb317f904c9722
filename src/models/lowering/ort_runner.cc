#include "models/lowering/ort_runner.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <vector>

#include "core/env_block.h"
#include "core/errors.h"
#include "models/lowering/onnx_graph.h"
#include "models/weights.h"

namespace accelbench::models {

namespace fs = std::filesystem;

namespace {

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "accelbench-ort-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw RuntimeError("cannot create a temporary directory");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void WriteFile(const fs::path& p, const void* data, size_t n) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!out) throw RuntimeError("cannot write " + p.string());
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw RuntimeError("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(const std::string& s, size_t n = 2000) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

// Spawns argv with stdout+stderr to `log` and TMPDIR set to `tmpdir`; returns the exit status
// (or throws). onnxruntime's telemetry layer creates an empty mat-debug-<pid>.log in TMPDIR for
// every session: it goes into our own temporary directory, removed with it.
int Spawn(const std::vector<std::string>& argv, const fs::path& log, const fs::path& tmpdir) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  EnvBlock env({"TMPDIR=" + tmpdir.string()});
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    throw RuntimeError("cannot start '" + argv[0] + "' (" + std::strerror(rc) +
                       "): install Node.js (scripts/setup)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw RuntimeError("waitpid failed");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

std::string DefaultOrtScript() {
  const char* env = std::getenv("ACCELBENCH_SOURCE_DIR");
  const fs::path root = env && *env ? fs::path(env) : fs::path(ACCELBENCH_SOURCE_DIR);
  return (root / "web" / "node" / "run_ort.mjs").string();
}

OrtRunResult RunOnnxRuntimeNode(const std::string& model_path,
                                const std::map<std::string, HostTensor, std::less<>>& inputs,
                                const OrtRunOptions& opt) {
  using nlohmann::json;
  const bool fp16 = opt.precision == Precision::kFp16;
  TempDir tmp;
  json job;
  job["model"] = fs::absolute(model_path).string();
  job["output_dir"] = "out";
  job["options"] = json::object();
  if (opt.intra_op_threads > 0) job["options"]["intraOpNumThreads"] = opt.intra_op_threads;
  if (!opt.protocol_json.empty()) job["protocol"] = json::parse(opt.protocol_json);
  job["backend_options"] = json::object();
  for (const auto& [k, v] : opt.backend_options) job["backend_options"][k] = v;
  job["placement"] = opt.placement;
  job["inputs"] = json::array();
  int k = 0;
  for (const auto& [name, t] : inputs) {
    const std::string file = "in" + std::to_string(k++) + ".bin";
    std::string dtype;
    if (t.dtype == DType::kFloat && fp16) {
      std::vector<uint16_t> h(t.f.size());
      for (size_t i = 0; i < h.size(); ++i) h[i] = onnx_detail::FloatToHalf(t.f[i]);
      WriteFile(tmp.path() / file, h.data(), h.size() * 2);
      dtype = "float16";
    } else if (t.dtype == DType::kFloat) {
      WriteFile(tmp.path() / file, t.f.data(), t.f.size() * 4);
      dtype = "float32";
    } else if (t.dtype == DType::kInt64) {
      WriteFile(tmp.path() / file, t.i.data(), t.i.size() * 8);
      dtype = "int64";
    } else {
      std::vector<uint8_t> b(t.i.size());
      for (size_t i = 0; i < b.size(); ++i) b[i] = t.i[i] != 0;
      WriteFile(tmp.path() / file, b.data(), b.size());
      dtype = "bool";
    }
    job["inputs"].push_back({{"name", name}, {"dtype", dtype}, {"shape", t.shape}, {"file", file}});
  }
  const fs::path job_path = tmp.path() / "job.json";
  const std::string job_text = job.dump();
  WriteFile(job_path, job_text.data(), job_text.size());

  const std::string script = opt.script.empty() ? DefaultOrtScript() : opt.script;
  const fs::path log = tmp.path() / "log.txt";
  const int rc = Spawn({opt.node, script, job_path.string()}, log, tmp.path());
  if (rc != 0) {
    std::string msg = Tail(ReadFile(log));
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw RuntimeError("onnxruntime-node run failed (exit " + std::to_string(rc) + "): " + msg);
  }
  const json manifest = json::parse(ReadFile(tmp.path() / "out" / "outputs.json"));
  OrtRunResult res;
  res.log = ReadFile(log);
  {
    json m = manifest;
    m.erase("outputs");
    res.manifest_json = m.dump();
  }
  res.session_ms = manifest.value("session_ms", 0.0);
  res.run_ms = manifest.value("run_ms", 0.0);
  if (manifest.contains("version") && manifest["version"].is_string())
    res.runtime_version = manifest["version"].get<std::string>();
  for (const auto& o : manifest.at("outputs")) {
    HostTensor t;
    t.shape = o.at("shape").get<std::vector<int64_t>>();
    const std::string bytes = ReadFile(tmp.path() / "out" / o.at("file").get<std::string>());
    const std::string dtype = o.at("dtype");
    const auto n = static_cast<size_t>(Numel(t.shape));
    auto need = [&](size_t elem) {
      if (bytes.size() != n * elem)
        throw RuntimeError("onnxruntime-node output '" + o.at("name").get<std::string>() +
                           "' has the wrong size");
    };
    if (dtype == "float32") {
      need(4);
      t.dtype = DType::kFloat;
      t.f.resize(n);
      std::memcpy(t.f.data(), bytes.data(), bytes.size());
    } else if (dtype == "float16") {
      need(2);
      t.dtype = DType::kFloat;
      t.f.resize(n);
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, bytes.data() + 2 * i, 2);
        t.f[i] = onnx_detail::HalfToFloat(h);
      }
    } else if (dtype == "int64") {
      need(8);
      t.dtype = DType::kInt64;
      t.i.resize(n);
      std::memcpy(t.i.data(), bytes.data(), bytes.size());
    } else if (dtype == "bool") {
      need(1);
      t.dtype = DType::kBool;
      t.i.resize(n);
      for (size_t i = 0; i < n; ++i) t.i[i] = bytes[i] != 0;
    } else {
      throw RuntimeError("onnxruntime-node output of unsupported dtype " + dtype);
    }
    res.outputs.emplace(o.at("name").get<std::string>(), std::move(t));
  }
  return res;
}

}  // namespace accelbench::models
