#pragma once
// RAII wrapper of a dlopen handle, with typed symbol lookup (probe children; NvmlMonitor).
#include <dlfcn.h>

#include <string>
#include <utility>

namespace accelbench::hardware {

class DlLibrary {
 public:
  DlLibrary() = default;
  explicit DlLibrary(const std::string& path) {
    dlerror();
    handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char* e = dlerror();
      error_ = e ? e : ("cannot open " + path);
    }
  }
  DlLibrary(const DlLibrary&) = delete;
  DlLibrary& operator=(const DlLibrary&) = delete;
  DlLibrary(DlLibrary&& o) noexcept
      : handle_(std::exchange(o.handle_, nullptr)), error_(std::move(o.error_)) {}
  DlLibrary& operator=(DlLibrary&& o) noexcept {
    if (this != &o) {
      Close();
      handle_ = std::exchange(o.handle_, nullptr);
      error_ = std::move(o.error_);
    }
    return *this;
  }
  ~DlLibrary() { Close(); }

  bool ok() const { return handle_ != nullptr; }
  const std::string& error() const { return error_; }

  // Typed symbol, or nullptr when missing.
  template <typename Fn>
  Fn Symbol(const char* name) const {
    if (!handle_) return nullptr;
    return reinterpret_cast<Fn>(dlsym(handle_, name));
  }
  // A symbol the caller cannot do without: when absent, `missing` gets the first such name.
  template <typename Fn>
  Fn Required(const char* name, std::string& missing) const {
    auto fn = Symbol<Fn>(name);
    if (!fn && missing.empty()) missing = name;
    return fn;
  }

 private:
  void Close() {
    if (handle_) dlclose(handle_);
    handle_ = nullptr;
  }
  void* handle_ = nullptr;
  std::string error_;
};

}  // namespace accelbench::hardware
