#pragma once
// One factory per family, in the order `accelbench models` lists them.
#include <memory>

#include "models/family.h"

namespace accelbench::models {

using FamilyFactory = std::unique_ptr<Family> (*)();

// Add a family: declare its factory here and list it in kFamilyFactories.
inline constexpr FamilyFactory kFamilyFactories[] = {
    nullptr,  // placeholder removed once the first family exists
};

}  // namespace accelbench::models
