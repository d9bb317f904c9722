#pragma once
// The model an ONNX Runtime backend runs (issue 6): the family's forward exported to ONNX with
// the seeded weights of a LoadRequest (the same weights and inputs libtorch gets) into a private
// temporary directory that is removed with this object.
#include <map>
#include <string>

#include "backends/backend.h"
#include "models/inputs.h"

namespace accelbench::backends::browser {

class ExportedModel {
 public:
  // Throws UnsupportedError for modes other than inference and precisions other than fp32/fp16.
  explicit ExportedModel(const LoadRequest& req);
  ~ExportedModel();
  ExportedModel(const ExportedModel&) = delete;
  ExportedModel& operator=(const ExportedModel&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, models::HostTensor, std::less<>>& inputs() const { return inputs_; }
  double export_ms() const { return export_ms_; }

 private:
  std::string dir_, path_;
  std::map<std::string, models::HostTensor, std::less<>> inputs_;
  double export_ms_ = 0;
};

// The output libtorch's backend reports as LastOutput: logits, else last_hidden_state, else the
// first (by name).
std::vector<float> PickLastOutput(const std::map<std::string, models::HostTensor>& outputs);

}  // namespace accelbench::backends::browser
