#include "backends/browser/chromium_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/env_block.h"
#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;

std::string FindChromium() {
  const char* env = std::getenv("ACCELBENCH_CHROMIUM");
  const std::string path = env && *env ? env : "/usr/lib/chromium/chromium";
  return access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path) ? path : "";
}

std::string_view ToString(BrowserKind kind) {
  return kind == BrowserKind::kFirefox ? "firefox" : "chromium";
}

BrowserKind ParseBrowserKind(const std::string& name) {
  if (name == "chromium" || name == "chrome") return BrowserKind::kChromium;
  if (name == "firefox" || name == "firefox-esr") return BrowserKind::kFirefox;
  throw UsageError("browser '" + name + "' is not one of chromium, firefox");
}

std::string FindFirefox() {
  const char* env = std::getenv("ACCELBENCH_FIREFOX");
  const std::string path = env && *env ? env : "/usr/lib/firefox-esr/firefox-esr";
  return access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path) ? path : "";
}

std::string FindBrowser(BrowserKind kind) {
  return kind == BrowserKind::kFirefox ? FindFirefox() : FindChromium();
}

std::string InstallHint(BrowserKind kind) {
  return kind == BrowserKind::kFirefox ? "install firefox-esr" : "install chromium";
}

namespace {
// The first line `binary arg` writes to stdout within `limit` (trailing blanks trimmed); the
// child runs in its own process group, which is SIGKILLed and reaped afterwards either way.
std::string FirstLineOf(const std::string& binary, const std::string& arg,
                        std::chrono::milliseconds limit) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return "";
  std::string a0 = binary, a1 = arg;
  char* argv[] = {a0.data(), a1.data(), nullptr};
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return "";
  }
  if (pid == 0) {
    setpgid(0, 0);
    const int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 2);
    }
    dup2(fds[1], 1);
    execv(argv[0], argv);
    _exit(127);
  }
  setpgid(pid, pid);
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string out;
  char buf[256];
  while (out.find('\n') == std::string::npos && out.size() < 4096) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out = out.substr(0, out.find('\n'));
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}
}  // namespace

std::string BrowserVersion(BrowserKind kind, const std::string& binary) {
  if (binary.empty()) return "";
  if (kind == BrowserKind::kFirefox) {
    std::error_code ec;
    std::ifstream in(fs::path(fs::canonical(binary, ec)).parent_path() / "application.ini");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("Version=", 0) == 0) return "Firefox " + line.substr(8);
    return "";
  }
  // Chromium's user agent says only "156.0.0.0": ask the binary (~40 ms; a fake browser that
  // hangs is killed, with its process group, after 3 s). Cached per binary for the process.
  static std::mutex mu;
  static std::map<std::string, std::string> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(binary); it != cache.end()) return it->second;
  std::string out = FirstLineOf(binary, "--version", std::chrono::seconds(3));
  if (out.rfind("Chromium ", 0) != 0 && out.rfind("Google Chrome ", 0) != 0) out.clear();
  return cache[binary] = out;
}

std::string FirefoxUserJs() {
  // ignore-blocklist: Firefox ESR 153 offers no adapter on a CPU Vulkan driver (Mesa's
  // lavapipe) otherwise; the page labels such fallback adapters as software.
  return R"(user_pref("dom.webgpu.enabled", true);
user_pref("gfx.webgpu.ignore-blocklist", true);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.update.checkInstallTime", false);
user_pref("app.normandy.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.startup.page", 0);
user_pref("startup.homepage_welcome_url", "");
user_pref("startup.homepage_welcome_url.additional", "");
user_pref("browser.sessionstore.resume_from_crash", false);
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("devtools.console.stdout.content", true);
user_pref("browser.dom.window.dump.enabled", true);
)";
}

std::vector<std::string> BaseChromiumFlags() {
  return {"--headless=new",
          "--no-sandbox",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--enable-unsafe-webgpu",
          "--disable-gpu-sandbox",
          "--enable-logging=stderr",
          "--v=0"};
}

ChromiumProcess::ChromiumProcess(const std::string& binary, const std::string& url,
                                 const std::vector<std::string>& extra_flags, BrowserKind kind) {
  const bool firefox = kind == BrowserKind::kFirefox;
  std::string tmpl = (fs::temp_directory_path() /
                      (firefox ? "accelbench-firefox-XXXXXX" : "accelbench-chromium-XXXXXX"))
                         .string();
  if (!mkdtemp(tmpl.data())) throw RuntimeError("cannot create a temporary directory");
  work_dir_ = tmpl;
  profile_dir_ = work_dir_ + "/profile";
  log_path_ = work_dir_ + (firefox ? "/firefox.log" : "/chromium.log");
  fs::create_directories(profile_dir_);

  std::vector<std::string> argv = {binary};
  if (firefox) {
    std::ofstream(profile_dir_ + "/user.js") << FirefoxUserJs();
    for (const char* f : {"--headless", "--no-remote", "--new-instance"}) argv.push_back(f);
    argv.push_back("--profile");
    argv.push_back(profile_dir_);
  } else {
    for (const auto& f : BaseChromiumFlags()) argv.push_back(f);
    argv.push_back("--user-data-dir=" + profile_dir_);
  }
  for (const auto& f : extra_flags) argv.push_back(f);
  argv.push_back(url);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  // The environment, built before fork (the child only execs). Firefox: headless, no crash
  // reporter, HOME inside the work dir (nothing written to ~).
  EnvBlock env(firefox ? std::vector<std::string>{"MOZ_HEADLESS=1", "MOZ_CRASHREPORTER_DISABLE=1",
                                                  "HOME=" + work_dir_}
                       : std::vector<std::string>{});

  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw RuntimeError("cannot create " + log_path_);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) {
    close(log_fd);
    throw RuntimeError(std::string("fork failed: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // The browser's own memory limits apply, not a worker's RLIMIT_AS (soft; lifted to hard).
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_AS, &rl);
    }
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from the parent, so Kill() never races the child's setpgid
  close(log_fd);
}

ChromiumProcess::~ChromiumProcess() {
  Kill();
  std::error_code ec;
  // Renderer/GPU children may still be writing into the profile for a moment after SIGKILL.
  for (int i = 0; i < 20 && fs::exists(work_dir_, ec); ++i) {
    fs::remove_all(work_dir_, ec);
    if (!ec) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool ChromiumProcess::Exited() {
  if (reaped_) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) reaped_ = true;
  return reaped_;
}

void ChromiumProcess::Kill() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);  // the whole group: browser, zygotes, renderer, GPU process
  if (!reaped_) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  kill(-pid_, SIGKILL);  // stragglers forked while the browser was dying
}

std::string ChromiumProcess::LogTail(size_t n) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  return t.size() <= n ? t : t.substr(t.size() - n);
}

}  // namespace accelbench::backends::browser
