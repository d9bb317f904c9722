#pragma once
// Error types that the CLI turns into one clear line and an exit code.
// Exit codes: 0 ok, 1 regression / failed check / finding, 2 usage error, 3 runtime error.
#include <stdexcept>
#include <string>

namespace accelbench {

enum class ExitCode : int { kOk = 0, kFinding = 1, kUsage = 2, kRuntime = 3 };

// Bad input from the user (unknown model, bad flag value, malformed file): exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something failed while doing valid work (I/O, database, backend): exit 3.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A requested combination the hardware or runtime cannot do ("unsupported: <why>").
class UnsupportedError : public UsageError {
 public:
  explicit UnsupportedError(const std::string& why) : UsageError("unsupported: " + why) {}
};

// A finding rather than a failure (regression found, nothing meets a constraint): exit 1.
class FindingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Joins names for "valid values are: a, b, c" messages.
std::string JoinNames(const auto& names, const char* sep = ", ") {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += sep;
    out += n;
  }
  return out;
}

}  // namespace accelbench
