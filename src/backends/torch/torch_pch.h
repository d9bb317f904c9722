#pragma once
// Precompiled header for accelbench_torch (target_precompile_headers): <torch/torch.h> parses in
// ~23 s, so every torch file shares one PCH.
#include <torch/torch.h>
#include <torch/version.h>
