#pragma once
// RAII handle of a headless Chromium started on one URL: its own process group (the whole
// group is SIGKILLed and the browser reaped by the destructor, also after a timeout or a crash),
// PR_SET_PDEATHSIG so it dies with us, a fresh profile directory removed afterwards, and
// stdout/stderr (with console messages) captured in a log file.
#include <sys/types.h>

#include <string>
#include <vector>

namespace accelbench::backends::browser {

// The Chromium binary: $ACCELBENCH_CHROMIUM, else /usr/lib/chromium/chromium (Debian; the
// /usr/bin/chromium wrapper adds flags). Empty when neither is an executable file.
std::string FindChromium();

// The flags every run uses (design.md pitfalls): headless=new, no sandbox, no network noise,
// unsafe WebGPU (SwiftShader adapter); --user-data-dir is added per process.
std::vector<std::string> BaseChromiumFlags();

class ChromiumProcess {
 public:
  // Starts `binary` on `url` with BaseChromiumFlags() + extra_flags. Throws RuntimeError when
  // the process cannot be started.
  ChromiumProcess(const std::string& binary, const std::string& url,
                  const std::vector<std::string>& extra_flags = {});
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

}  // namespace accelbench::backends::browser
