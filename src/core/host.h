#pragma once
// This machine's host name (gethostname), "unknown" when it cannot be read.
#include <string>

namespace accelbench {

std::string HostName();

}  // namespace accelbench
