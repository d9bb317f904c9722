#pragma once
// A model family: presets (configs as data), its inputs for a workload, and its forward pass
// written once against the Ops facade. Families never see a concrete runtime.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/enums.h"
#include "models/config.h"
#include "models/ops.h"

namespace accelbench::models {

enum class Modality { kText, kVision, kAudio, kVideo, kMultimodal };
enum class Architecture { kEncoder, kEncoderDecoder, kDecoder, kMultimodal };

struct FamilyInfo {
  std::string name;         // "bert"
  std::string description;  // one line
  Modality modality;
  Architecture architecture;
  bool generative = false;  // supports prefill/decode with a KV cache
  std::string hf_class;     // the Hugging Face class whose architecture it reproduces
};

struct Preset {
  std::string name;  // "tiny", "base", ...
  std::string description;
  Config config;
  bool reference = false;  // the size whose parameter count matches Hugging Face
};

// What a benchmark asks of the model besides its config.
struct Workload {
  int64_t batch = 1;
  int64_t seq_len = 128;        // text tokens (prompt length for generative models)
  int64_t decode_tokens = 32;   // generative models: tokens generated after the prompt
  int64_t audio_samples = 0;    // 0 = the family's default clip length
  int64_t image_size = 0;       // 0 = the config's native size
  int64_t video_frames = 0;     // 0 = the config's default
};

// How the harness fills an input (seeded; see inputs.h).
enum class InputKind { kTokenIds, kAttentionMask, kImage, kAudioWaveform, kFeatures, kLabels };

struct InputDesc {
  std::string name;
  DType dtype = DType::kFloat;
  std::vector<Dim> dims;
  InputKind kind = InputKind::kFeatures;
  int64_t max_value = 0;  // token ids / labels: exclusive upper bound
};

using Inputs = std::map<std::string, Tensor, std::less<>>;
using Outputs = std::map<std::string, Tensor, std::less<>>;

// Per-sequence generation state. The layout is the family's business; lowerings only hold handles.
struct DecodeState {
  std::vector<Tensor> k, v;              // self-attention cache per layer [B, Hkv, S, D]
  std::vector<Tensor> cross_k, cross_v;  // encoder-decoder cross-attention (computed at prefill)
  Tensor encoder_out;
  int64_t length = 0;  // tokens already in the cache
};

class Family {
 public:
  virtual ~Family() = default;
  virtual const FamilyInfo& Info() const = 0;
  virtual std::vector<Preset> Presets() const = 0;

  // Inputs of a full forward (mode inference or training; training adds "labels").
  virtual std::vector<InputDesc> InputsFor(const Config& cfg, const Workload& w,
                                           Mode mode) const = 0;
  // Full forward. Outputs are named ("last_hidden_state", "logits", "pooler_output", ...).
  virtual Outputs Forward(Ops& ops, const Config& cfg, const Inputs& in) const = 0;
  // Scalar training loss suited to the family (uses in["labels"] where it needs labels).
  virtual Tensor TrainingLoss(Ops& ops, const Config& cfg, const Inputs& in) const = 0;

  // Generative families only. Prefill consumes InputsFor(...) (prompt ids and any encoder
  // inputs), fills the state and returns logits [B, S, V]; Decode appends ids [B, 1].
  virtual Tensor Prefill(Ops& ops, const Config& cfg, const Inputs& in, DecodeState& st) const;
  virtual Tensor Decode(Ops& ops, const Config& cfg, const Tensor& ids, DecodeState& st) const;

  // Separately loadable parts of multimodal families ("vision_tower", "projector", ...).
  virtual std::vector<std::string> Components() const { return {}; }

  // Finds a preset by name; throws UsageError listing the valid ones.
  Preset FindPreset(std::string_view name) const;
  // The reference preset (the Hugging Face size).
  Preset ReferencePreset() const;
};

// Registry of all families (registry.cc lists them; no static-initialisation tricks).
const std::vector<std::unique_ptr<Family>>& AllFamilies();
// Throws UsageError listing the valid family names.
const Family& FindFamily(std::string_view name);

}  // namespace accelbench::models
