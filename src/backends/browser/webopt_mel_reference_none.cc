// Built without the libtorch backend: no native log-mel reference.
#include "backends/browser/webopt_mel_reference.h"
#include "core/errors.h"

namespace accelbench::backends::browser {

std::vector<float> NativeFrontEnd(const MelJob&) {
  throw UnsupportedError("the native log-mel reference needs the libtorch backend");
}

Deviation Compare(const std::vector<float>& got, const std::vector<float>& ref) {
  Deviation d;
  for (size_t i = 0; i < got.size() && i < ref.size(); ++i)
    d.max_abs = std::max(d.max_abs, double(std::abs(got[i] - ref[i])));
  return d;
}

}  // namespace accelbench::backends::browser
