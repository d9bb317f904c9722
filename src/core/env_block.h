#pragma once
// The environment for a child process: this process's variables with `overrides` ("KEY=VALUE")
// replacing or adding entries, as the null-terminated array execve/posix_spawn take. Build it
// before fork: data() stays valid while the EnvBlock lives.
#include <string>
#include <vector>

namespace accelbench {

class EnvBlock {
 public:
  explicit EnvBlock(const std::vector<std::string>& overrides);
  char** data() { return ptrs_.data(); }

 private:
  std::vector<std::string> vars_;
  std::vector<char*> ptrs_;
};

}  // namespace accelbench
