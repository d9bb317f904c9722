#pragma once
// Host memory bandwidth, STREAM-style (McCalpin's triad a[i] = b[i] + s * c[i], 24 bytes per
// element counted, write-allocate traffic not counted), with `threads` threads over arrays far
// larger than the caches. Best of `repeats`. Stored next to the GEMM calibration (issue 8: the
// predictor's roofline needs a bandwidth).
#include <cstddef>

namespace accelbench::runner {

struct TriadOptions {
  size_t elements = size_t{1} << 23;  // 8 Mi doubles = 64 MiB per array
  int threads = 0;                    // 0: hardware concurrency
  int repeats = 5;
};

// Bytes per second of the best repeat.
double MeasureTriadBandwidth(const TriadOptions& o = {});

}  // namespace accelbench::runner
