#pragma once
// The model an ONNX Runtime backend runs (issue 6): the family's forward exported to ONNX with
// the seeded weights of a LoadRequest (the same weights and inputs libtorch gets) into a private
// temporary directory that is removed with this object.
// int8 / int4 (issue 11): the fp32 export rewritten by the quantized ONNX lowering
// (models/lowering/onnx_quant.h) per the backend options precision_plan, int4_group (MatMulNBits
// block size, default 64), int4_scheme (sym|asym), activations (dynamic|static|weight_only); the
// fp32 export's outputs on the run's own inputs (onnxruntime-node) are kept as the reference the
// measured runtime's outputs are compared with (ResultFields).
#include <map>
#include <string>

#include "backends/backend.h"
#include "models/inputs.h"

namespace accelbench::backends::browser {

class ExportedModel {
 public:
  // Throws UnsupportedError for modes other than inference and precisions other than
  // fp32/fp16/int8/int4, UsageError for bad quantization options.
  explicit ExportedModel(const LoadRequest& req);
  ~ExportedModel();
  ExportedModel(const ExportedModel&) = delete;
  ExportedModel& operator=(const ExportedModel&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, models::HostTensor, std::less<>>& inputs() const { return inputs_; }
  double export_ms() const { return export_ms_; }

  // Result fields (issue 11), keyed by result field name: weight_bytes (the model's initializers
  // as stored) for every precision; for int8/int4 also output_max_abs_dev, output_rel_dev (max
  // |dev| / max |fp32 output|) of `outputs` (the measured runtime's last run on inputs()) against
  // the fp32 export on the same inputs and, for generative families (logits [B, S, V]),
  // top1_agreement, ppl_fp32, ppl_delta on the seeded input_ids.
  std::map<std::string, double> ResultFields(
      const std::map<std::string, models::HostTensor>& outputs) const;
  // How the quantized model was made (plan, block size, activations, matmul counts).
  const std::map<std::string, std::string>& details() const { return details_; }

 private:
  void ExportQuantized(const LoadRequest& req, const models::Family& family,
                       const models::Config& cfg);

  std::string dir_, path_;
  std::map<std::string, models::HostTensor, std::less<>> inputs_;
  double export_ms_ = 0;
  int64_t weight_bytes_ = 0;
  bool quantized_ = false, generative_ = false;
  std::map<std::string, models::HostTensor> reference_;  // fp32 export's outputs (int8/int4)
  std::map<std::string, std::string> details_;
};

// The name of the output libtorch's backend reports as LastOutput (see PickLastOutput).
std::string PickOutputName(const std::map<std::string, models::HostTensor>& outputs);

// LLM agreement of quantized logits [B, S, V] with fp32 logits on the sequence ids [B, S]:
// top1_agreement (share of positions with the same argmax), ppl_fp32 and ppl_delta (next-token
// perplexity). Empty when the shapes are not those of a causal LM on `ids`.
std::map<std::string, double> LmAgreement(const models::HostTensor& fp32,
                                          const models::HostTensor& quantized,
                                          const models::HostTensor& ids);

// The output libtorch's backend reports as LastOutput: logits, else last_hidden_state, else the
// first (by name).
std::vector<float> PickLastOutput(const std::map<std::string, models::HostTensor>& outputs);

}  // namespace accelbench::backends::browser
