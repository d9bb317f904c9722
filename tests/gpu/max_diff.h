#pragma once
// The greatest |a - b| of two outputs of equal length (Backend::LastOutput), shared by the
// libtorch GPU-path tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace accelbench::test {

inline double MaxDiff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
  return worst;
}

}  // namespace accelbench::test
