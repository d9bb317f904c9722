// Builds without libtorch: data-parallel training is unavailable (the rest of src/cluster works).
#include "cluster/distributed.h"
#include "core/errors.h"

namespace accelbench::cluster {

nlohmann::json RunRank(const RankJob&) {
  throw UnsupportedError("data-parallel training needs the libtorch backend (not in this build)");
}

int RunRankCommand() {
  RunRank(RankJob{});
  return 3;
}

}  // namespace accelbench::cluster
