// WriteScalingTable: the data-parallel scaling table and a text bar chart of samples/s.
#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <tuple>

#include "cluster/distributed.h"

namespace accelbench::cluster {

void WriteScalingTable(const std::vector<ResultRecord>& results, std::ostream& o) {
  std::vector<const ResultRecord*> rs;
  for (const auto& r : results)
    if (r.world_size) rs.push_back(&r);
  if (rs.empty()) return;
  std::stable_sort(rs.begin(), rs.end(), [](const ResultRecord* a, const ResultRecord* b) {
    return std::tie(a->model, a->preset, a->batch, a->seq_len, a->world_size) <
           std::tie(b->model, b->preset, b->batch, b->seq_len, b->world_size);
  });
  o << "\nscaling: data-parallel training (batch per rank; efficiency = samples/s / (world size "
       "x samples/s of one process))\n";
  char buf[320];
  std::snprintf(buf, sizeof buf, "%-16s %5s %5s %5s %11s %11s %10s %10s %12s  %s\n", "model",
                "batch", "seq", "world", "samples/s", "step p50 ms", "comm share", "efficiency",
                "allreduce MiB", "backend");
  o << buf;
  double max_thr = 0;
  for (const auto* r : rs) max_thr = std::max(max_thr, r->throughput.value_or(0));
  for (const auto* r : rs) {
    const std::string name = r->model + (r->preset.empty() ? "" : "/" + r->preset);
    if (r->status != ResultStatus::kOk && r->status != ResultStatus::kNotConverged) {
      std::snprintf(buf, sizeof buf, "%-16s %5lld %5lld %5lld  %s: %s\n", name.c_str(),
                    static_cast<long long>(r->batch), static_cast<long long>(r->seq_len),
                    static_cast<long long>(*r->world_size),
                    std::string(ToString(r->status)).c_str(), r->reason.c_str());
      o << buf;
      continue;
    }
    char eff[32] = "-";
    if (r->scaling_efficiency) std::snprintf(eff, sizeof eff, "%.2f", *r->scaling_efficiency);
    std::snprintf(buf, sizeof buf,
                  "%-16s %5lld %5lld %5lld %11.2f %11.2f %9.1f%% %10s %12.3f  %s\n", name.c_str(),
                  static_cast<long long>(r->batch), static_cast<long long>(r->seq_len),
                  static_cast<long long>(*r->world_size), r->throughput.value_or(0),
                  r->lat_p50_ms.value_or(0), 100 * r->comm_fraction.value_or(0), eff,
                  r->allreduce_bytes.value_or(0) / 1048576.0, r->comm_backend.c_str());
    o << buf;
  }
  if (max_thr <= 0) return;
  o << "\nsamples/s by world size\n";
  for (const auto* r : rs) {
    if (!r->throughput) continue;
    const int width = static_cast<int>(40 * *r->throughput / max_thr + 0.5);
    std::snprintf(buf, sizeof buf, "%-16s b%-4lld w%-3lld |%s %.1f\n",
                  (r->model + "/" + r->preset).c_str(), static_cast<long long>(r->batch),
                  static_cast<long long>(*r->world_size), std::string(width, '#').c_str(),
                  *r->throughput);
    o << buf;
  }
}

}  // namespace accelbench::cluster
