// Fuzz target: the dashboard's request-parameter validation (src/server/params.h). The input is a
// URL query string ("a=1&tag=k=v&..."), split and percent-decoded the way an HTTP server hands it
// over; byte 0 picks the endpoint. Expected outcome for bad input: BadRequest, nothing else.
#include <cctype>
#include <map>
#include <string>

#include "fuzz_target.h"
#include "server/params.h"

namespace {
std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using accelbench::server::Endpoint;
  if (size == 0) return 0;
  const auto endpoint = static_cast<Endpoint>(data[0] % 8);
  const std::string query(reinterpret_cast<const char*>(data + 1), size - 1);
  std::multimap<std::string, std::string> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string part = query.substr(start, end - start);
    const size_t eq = part.find('=');
    if (!part.empty())
      params.emplace(Decode(part.substr(0, eq)),
                     eq == std::string::npos ? "" : Decode(part.substr(eq + 1)));
    start = end + 1;
  }
  try {
    (void)accelbench::server::ParseQuery(endpoint, params);
  } catch (const accelbench::server::BadRequest&) {
  }
  return 0;
}
