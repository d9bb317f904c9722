#include "runner/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/errors.h"

namespace accelbench::runner {

std::string ExitStatus::Describe() const {
  if (!signaled) return "exited with code " + std::to_string(code);
  const char* name = sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) +
         (name ? " (SIG" + std::string(name) + ")" : "");
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, int64_t memory_limit_bytes) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0)
    throw RuntimeError(std::string("pipe: ") + std::strerror(errno));
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space for its shadow memory, so RLIMIT_AS
  // cannot bound an instrumented worker: the limit goes to ASan's allocator instead (past
  // the RSS limit, ASan's operator new aborts: the worker dies by SIGABRT, a failed result).
  // handle_segv=0: a worker's segfault kills it with SIGSEGV, as in an uninstrumented build.
  std::vector<std::string> env_store;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "ASAN_OPTIONS=", 13) != 0) env_store.emplace_back(*e);
  if (memory_limit_bytes > 0) {
    const char* asan = std::getenv("ASAN_OPTIONS");
    env_store.push_back(
        std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
        "handle_segv=0:soft_rss_limit_mb=" + std::to_string(memory_limit_bytes / 1048576));
  } else {
    const char* asan = std::getenv("ASAN_OPTIONS");
    env_store.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                        "handle_segv=0");
  }
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  constexpr bool kAddressLimit = false;
#else
  char** envp_data = environ;
  constexpr bool kAddressLimit = true;
#endif
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw RuntimeError(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Child: only async-signal-safe calls until exec.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 3);
    dup2(2, 1);  // the child's stdout must not mix into the parent's output
    if (kAddressLimit && memory_limit_bytes > 0) {
      // Soft limit only: a browser started by the worker (issue 6) lifts it for itself, its
      // address-space reservations (V8 cage, WASM guard regions) are not allocations.
      struct rlimit rl;
      getrlimit(RLIMIT_AS, &rl);
      rl.rlim_cur = static_cast<rlim_t>(memory_limit_bytes);
      if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur) rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_AS, &rl);
    }
#if defined(__SANITIZE_ADDRESS__)
    execve(args[0], args.data(), envp.data());
#else
    execve(args[0], args.data(), envp_data);
#endif
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from the parent, so Kill() cannot race the child's setpgid
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  result_fd_ = out_pipe[0];
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    Kill();
    Wait();
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (result_fd_ >= 0) close(result_fd_);
}

bool ChildProcess::WriteStdinAndClose(const std::string& data) {
  size_t off = 0;
  bool ok = true;
  while (off < data.size()) {
    const ssize_t n = write(stdin_fd_, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;  // EPIPE: the child died before reading (SIGPIPE is ignored by the runner)
      break;
    }
    off += static_cast<size_t>(n);
  }
  close(stdin_fd_);
  stdin_fd_ = -1;
  return ok;
}

ChildProcess::Read ChildProcess::ReadLine(std::string& line,
                                          std::chrono::steady_clock::time_point deadline,
                                          const volatile bool* interrupted) {
  for (;;) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return Read::kLine;
    }
    if (result_fd_ < 0) return Read::kEof;
    if (interrupted && *interrupted) return Read::kInterrupted;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return Read::kTimeout;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    pollfd p{result_fd_, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 100)));
    if (r < 0 && errno != EINTR) throw RuntimeError(std::string("poll: ") + std::strerror(errno));
    if (r <= 0) continue;
    char buf[65536];
    const ssize_t n = read(result_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(result_fd_);
      result_fd_ = -1;
      if (!buffer_.empty()) {  // a last line without newline
        line.swap(buffer_);
        buffer_.clear();
        return Read::kLine;
      }
      return Read::kEof;
    }
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

void ChildProcess::Kill() {
  if (pid_ > 0 && !status_) kill(-pid_, SIGKILL);
}

ExitStatus ChildProcess::Wait() {
  if (status_) return *status_;
  int st = 0;
  while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  ExitStatus es;
  if (WIFSIGNALED(st)) {
    es.signaled = true;
    es.signal = WTERMSIG(st);
  } else {
    es.code = WEXITSTATUS(st);
  }
  if (pid_ > 0) kill(-pid_, SIGKILL);  // grandchildren left in the group, if any
  status_ = es;
  return es;
}

}  // namespace accelbench::runner
