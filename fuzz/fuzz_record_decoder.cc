// Fuzz target: the results-record decoder (worker -> runner protocol: a job and its result
// records as JSON). Expected outcome for bad input: a JSON or UsageError exception, never a crash.
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "fuzz_target.h"
#include "runner/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto j = nlohmann::json::parse(text);
    if (j.is_object() && j.contains("job")) {
      (void)accelbench::runner::JobFromJson(j["job"].dump());
    } else {
      auto r = accelbench::runner::RecordFromJson(j);
      // A decoded record must encode again (round trip of what was accepted).
      (void)accelbench::runner::RecordToJson(r).dump();
    }
  } catch (const nlohmann::json::exception&) {
  } catch (const accelbench::UsageError&) {
  }
  return 0;
}
