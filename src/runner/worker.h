#pragma once
// The worker side of process isolation (`accelbench run --worker`): reads a WorkerJob from
// stdin, measures each configuration with the harness and writes protocol lines to fd 3.
#include <functional>
#include <memory>
#include <string>

#include "backends/backend.h"

namespace accelbench::runner {

using BackendMaker = std::function<std::unique_ptr<backends::Backend>(const std::string& runtime)>;

// Returns the process exit code. A backend exception or an allocation failure becomes a failed
// result for that configuration; the worker then goes on with a fresh backend.
int RunWorker(const BackendMaker& make_backend, int in_fd = 0, int out_fd = 3);

}  // namespace accelbench::runner
