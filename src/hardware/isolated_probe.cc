// Fork-per-probe runner; see isolated_probe.h.
#include "hardware/isolated_probe.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

namespace accelbench::hardware {
namespace {

using Clock = std::chrono::steady_clock;

// Owns one file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

[[noreturn]] void RunChild(const ProbeFn& fn, int out_fd) {
  setpgid(0, 0);  // own process group, so the parent can kill anything it spawns
  // Vendor libraries may print; keep the parent's stdout (e.g. `detect --format json`) clean.
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) {
    dup2(devnull, STDOUT_FILENO);
    close(devnull);
  }
  std::string out;
  try {
    out = fn().dump();
  } catch (const std::exception& e) {
    out = nlohmann::json{{"ok", false}, {"reason", std::string("probe threw: ") + e.what()}}.dump();
  } catch (...) {
    out = R"({"ok":false,"reason":"probe threw an unknown exception"})";
  }
  WriteAll(out_fd, out);
  close(out_fd);
  _exit(0);
}

// A started child: its pid (the parent kills and reaps it on destruction if still running) and
// the read end of its result pipe.
class Child {
 public:
  Child() = default;
  Child(pid_t pid, Fd fd) : pid_(pid), fd_(std::move(fd)) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& o) noexcept
      : pid_(std::exchange(o.pid_, -1)), fd_(std::move(o.fd_)), output_(std::move(o.output_)) {}
  ~Child() { KillAndReap(); }

  int fd() const { return fd_.get(); }
  bool reading() const { return fd_.get() >= 0; }
  std::string& output() { return output_; }
  void CloseFd() { fd_.Reset(); }

  // Reads what is available; returns false at EOF or error.
  bool ReadSome() {
    char buf[4096];
    ssize_t n = read(fd_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  // Waits (up to the deadline) for the child to exit and returns its wait status.
  std::optional<int> WaitUntil(Clock::time_point deadline) {
    while (pid_ > 0) {
      int status = 0;
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return status;
      }
      if (r < 0 && errno != EINTR) {
        pid_ = -1;
        return std::nullopt;
      }
      if (Clock::now() >= deadline) return std::nullopt;
      usleep(1000);
    }
    return std::nullopt;
  }

  void KillAndReap() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  Fd fd_;
  std::string output_;
};

std::string DescribeStatus(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = strsignal(sig);
    return fmt::format("probe crashed with signal {} ({})", sig, name ? name : "?");
  }
  if (WIFEXITED(status)) return fmt::format("probe exited with status {}", WEXITSTATUS(status));
  return "probe ended abnormally";
}

}  // namespace

std::vector<ProbeOutcome> RunIsolated(const std::vector<ProbeFn>& fns,
                                      std::chrono::milliseconds timeout) {
  std::vector<ProbeOutcome> outcomes(fns.size());
  std::vector<Child> children;
  children.reserve(fns.size());
  std::fflush(nullptr);  // do not duplicate buffered output into the children
  for (size_t i = 0; i < fns.size(); ++i) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
      outcomes[i].failure = fmt::format("cannot create pipe: {}", std::strerror(errno));
      children.emplace_back();
      continue;
    }
    Fd read_end(p[0]), write_end(p[1]);
    pid_t pid = fork();
    if (pid < 0) {
      outcomes[i].failure = fmt::format("cannot fork: {}", std::strerror(errno));
      children.emplace_back();
      continue;
    }
    if (pid == 0) {
      read_end.Reset();
      RunChild(fns[i], write_end.get());
    }
    setpgid(pid, pid);  // also from the parent, so the group exists before any kill
    write_end.Reset();
    children.emplace_back(pid, std::move(read_end));
  }

  const auto deadline = Clock::now() + timeout;
  // Read every pipe until EOF or the deadline.
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<size_t> idx;
    for (size_t i = 0; i < children.size(); ++i) {
      if (children[i].reading()) {
        fds.push_back({children[i].fd(), POLLIN, 0});
        idx.push_back(i);
      }
    }
    if (fds.empty()) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    int r = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      if (!children[idx[k]].ReadSome()) children[idx[k]].CloseFd();
    }
  }

  const auto reap_deadline = std::max(deadline, Clock::now() + std::chrono::milliseconds(200));
  for (size_t i = 0; i < children.size(); ++i) {
    Child& c = children[i];
    if (!outcomes[i].failure.empty()) continue;
    if (c.reading()) {  // never reached EOF: hung (or a grandchild holds the pipe)
      c.KillAndReap();
      outcomes[i].failure =
          fmt::format("probe timed out after {} ms (library hung)", timeout.count());
      continue;
    }
    auto status = c.WaitUntil(reap_deadline);
    if (!status) {
      c.KillAndReap();
      outcomes[i].failure =
          fmt::format("probe timed out after {} ms (did not exit)", timeout.count());
      continue;
    }
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
      outcomes[i].failure = DescribeStatus(*status);
      continue;
    }
    auto parsed = nlohmann::json::parse(c.output(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      outcomes[i].failure = "probe returned malformed output";
      continue;
    }
    outcomes[i].result = std::move(parsed);
  }
  return outcomes;
}

}  // namespace accelbench::hardware
