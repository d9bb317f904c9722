#pragma once
// The load request of a family's "tiny" preset (batch 2, 16 tokens, 4 decode tokens) that the
// libtorch GPU-path tests share.
#include <map>
#include <string>
#include <utility>

#include "backends/backend.h"
#include "models/family.h"

namespace accelbench::test {

inline backends::LoadRequest TinyRequest(const std::string& family, const std::string& platform,
                                         std::map<std::string, std::string> options,
                                         Mode mode = Mode::kInference,
                                         Precision precision = Precision::kFp32) {
  backends::LoadRequest req;
  req.family = family;
  req.preset = "tiny";
  req.config = models::FindFamily(family).FindPreset("tiny").config;
  req.platform = platform;
  req.precision = precision;
  req.mode = mode;
  req.workload.batch = 2;
  req.workload.seq_len = 16;
  req.workload.decode_tokens = 4;
  req.options = std::move(options);
  return req;
}

}  // namespace accelbench::test
