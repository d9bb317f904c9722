#pragma once
// Sweep progress: a redrawn bar on a terminal (done/total, current configuration, elapsed,
// estimate), one plain line per configuration otherwise.
#include <chrono>
#include <cstdio>
#include <string>

namespace accelbench::runner {

class Progress {
 public:
  // `out` is usually stderr; `terminal` chooses the bar (default: isatty(out)).
  explicit Progress(std::FILE* out = stderr, int terminal = -1);
  virtual ~Progress() = default;
  void Begin(size_t total);
  void Started(const std::string& config_key);
  void Finished(const std::string& config_key, const std::string& status);
  void End();
  static std::string FormatSeconds(double s);

 private:
  void Draw();
  std::FILE* out_;
  bool terminal_;
  size_t total_ = 0, done_ = 0;
  std::string current_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace accelbench::runner
