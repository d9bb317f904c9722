#include "models/family.h"

#include "core/errors.h"

namespace accelbench::models {

Tensor Family::Prefill(Ops&, const Config&, const Inputs&, DecodeState&) const {
  throw UnsupportedError(Info().name + " is not a generative model (no prefill/decode)");
}
Tensor Family::Decode(Ops&, const Config&, const Tensor&, DecodeState&) const {
  throw UnsupportedError(Info().name + " is not a generative model (no prefill/decode)");
}

Preset Family::FindPreset(std::string_view name) const {
  std::vector<std::string> names;
  for (auto& p : Presets()) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  throw UsageError("unknown preset '" + std::string(name) + "' for " + Info().name +
                   "; valid presets are: " + JoinNames(names));
}

Preset Family::ReferencePreset() const {
  for (auto& p : Presets())
    if (p.reference) return p;
  return Presets().back();
}

const Family& FindFamily(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& f : AllFamilies()) {
    if (f->Info().name == name) return *f;
    names.push_back(f->Info().name);
  }
  throw UsageError("unknown model '" + std::string(name) + "'; valid models are: " +
                   JoinNames(names));
}

}  // namespace accelbench::models
