#include <unistd.h>

#include <fstream>
#include <map>

#include "fuzz_target.h"

namespace accelbench::fuzz {

std::string WriteTemp(const uint8_t* data, size_t size, const std::string& extension) {
  static std::map<std::string, std::string> paths;
  auto& path = paths[extension];
  if (path.empty()) {
    const char* dir = getenv("TMPDIR");
    path = std::string(dir && *dir ? dir : "/tmp") + "/accelbench-fuzz-" +
           std::to_string(getpid()) + extension;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace accelbench::fuzz
