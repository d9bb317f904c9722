// Fuzz target: the result importers (accelbench JSON / JSONL exports, result arrays, CSV, the
// Python framework's files). Expected outcome for bad input: UsageError naming file and line.
#include "core/errors.h"
#include "fuzz_target.h"
#include "store/transfer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* const kExt[] = {".json", ".jsonl", ".csv"};
  const auto path = accelbench::fuzz::WriteTemp(data + 1, size - 1, kExt[data[0] % 3]);
  try {
    (void)accelbench::store::ParseImportFile(path);
  } catch (const accelbench::UsageError&) {
  }
  return 0;
}
