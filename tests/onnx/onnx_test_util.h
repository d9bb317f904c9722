#pragma once
// Shared helpers of the ONNX tests: a temporary directory, the test workloads, output comparison.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "models/family.h"
#include "models/inputs.h"

namespace accelbench::onnx_test {

class TempDir {
 public:
  TempDir() {
    std::string t =
        (std::filesystem::temp_directory_path() / "accelbench-onnx-test-XXXXXX").string();
    if (!mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed");
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Two workloads with different batch and sequence sizes: the same exported file must run both.
inline std::vector<models::Workload> TwoWorkloads() {
  models::Workload a, b;
  a.batch = 1;
  a.seq_len = 8;
  b.batch = 3;
  b.seq_len = 13;
  return {a, b};
}

inline std::vector<std::string> FamilyNames() {
  std::vector<std::string> names;
  for (const auto& f : models::AllFamilies()) names.push_back(f->Info().name);
  return names;
}

// max |a - b| and max |ref| over a float tensor.
struct Diff {
  double max_abs = 0;
  double ref_scale = 0;
};
inline Diff Compare(const models::HostTensor& ref, const models::HostTensor& got) {
  Diff d;
  for (size_t i = 0; i < ref.f.size() && i < got.f.size(); ++i) {
    d.max_abs = std::max(d.max_abs, std::abs(static_cast<double>(ref.f[i]) - got.f[i]));
    d.ref_scale = std::max(d.ref_scale, std::abs(static_cast<double>(ref.f[i])));
    if (std::isnan(got.f[i]) != std::isnan(ref.f[i])) d.max_abs = INFINITY;
  }
  return d;
}

}  // namespace accelbench::onnx_test
