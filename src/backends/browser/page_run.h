#pragma once
// One page in one fresh headless Chromium: serve the content, open the page, wait for its POST
// to /result (or the time limit, or the browser exiting), then kill the browser. A page that
// throws, hangs or crashes is a failed PageResult, never a hang or a leftover process.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backends/browser/chromium_process.h"
#include "backends/browser/page_server.h"

namespace accelbench::backends::browser {

struct PageRequest {
  ServedContent content;
  std::string page = "/harness/browser_page.html";  // URL path opened in the browser
  nlohmann::json job = nlohmann::json::object();    // served as /job.json
  std::chrono::milliseconds timeout{60000};
  std::vector<std::string> extra_flags;
  std::string chromium;  // the browser binary; default: FindBrowser(browser)
  BrowserKind browser = BrowserKind::kChromium;
};

struct PageResult {
  bool ok = false;
  std::string error;  // why not ok: the page's error, "timed out after N ms", "browser exited"
  nlohmann::json body = nlohmann::json::object();  // the page's answer (when it answered)
  double wall_ms = 0;
  std::string profile_dir;  // the browser's (removed) profile dir: its processes' cmdline has it
  std::string browser_version;  // BrowserVersion(): "Firefox 153.8.0", "Chromium 156.0.8078.108"
};

// The repository's web/ and third_party/ roots: $ACCELBENCH_SOURCE_DIR, else the source dir
// this was built from.
std::string SourceDir();
// The served content every harness page needs: /harness/ (web/harness) and /ort/
// (onnxruntime-web's dist). Throws RuntimeError naming scripts/setup when onnxruntime-web is
// missing.
ServedContent HarnessContent();

// Throws RuntimeError("chromium not found ...: install chromium") when there is no browser
// ("firefox not found ...: install firefox-esr" for req.browser == kFirefox);
// every other failure is reported in the result.
PageResult RunPage(const PageRequest& req);

}  // namespace accelbench::backends::browser
