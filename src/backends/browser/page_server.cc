#include "backends/browser/page_server.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace accelbench::backends::browser {
namespace {

std::string MimeOf(const std::string& path) {
  auto ends = [&](const char* s) {
    const std::string e(s);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".mjs") || ends(".js")) return "text/javascript";
  if (ends(".wasm")) return "application/wasm";
  if (ends(".json")) return "application/json";
  return "application/octet-stream";
}

bool ReadWhole(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

PageServer::PageServer(const ServedContent& content)
    : server_(std::make_unique<httplib::Server>()) {
  auto& svr = *server_;
  svr.set_default_headers({{"Cross-Origin-Opener-Policy", "same-origin"},
                           {"Cross-Origin-Embedder-Policy", "require-corp"},
                           {"Cross-Origin-Resource-Policy", "same-origin"},
                           {"Cache-Control", "no-store"}});
  svr.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  svr.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  for (const auto& [prefix, dir] : content.dirs)
    if (!svr.set_mount_point(prefix, dir)) throw RuntimeError("cannot serve directory " + dir);
  for (const auto& [url, file] : content.files) {
    svr.Get(url, [file = file](const httplib::Request&, httplib::Response& res) {
      std::string body;
      if (!ReadWhole(file, body)) {
        res.status = 404;
        return;
      }
      res.set_content(body, MimeOf(file).c_str());
    });
  }
  for (const auto& [url, c] : content.inline_content) {
    svr.Get(url, [c = c](const httplib::Request&, httplib::Response& res) {
      res.set_content(c.body, c.mime.c_str());
    });
  }
  svr.Post("/result", [this](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!result_) result_ = req.body;
    }
    cv_.notify_all();
    res.set_content("{}", "application/json");
  });
  port_ = svr.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw RuntimeError("cannot bind a loopback port for the browser page");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

PageServer::~PageServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string PageServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::optional<std::string> PageServer::WaitResult(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [this] { return result_.has_value(); });
  return result_;
}

}  // namespace accelbench::backends::browser
