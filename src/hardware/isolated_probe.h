#pragma once
// Runs probe functions in forked child processes with a time limit. A child runs the function,
// writes its JSON result to a pipe and _exits; the parent collects every child with one deadline
// and kills (SIGKILL to the child's process group) and reaps the ones still running. A crash, a
// hang or garbage output becomes a failure reason, never a crash of the caller.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace accelbench::hardware {

using ProbeFn = std::function<nlohmann::json()>;

struct ProbeOutcome {
  std::optional<nlohmann::json> result;  // set when the child exited 0 with valid JSON
  std::string failure;                   // why not, otherwise ("timed out after 5000 ms", ...)
};

// Runs all functions concurrently, each in its own child; returns outcomes in the same order.
std::vector<ProbeOutcome> RunIsolated(const std::vector<ProbeFn>& fns,
                                      std::chrono::milliseconds timeout);

}  // namespace accelbench::hardware
