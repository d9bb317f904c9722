#pragma once
// Byte codecs shared by the web-optimization pages' C++ side (webopt_run, mel_browser): input
// tensors as little-endian bytes, the pages' base64 outputs back to host tensors. Also used by
// browser_onnx.cc (the measurement and parity pages).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/inputs.h"

namespace accelbench::backends::browser::webopt {

std::string DecodeBase64(const std::string& in);
// The bytes of a host tensor and its ort dtype name ("float32", "int64", "bool").
std::string TensorBytes(const models::HostTensor& t, std::string& dtype);
// { name, dtype, shape, data_base64 } -> host tensor (float16 widened to fp32).
models::HostTensor OutputTensor(const nlohmann::json& o);
// Little-endian fp32 bytes of a page's base64 -> floats.
std::vector<float> FloatsFromBase64(const std::string& b64);

}  // namespace accelbench::backends::browser::webopt
