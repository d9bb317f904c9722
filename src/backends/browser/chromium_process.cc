#include "backends/browser/chromium_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/errors.h"

namespace accelbench::backends::browser {
namespace fs = std::filesystem;

std::string FindChromium() {
  const char* env = std::getenv("ACCELBENCH_CHROMIUM");
  const std::string path = env && *env ? env : "/usr/lib/chromium/chromium";
  return access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path) ? path : "";
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
                                 const std::vector<std::string>& extra_flags) {
  std::string tmpl = (fs::temp_directory_path() / "accelbench-chromium-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw RuntimeError("cannot create a temporary directory");
  work_dir_ = tmpl;
  profile_dir_ = work_dir_ + "/profile";
  log_path_ = work_dir_ + "/chromium.log";
  fs::create_directories(profile_dir_);

  std::vector<std::string> argv = {binary};
  for (const auto& f : BaseChromiumFlags()) argv.push_back(f);
  argv.push_back("--user-data-dir=" + profile_dir_);
  for (const auto& f : extra_flags) argv.push_back(f);
  argv.push_back(url);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

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
    execv(args[0], args.data());
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
