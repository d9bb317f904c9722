#include "runner/worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <new>

#include "core/errors.h"
#include "runner/harness.h"
#include "runner/protocol.h"

namespace accelbench::runner {
namespace {

void WriteLine(int fd, const nlohmann::json& j) {
  const std::string s = j.dump() + "\n";
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(4);  // the parent is gone
    off += static_cast<size_t>(n);
  }
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string MemoryLimitText() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    return " (limit " + std::to_string(rl.rlim_cur / 1048576) + " MiB)";
  return "";
}

}  // namespace

int RunWorker(const BackendMaker& make_backend, int in_fd, int out_fd) {
  const WorkerJob job = JobFromJson(ReadAll(in_fd));
  auto calibrations = job.calibrations;
  std::unique_ptr<backends::Backend> backend;
  for (const auto& c : job.configs) {
    const std::string started = UtcNow();
    WriteLine(out_fd, {{"type", "start"}, {"config_key", c.config_key}, {"started_utc", started}});
    Measured m;
    std::string failure;
    bool unsupported = false;
    try {
      if (!backend) backend = make_backend(c.runtime);
      const auto key = CalibrationKey(c.platform, c.precision);
      std::optional<double> peak;
      if (auto it = calibrations.find(key); it != calibrations.end()) peak = it->second;
      m = Measure(*backend, c, job.harness, peak);
      if (!peak && job.harness.calibrate) {
        // Once per device+precision: the backend is loaded at the right precision now.
        if (auto flops = backend->CalibrateGemmFlops()) {
          calibrations[key] = *flops;
          WriteLine(out_fd, {{"type", "calibration"},
                             {"platform", c.platform},
                             {"precision", ToString(c.precision)},
                             {"runtime", m.record.runtime},
                             {"flops", *flops}});
          if (m.record.achieved_tflops)
            m.record.fraction_of_peak = *m.record.achieved_tflops * 1e12 / *flops;
        }
      }
    } catch (const UnsupportedError& e) {
      failure = e.what();  // the runtime cannot do this combination: skipped, not failed
      unsupported = true;
    } catch (const std::bad_alloc&) {
      failure = "memory limit exceeded" + MemoryLimitText();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) {
      backend.reset();  // a fresh backend for the next configuration
      m = Measured{};
      m.record = RecordFor(c);
      m.record.status = unsupported ? ResultStatus::kSkipped : ResultStatus::kFailed;
      m.record.reason = failure;
    }
    m.record.started_utc = started;
    WriteLine(out_fd,
              {{"type", "result"}, {"record", RecordToJson(m.record)}, {"samples", m.samples_ms}});
  }
  return 0;
}

}  // namespace accelbench::runner
