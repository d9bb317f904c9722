#pragma once
// RAII handle of a child process in its own process group: stdin is a pipe from the parent, fd 3
// a pipe back to it (one JSON line per message), stdout goes to the parent's stderr. The child
// dies with the parent (PR_SET_PDEATHSIG) and the destructor SIGKILLs the whole group, so no
// child outlives its handle.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accelbench::runner {

struct ExitStatus {
  bool signaled = false;
  int code = 0;                  // exit code when !signaled
  int signal = 0;                // terminating signal when signaled
  std::string Describe() const;  // "exited with code 3", "killed by signal 11 (SIGSEGV)"
};

class ChildProcess {
 public:
  // Starts argv[0] with argv; memory_limit_bytes > 0 sets RLIMIT_AS in the child.
  ChildProcess(const std::vector<std::string>& argv, int64_t memory_limit_bytes);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Writes all of `data` to the child's stdin and closes it. False if the child went away.
  bool WriteStdinAndClose(const std::string& data);

  enum class Read { kLine, kEof, kTimeout, kInterrupted };
  // Next line from fd 3, waiting until `deadline`; kInterrupted when `interrupted` becomes true.
  Read ReadLine(std::string& line, std::chrono::steady_clock::time_point deadline,
                const volatile bool* interrupted = nullptr);

  void Kill();        // SIGKILL to the process group
  ExitStatus Wait();  // reaps the child (idempotent)
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1, result_fd_ = -1;
  std::string buffer_;
  std::optional<ExitStatus> status_;
};

}  // namespace accelbench::runner
