#pragma once
// Which separately loadable component of a multimodal family a parameter belongs to (issue 6,
// parallel model loading). The grouping is by parameter-name prefix, as the families name their
// weights after Hugging Face's modules:
//   clip   vision (vision_model, visual_projection)   text (text_model, text_projection)
//   clap   audio (audio_model, audio_projection)       text (text_model, text_projection)
//   xclip  vision (vision_model, visual_projection, mit, prompts_visual_*)   text (text_model)
//   llava, llava_next  vision (model.vision_tower, model.multi_modal_projector, image_newline)
//                      language_model (model.language_model, lm_head)
// Parameters of no component (logit scales, prompt generator, ...) return "".
#include <string>
#include <string_view>
#include <vector>

namespace accelbench::models {

// The component groups of a family in load order ("vision", "text", ...); empty when the family
// has no separable components.
std::vector<std::string> ComponentGroups(std::string_view family);
// The group of parameter `param` of `family`, or "" when it belongs to none.
std::string ComponentOfParam(std::string_view family, std::string_view param);

}  // namespace accelbench::models
