#include "runner/progress.h"

#include <unistd.h>

#include <cmath>

namespace accelbench::runner {

Progress::Progress(std::FILE* out, int terminal)
    : out_(out), terminal_(terminal < 0 ? isatty(fileno(out)) != 0 : terminal != 0) {}

std::string Progress::FormatSeconds(double s) {
  const auto t = static_cast<int64_t>(std::llround(s));
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(t / 3600),
                  static_cast<long long>(t / 60 % 60), static_cast<long long>(t % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(t / 60),
                  static_cast<long long>(t % 60));
  return buf;
}

void Progress::Begin(size_t total) {
  total_ = total;
  done_ = 0;
  start_ = std::chrono::steady_clock::now();
}

void Progress::Draw() {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string eta = "?";
  if (done_ > 0 && total_ >= done_)
    eta = FormatSeconds(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_));
  const int width = 24;
  const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(width, '.');
  std::string cur = current_;
  if (cur.size() > 60) cur = cur.substr(0, 57) + "...";
  std::fprintf(out_, "\r\033[K[%s] %zu/%zu %s elapsed %s eta %s", bar.c_str(), done_, total_,
               cur.c_str(), FormatSeconds(elapsed).c_str(), eta.c_str());
  std::fflush(out_);
}

void Progress::Started(const std::string& key) {
  current_ = key;
  if (terminal_) Draw();
}

void Progress::Finished(const std::string& key, const std::string& status) {
  ++done_;
  if (terminal_) {
    Draw();
  } else {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(out_, "[%zu/%zu] %s %s (elapsed %s)\n", done_, total_, key.c_str(), status.c_str(),
                 FormatSeconds(elapsed).c_str());
    std::fflush(out_);
  }
}

void Progress::End() {
  if (terminal_) {
    std::fprintf(out_, "\n");
    std::fflush(out_);
  }
}

}  // namespace accelbench::runner
