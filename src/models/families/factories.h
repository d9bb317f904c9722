#pragma once
// One factory per family, in the order `accelbench models` lists them.
#include <memory>

#include "models/family.h"

namespace accelbench::models {

using FamilyFactory = std::unique_ptr<Family> (*)();

// Encoder families (models-core helper): families/bert.cc, vit.cc, clip.cc.
std::unique_ptr<Family> MakeBert();
std::unique_ptr<Family> MakeVit();
std::unique_ptr<Family> MakeClip();

// Generative families (llm helper): families/llama.cc, qwen2.cc, t5.cc, whisper.cc.
std::unique_ptr<Family> MakeT5();
std::unique_ptr<Family> MakeLlama();
std::unique_ptr<Family> MakeQwen2();
std::unique_ptr<Family> MakeWhisper();

// Video and vision-language families (zoo2-vl helper): families/xclip.cc, llava.cc, llava_next.cc.
std::unique_ptr<Family> MakeXclip();
std::unique_ptr<Family> MakeLlava();
std::unique_ptr<Family> MakeLlavaNext();

// Audio and detection families (zoo2-audio helper): families/wav2vec2.cc, clap.cc, detr.cc.
std::unique_ptr<Family> MakeWav2Vec2();
std::unique_ptr<Family> MakeClap();
std::unique_ptr<Family> MakeDetr();

// Add a family: declare its factory here and list it in kFamilyFactories.
inline constexpr FamilyFactory kFamilyFactories[] = {
    nullptr,  // placeholder removed once the first family exists
    MakeBert,
    MakeT5,
    MakeLlama,
    MakeQwen2,
    MakeVit,
    MakeClip,
    MakeWhisper,
    MakeXclip,
    MakeLlava,
    MakeLlavaNext,
    MakeWav2Vec2,
    MakeClap,
    MakeDetr,
};

}  // namespace accelbench::models
