#pragma once
// A loopback HTTP server (cpp-httplib) on 127.0.0.1 and a free port for one browser run. It
// serves directories, single files and in-memory content, every response with
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (so the
// page is crossOriginIsolated and WASM threads work), and receives the page's answer as a POST
// to /result. The server thread stops in the destructor.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace accelbench::backends::browser {

struct ServedContent {
  std::map<std::string, std::string> dirs;   // URL prefix ("/ort/") -> directory
  std::map<std::string, std::string> files;  // URL path -> file
  struct Inline {
    std::string body, mime;
  };
  std::map<std::string, Inline> inline_content;  // URL path -> content
};

class PageServer {
 public:
  explicit PageServer(const ServedContent& content);  // throws RuntimeError when it cannot bind
  ~PageServer();
  PageServer(const PageServer&) = delete;
  PageServer& operator=(const PageServer&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const;
  // The body of the first POST /result, waiting until `deadline` (nullopt on timeout).
  std::optional<std::string> WaitResult(std::chrono::steady_clock::time_point deadline);
  // Like WaitResult but returns at once when `stop()` becomes true.
  template <class Stop>
  std::optional<std::string> WaitResultOr(std::chrono::steady_clock::time_point deadline,
                                          Stop stop) {
    while (std::chrono::steady_clock::now() < deadline) {
      auto step =
          std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
      if (auto r = WaitResult(step)) return r;
      if (stop()) return WaitResult(std::chrono::steady_clock::now());
    }
    return std::nullopt;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<std::string> result_;
};

}  // namespace accelbench::backends::browser
