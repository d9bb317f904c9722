#include "models/components.h"

#include <utility>

namespace accelbench::models {
namespace {

struct Rule {
  const char* prefix;
  const char* group;
};

const std::vector<Rule>* RulesOf(std::string_view family) {
  static const std::vector<Rule> kClip = {{"vision_model", "vision"},
                                          {"visual_projection", "vision"},
                                          {"text_model", "text"},
                                          {"text_projection", "text"}};
  static const std::vector<Rule> kClap = {{"audio_model", "audio"},
                                          {"audio_projection", "audio"},
                                          {"text_model", "text"},
                                          {"text_projection", "text"}};
  static const std::vector<Rule> kXclip = {{"vision_model", "vision"},
                                           {"visual_projection", "vision"},
                                           {"mit", "vision"},
                                           {"prompts_visual", "vision"},
                                           {"text_model", "text"}};
  static const std::vector<Rule> kLlava = {{"model.vision_tower", "vision"},
                                           {"model.multi_modal_projector", "vision"},
                                           {"model.image_newline", "vision"},
                                           {"model.language_model", "language_model"},
                                           {"lm_head", "language_model"}};
  if (family == "clip") return &kClip;
  if (family == "clap") return &kClap;
  if (family == "xclip") return &kXclip;
  if (family == "llava" || family == "llava_next") return &kLlava;
  return nullptr;
}

}  // namespace

std::vector<std::string> ComponentGroups(std::string_view family) {
  std::vector<std::string> out;
  if (const auto* rules = RulesOf(family))
    for (const Rule& r : *rules)
      if (out.empty() || out.back() != r.group) out.emplace_back(r.group);
  return out;
}

std::string ComponentOfParam(std::string_view family, std::string_view param) {
  const auto* rules = RulesOf(family);
  if (!rules) return {};
  for (const Rule& r : *rules) {
    const std::string_view p = r.prefix;
    if (param.substr(0, p.size()) == p &&
        (param.size() == p.size() || param[p.size()] == '.' || param[p.size()] == '_'))
      return r.group;
  }
  return {};
}

}  // namespace accelbench::models
