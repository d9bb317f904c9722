// Fuzz target: the sweep-file parser (YAML and JSON), then normalisation of what it accepted.
// Expected outcome for bad input: UsageError (a clear message), never a crash or another exception.
#include "core/errors.h"
#include "fuzz_target.h"
#include "runner/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the extension so one corpus covers both formats.
  const std::string ext = (data[0] & 1) ? ".json" : ".yaml";
  const auto path = accelbench::fuzz::WriteTemp(data + 1, size - 1, ext);
  try {
    accelbench::runner::SweepRequest req;
    accelbench::runner::HarnessOptions harness;
    accelbench::runner::LoadSweepFile(path, req, harness);
    accelbench::runner::ValidateHarness(harness);
    (void)accelbench::runner::Normalize(req);
  } catch (const accelbench::UsageError&) {
  }
  return 0;
}
