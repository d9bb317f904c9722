// The list of model families. Add a family by declaring its factory and listing it below.
#include "models/family.h"
#include "models/families/factories.h"

namespace accelbench::models {

const std::vector<std::unique_ptr<Family>>& AllFamilies() {
  static const auto families = [] {
    std::vector<std::unique_ptr<Family>> v;
    for (auto make : kFamilyFactories)
      if (make) v.push_back(make());
    return v;
  }();
  return families;
}

}  // namespace accelbench::models
