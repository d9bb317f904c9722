#pragma once
// Comparisons of fp32 host tensors shared by the model tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "models/inputs.h"

namespace accelbench::models::testing {

using HostInputs = std::map<std::string, HostTensor, std::less<>>;

inline double MaxAbs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, static_cast<double>(std::fabs(x)));
  return m;
}

// Max |a - b| over the elements; the shapes must match (a test failure otherwise).
inline double MaxAbsDiff(const HostTensor& a, const HostTensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  double m = 0;
  for (size_t i = 0; i < std::min(a.f.size(), b.f.size()); ++i)
    m = std::max(m, static_cast<double>(std::fabs(a.f[i] - b.f[i])));
  return m;
}

}  // namespace accelbench::models::testing
