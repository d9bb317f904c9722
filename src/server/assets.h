#pragma once
// The dashboard's static files, embedded into the binary at build time (web/dashboard/* and the
// pinned Vega bundles from third_party/npm; see CMakeLists.txt and embed_assets.cmake). Only these
// exact paths are ever served: nothing is read from disk, so no request can reach another file.
#include <string_view>
#include <vector>

namespace accelbench::server {

struct Asset {
  std::string_view path;  // URL path, e.g. "/index.html", "/vendor/vega.min.js"
  std::string_view mime;
  std::string_view body;
};

const std::vector<Asset>& Assets();
const Asset* FindAsset(std::string_view path);  // nullptr when not embedded

}  // namespace accelbench::server
