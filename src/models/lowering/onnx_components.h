#pragma once
// Exports a multimodal family as separately loadable ONNX component models (issue 6, parallel
// model loading): the full model is exported once (every initializer inline), shape-inferred,
// and its graph is split by the component of each weight (models/components.h):
//   - a node whose owned inputs all come from one component (its weights or that component's
//     nodes) belongs to it; nodes that own nothing (shape arithmetic, constants) are copied into
//     every component that needs them;
//   - a node mixing components (e.g. the contrastive similarity, LLaVA's decoder over image +
//     text embeddings) and everything after it form the component "fusion".
// So every non-fusion component reads graph inputs only and can load and run while the others
// load; fusion reads their outputs. Running the components in order gives the full model's
// outputs (tested against the full model).
#include <cstdint>
#include <string>
#include <vector>

#include "models/lowering/onnx_export.h"

namespace accelbench::models {

struct ComponentTensor {
  std::string name;
  std::string dtype;           // "float32", "int64", "bool", "float16", "int32"
  std::vector<int64_t> shape;  // -1 where the workload does not fix the dim
};

struct ComponentModel {
  std::string name;  // "vision", "text", "audio", "language_model", "fusion"
  std::string path;
  std::vector<ComponentTensor> inputs;  // graph inputs or other components' outputs
  std::vector<ComponentTensor> outputs;
  int64_t nodes = 0, initializers = 0, bytes = 0;
};

struct ComponentExport {
  std::string full_path;                   // the whole model (for parity)
  std::vector<ComponentModel> components;  // in a valid run order (fusion last)
  std::vector<std::string> outputs;        // the full model's outputs
};

// Throws UsageError when the family has no separable components (models/components.h).
ComponentExport ExportComponents(const Family& family, const Config& cfg, const Workload& w,
                                 const std::string& dir, const ExportOptions& opt = {});

}  // namespace accelbench::models
