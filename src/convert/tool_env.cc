#include "convert/tool_env.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/env_block.h"
#include "core/errors.h"

namespace accelbench::convert {

namespace fs = std::filesystem;

namespace {
bool IsExecutable(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::string InPath(const std::string& tool, const std::optional<std::string>& path) {
  if (!path) return {};
  size_t start = 0;
  while (start <= path->size()) {
    const size_t colon = path->find(':', start);
    const std::string dir =
        path->substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty() && IsExecutable(fs::path(dir) / tool)) return (fs::path(dir) / tool).string();
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {};
}
}  // namespace

EnvFn ProcessEnv() {
  return [](const std::string& k) -> std::optional<std::string> {
    const char* v = std::getenv(k.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

ToolLocation FindTool(const std::string& tool, const EnvFn& env) {
  ToolLocation loc;
  const bool qnn = tool.rfind("qnn-", 0) == 0;
  const auto path = env("PATH");
  if (qnn) {
    const auto root = env("QNN_SDK_ROOT");
    if (root && !root->empty()) {
      const fs::path p = fs::path(*root) / "bin" / "x86_64-linux-clang" / tool;
      if (IsExecutable(p)) return {p.string(), {}};
    }
    loc.path = InPath(tool, path);
    if (!loc.found())
      loc.reason = tool + ": " +
                   (root && !root->empty()
                        ? "not in $QNN_SDK_ROOT/bin/x86_64-linux-clang (" + *root + ") nor in PATH"
                        : "not in PATH, QNN_SDK_ROOT is not set");
    return loc;
  }
  loc.path = InPath(tool, path);
  if (loc.found()) return loc;
  const auto ov = env("INTEL_OPENVINO_DIR");
  if (ov && !ov->empty()) {
    for (const fs::path p : {fs::path(*ov) / "bin" / tool, fs::path(*ov) / "tools" / tool / tool})
      if (IsExecutable(p)) return {p.string(), {}};
    loc.reason = tool + ": not in PATH nor under $INTEL_OPENVINO_DIR (" + *ov + ")";
  } else {
    loc.reason = tool + ": not in PATH, INTEL_OPENVINO_DIR is not set";
  }
  return loc;
}

int RunTool(const std::string& path, const std::vector<std::string>& args,
            const std::string& log_path, const std::vector<std::string>& extra_env) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> argv_s = {path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  EnvBlock env(extra_env);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw RuntimeError("cannot start " + path + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw RuntimeError("waitpid failed for " + path);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace accelbench::convert
