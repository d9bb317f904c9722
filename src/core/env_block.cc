#include "core/env_block.h"

#include <unistd.h>  // environ (declared with _GNU_SOURCE, which C++ compilers define)

namespace accelbench {

EnvBlock::EnvBlock(const std::vector<std::string>& overrides) {
  auto key = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || key(o) == key(kv);
    if (!replaced) vars_.push_back(kv);
  }
  vars_.insert(vars_.end(), overrides.begin(), overrides.end());
  for (auto& v : vars_) ptrs_.push_back(v.data());
  ptrs_.push_back(nullptr);
}

}  // namespace accelbench
