// The runner tests' main: with --worker this binary is the isolation worker (backed by the
// TEST DOUBLE only), otherwise it runs the gtest suite. Isolation tests re-execute it.
#include <gtest/gtest.h>

#include <cstring>

#include "runner/test_double.h"
#include "runner/worker.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--worker") == 0) {
    return accelbench::runner::RunWorker(
        [](const std::string&) { return accelbench::runner::MakeTestDoubleBackend(); });
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
