// Device check (issue 11), not a ctest: QuantTorchOps int8 linears on CUDA through at::_int_mm
// vs the same Linear in fp32 (before Quantize it records the weights and runs fp32). Built and
// run by cuda_int8_device_check.sh against a CUDA PyTorch (>= 2.1) on a GPU machine; on
// libtorch 1.13 it prints the refusal. The time per call includes a host sync (launch-bound).
#include <chrono>
#include <cstdio>

#include "backends/torch/torch_quant.h"
#include "core/errors.h"

using namespace accelbench;
using namespace accelbench::backends::torch_backend;

int main() {
  const c10::Device dev(c10::kCUDA, 0);
  if (auto why = CudaInt8Unsupported(dev)) {
    std::printf("refused: %s\n", why->c_str());
    return 0;
  }
  for (auto [m, k, n] : {std::tuple{1, 64, 128}, {17, 1024, 4096}, {128, 4096, 11008}}) {
    QuantTorchOps ops(dev, 7, quant::PrecisionPlan::Uniform(Precision::kInt8),
                      KvPrecision::kCompute);
    auto w =
        ops.Param("model.layers.0.mlp.up_proj.weight", {n, k}, models::WeightInit::Normal(0.02f));
    auto b = ops.Param("model.layers.0.mlp.up_proj.bias", {n}, models::WeightInit::Normal(0.02f));
    at::Tensor x = at::randn({m, k}, at::TensorOptions().device(dev));
    at::Tensor ref = TorchOps::Unwrap(ops.Linear(TorchOps::Wrap(x), w, b)).clone();
    const int64_t q = ops.Quantize();
    // A forward fetches its parameters again: now the placeholder the int8 entry is keyed by.
    w = ops.Param("model.layers.0.mlp.up_proj.weight", {n, k}, models::WeightInit::Normal(0.02f));
    b = ops.Param("model.layers.0.mlp.up_proj.bias", {n}, models::WeightInit::Normal(0.02f));
    at::Tensor got = TorchOps::Unwrap(ops.Linear(TorchOps::Wrap(x), w, b));
    const double rel = ((got - ref).abs().max() / ref.abs().max()).item<double>();
    auto run = [&] {
      (void)TorchOps::Unwrap(ops.Linear(TorchOps::Wrap(x), w, b)).sum().item<float>();
    };
    for (int i = 0; i < 10; ++i) run();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) run();
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
        100;
    std::printf("int8 linear incl. sync: %.1f us/call\n", us);
    std::printf("m=%d k=%d n=%d quantized=%lld device=%s rel_dev=%.5f weight_bytes=%lld\n", m, k, n,
                (long long)q, got.device().str().c_str(), rel, (long long)ops.WeightBytes());
  }
  return 0;
}
