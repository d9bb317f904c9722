#pragma once
// Helpers for the hardware tests: run a shell command, read its output and exit status.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace accelbench::hardware::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (stderr too when the command redirects it)
};

inline CommandResult RunCommand(const std::string& cmd) {
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string AccelbenchBin() {
  const char* b = std::getenv("ACCELBENCH_BIN");
  return b ? b : "";
}

}  // namespace accelbench::hardware::testing
