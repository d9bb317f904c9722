#include "backends/browser/page_run.h"

#include <cstdlib>
#include <filesystem>

#include "backends/browser/chromium_process.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;

std::string SourceDir() {
  const char* env = std::getenv("ACCELBENCH_SOURCE_DIR");
  return env && *env ? std::string(env) : std::string(ACCELBENCH_SOURCE_DIR);
}

ServedContent HarnessContent() {
  const fs::path root = SourceDir();
  const fs::path ort = root / "third_party/web/node_modules/onnxruntime-web/dist";
  if (!fs::exists(ort / "ort.all.min.mjs"))
    throw RuntimeError("onnxruntime-web not found in " + ort.string() + " (run scripts/setup)");
  ServedContent c;
  c.dirs["/harness"] = (root / "web/harness").string();
  c.dirs["/ort"] = ort.string();
  return c;
}

PageResult RunPage(const PageRequest& req) {
  const std::string binary = req.chromium.empty() ? FindBrowser(req.browser) : req.chromium;
  if (binary.empty())
    throw RuntimeError(req.browser == BrowserKind::kFirefox
                           ? "firefox not found (/usr/lib/firefox-esr/firefox-esr or "
                             "$ACCELBENCH_FIREFOX): install firefox-esr"
                           : "chromium not found (/usr/lib/chromium/chromium): install chromium");
  ServedContent content = req.content;
  content.inline_content["/job.json"] = {req.job.dump(), "application/json"};
  PageResult out;
  out.browser_version = BrowserVersion(req.browser, binary);
  const auto t0 = std::chrono::steady_clock::now();
  PageServer server(content);
  {
    ChromiumProcess chrome(binary, server.Url(req.page), req.extra_flags, req.browser);
    out.profile_dir = chrome.profile_dir();
    bool exited = false;
    const auto body = server.WaitResultOr(t0 + req.timeout, [&] {
      exited = chrome.Exited();
      return exited;
    });
    if (!body) {
      std::string tail = chrome.LogTail(600);
      out.error = exited
                      ? "browser exited before the page answered"
                      : "page did not answer within " + std::to_string(req.timeout.count()) + " ms";
      if (!tail.empty()) out.error += "; browser log: " + tail;
    } else {
      try {
        out.body = nlohmann::json::parse(*body);
        out.ok = out.body.value("ok", false);
        if (!out.ok) out.error = out.body.value("error", std::string("page reported failure"));
      } catch (const nlohmann::json::exception& e) {
        out.error = std::string("page answered with invalid JSON: ") + e.what();
      }
    }
    chrome.Kill();
  }
  out.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace accelbench::backends::browser
