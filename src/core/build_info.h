#pragma once
// Identity of this build, recorded with every run (environment fingerprint).
#include <string_view>

namespace accelbench {

struct BuildInfo {
  std::string_view version;
  std::string_view commit;
  std::string_view build_type;
  std::string_view compiler;
};

const BuildInfo& GetBuildInfo();

}  // namespace accelbench
