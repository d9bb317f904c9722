#include "backends/browser/webopt_codec.h"

#include <cstdint>
#include <cstring>

#include "core/errors.h"

namespace accelbench::backends::browser::webopt {

std::string DecodeBase64(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int table[256];
  for (int& t : table) t = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<uint8_t>(kAlphabet[i])] = int(i);
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const int v = table[static_cast<uint8_t>(c)];
    if (v < 0) throw RuntimeError("browser page returned invalid base64");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return out;
}

std::string TensorBytes(const models::HostTensor& t, std::string& dtype) {
  std::string b;
  if (t.dtype == models::DType::kFloat) {
    dtype = "float32";
    b.assign(reinterpret_cast<const char*>(t.f.data()), t.f.size() * 4);
  } else if (t.dtype == models::DType::kInt64) {
    dtype = "int64";
    b.assign(reinterpret_cast<const char*>(t.i.data()), t.i.size() * 8);
  } else {
    dtype = "bool";
    for (int64_t v : t.i) b.push_back(v != 0 ? 1 : 0);
  }
  return b;
}

namespace {
float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {
      int e = -1;
      uint32_t m = man;
      do {
        ++e;
        m <<= 1;
      } while ((m & 0x400) == 0);
      bits = sign | uint32_t(127 - 15 - e) << 23 | (m & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000 | man << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | man << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
}  // namespace

models::HostTensor OutputTensor(const nlohmann::json& o) {
  models::HostTensor t;
  t.shape = o.at("shape").get<std::vector<int64_t>>();
  const std::string bytes = DecodeBase64(o.at("data_base64").get<std::string>());
  const std::string dtype = o.at("dtype");
  size_t n = 1;
  for (int64_t d : t.shape) n *= static_cast<size_t>(d);
  auto need = [&](size_t elem) {
    if (bytes.size() != n * elem)
      throw RuntimeError("browser output '" + o.at("name").get<std::string>() +
                         "' has the wrong size");
  };
  if (dtype == "float32") {
    need(4);
    t.f.resize(n);
    std::memcpy(t.f.data(), bytes.data(), bytes.size());
  } else if (dtype == "float16") {
    need(2);
    t.f.resize(n);
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, bytes.data() + 2 * i, 2);
      t.f[i] = HalfToFloat(h);
    }
  } else if (dtype == "int64") {
    need(8);
    t.dtype = models::DType::kInt64;
    t.i.resize(n);
    std::memcpy(t.i.data(), bytes.data(), bytes.size());
  } else if (dtype == "bool") {
    need(1);
    t.dtype = models::DType::kBool;
    t.i.assign(bytes.begin(), bytes.end());
  } else {
    throw RuntimeError("browser output dtype '" + dtype + "' is not supported");
  }
  return t;
}

std::vector<float> FloatsFromBase64(const std::string& b64) {
  const std::string bytes = DecodeBase64(b64);
  if (bytes.size() % 4) throw RuntimeError("browser page returned a partial float array");
  std::vector<float> f(bytes.size() / 4);
  std::memcpy(f.data(), bytes.data(), bytes.size());
  return f;
}

}  // namespace accelbench::backends::browser::webopt
