#pragma once
// Finding and running the vendor tools of `accelbench convert`.
// Lookup: QNN tools in $QNN_SDK_ROOT/bin/x86_64-linux-clang, then PATH; `ovc` in PATH, then
// $INTEL_OPENVINO_DIR/bin and $INTEL_OPENVINO_DIR/tools/ovc. A tool that is not found comes
// back with the reason ("ovc: not in PATH, INTEL_OPENVINO_DIR is not set").
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accelbench::convert {

// Reads an environment variable (the process's own, or a test's map).
using EnvFn = std::function<std::optional<std::string>(const std::string&)>;
EnvFn ProcessEnv();

struct ToolLocation {
  std::string path;    // executable path; empty when not found
  std::string reason;  // why not found
  bool found() const { return !path.empty(); }
};

ToolLocation FindTool(const std::string& tool, const EnvFn& env);

// Runs `path args...` with stdout+stderr appended to `log_path` and `extra_env` ("K=V") added
// to the environment; returns the exit status (128 + signal when killed). Throws RuntimeError
// when it cannot start.
int RunTool(const std::string& path, const std::vector<std::string>& args,
            const std::string& log_path, const std::vector<std::string>& extra_env = {});

}  // namespace accelbench::convert
