#pragma once
// Shared by every fuzz target: the libFuzzer entry point is defined by each target file; the
// standalone driver (standalone_main.cc) replays corpus and regression files through it in the
// normal (gcc) build, so every crash found becomes a ctest.
#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace accelbench::fuzz {
// Writes the input to a private temporary file with the given extension and returns its path
// (parsers under test take paths); the file is overwritten on the next call of the process.
std::string WriteTemp(const uint8_t* data, size_t size, const std::string& extension);
}  // namespace accelbench::fuzz
