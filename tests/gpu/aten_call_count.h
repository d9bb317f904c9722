#pragma once
// Test helper: how many times one aten operator runs on this thread while a function runs
// (a RecordFunction callback), e.g. "aten::linear" per decode step.
#include <torch/torch.h>

#include <ATen/record_function.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>

namespace accelbench::testing {

inline std::atomic<int64_t> g_aten_calls{0};
inline const char* g_aten_op = "";

inline std::unique_ptr<at::ObserverContext> CountAtenStart(const at::RecordFunction& fn) {
  if (std::strcmp(fn.name(), g_aten_op) == 0) ++g_aten_calls;
  return nullptr;
}

inline int64_t CountCalls(const char* op, const std::function<void()>& f) {
  g_aten_op = op;
  g_aten_calls = 0;
  auto handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(CountAtenStart).scopes({at::RecordScope::FUNCTION}));
  f();
  at::removeCallback(handle);
  return g_aten_calls;
}

}  // namespace accelbench::testing
