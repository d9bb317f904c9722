#pragma once
// Checks on what a family is given: required inputs, config values (one clear error each).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/config.h"
#include "models/family.h"

namespace accelbench::models::blocks {

// The named input; a missing (or empty) one is a RuntimeError naming the family and the input.
const Tensor& Require(const Inputs& in, std::string_view name, std::string_view family);

// Throws UsageError unless cfg[key] is positive.
void RequirePositive(const Config& cfg, std::string_view key);
// Throws UsageError unless cfg[a] and cfg[b] are positive and cfg[a] is divisible by cfg[b].
void RequireDivisible(const Config& cfg, std::string_view a, std::string_view b);

// Parses "10,3,3" into {10, 3, 3}; throws UsageError naming `key` on bad text or values <= 0.
std::vector<int64_t> ParseIntList(const std::string& text, const std::string& key);

}  // namespace accelbench::models::blocks
