#include "runner/stream_triad.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace accelbench::runner {

double MeasureTriadBandwidth(const TriadOptions& o) {
  const size_t n = std::max<size_t>(o.elements, 1024);
  const int threads = o.threads > 0
                          ? o.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  const double s = 3.0;
  auto for_chunks = [&](auto&& body) {
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      const size_t lo = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
      const size_t hi = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
      ts.emplace_back([&body, lo, hi] { body(lo, hi); });
    }
    for (auto& t : ts) t.join();
  };
  // First touch by the threads that will use the pages.
  for_chunks([&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) {
      a[i] = 0;
      b[i] = 1;
      c[i] = 2;
    }
  });
  double best = 0;
  for (int r = 0; r < std::max(o.repeats, 1); ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for_chunks([&](size_t lo, size_t hi) {
      double* __restrict pa = a.get();
      const double* __restrict pb = b.get();
      const double* __restrict pc = c.get();
      for (size_t i = lo; i < hi; ++i) pa[i] = pb[i] + s * pc[i];
    });
    const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sec > 0) best = std::max(best, 24.0 * static_cast<double>(n) / sec);
  }
  return best;
}

}  // namespace accelbench::runner
