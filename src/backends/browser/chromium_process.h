#pragma once
// RAII handle of a headless browser (Debian's Chromium, or Firefox ESR) started on one URL: its
// own process group (the whole group is SIGKILLed and the browser reaped by the destructor, also
// after a timeout or a crash), PR_SET_PDEATHSIG so it dies with us, a fresh profile directory
// removed afterwards, and stdout/stderr (with console messages) captured in a log file.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace accelbench::backends::browser {

// The Chromium binary: $ACCELBENCH_CHROMIUM, else /usr/lib/chromium/chromium (Debian; the
// /usr/bin/chromium wrapper adds flags). Empty when neither is an executable file.
std::string FindChromium();

// The flags every run uses (design.md pitfalls): headless=new, no sandbox, no network noise,
// unsafe WebGPU (SwiftShader adapter); --user-data-dir is added per process.
std::vector<std::string> BaseChromiumFlags();

// Which browser runs the page (`--backend-option browser=chromium|firefox`, `detect
// --browser=...`).
enum class BrowserKind { kChromium, kFirefox };
std::string_view ToString(BrowserKind kind);
// "chromium" or "firefox" (also "firefox-esr"); throws UsageError otherwise.
BrowserKind ParseBrowserKind(const std::string& name);

// Firefox ESR: $ACCELBENCH_FIREFOX, else /usr/lib/firefox-esr/firefox-esr (Debian). Empty when
// neither is an executable file.
std::string FindFirefox();
std::string FindBrowser(BrowserKind kind);
// What to install when FindBrowser(kind) is empty: "install chromium" / "install firefox-esr".
std::string InstallHint(BrowserKind kind);
// The browser's exact name and version: Firefox from application.ini next to the binary
// ("Firefox 153.8.0"), Chromium from `binary --version` ("Chromium 156.0.8078.108"); empty when
// unknown (then the page's user agent names it).
std::string BrowserVersion(BrowserKind kind, const std::string& binary);

// The profile preferences (user.js) of every Firefox run: WebGPU enabled (blocklist ignored, so
// a CPU Vulkan driver such as lavapipe gives an adapter), no updates, telemetry,
// first-run pages, crash restore or background network; console messages to stdout.
std::string FirefoxUserJs();

class ChromiumProcess {
 public:
  // Starts `binary` on `url`: Chromium with BaseChromiumFlags() + extra_flags; Firefox with
  // --headless --no-remote --profile <fresh dir with FirefoxUserJs()> + extra_flags. Throws
  // RuntimeError when the process cannot be started.
  ChromiumProcess(const std::string& binary, const std::string& url,
                  const std::vector<std::string>& extra_flags = {},
                  BrowserKind kind = BrowserKind::kChromium);
  ~ChromiumProcess();
  ChromiumProcess(const ChromiumProcess&) = delete;
  ChromiumProcess& operator=(const ChromiumProcess&) = delete;

  bool Exited();  // non-blocking: true once the browser process has exited (and is reaped)
  void Kill();    // SIGKILL to the process group, then reap (idempotent)
  pid_t pid() const { return pid_; }
  const std::string& profile_dir() const { return profile_dir_; }
  std::string LogTail(size_t n = 2000) const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string work_dir_, profile_dir_, log_path_;
};

using BrowserProcess = ChromiumProcess;  // it also runs Firefox

}  // namespace accelbench::backends::browser
