#pragma once
// Small helpers shared by the ONNX lowering's source files (not part of its public API).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/lowering/onnx_ops.h"

namespace accelbench::models::onnx_detail {

constexpr int32_t kFloat = onnx::TensorProto_DataType_FLOAT;
constexpr int32_t kFloat16 = onnx::TensorProto_DataType_FLOAT16;
constexpr int32_t kInt64 = onnx::TensorProto_DataType_INT64;
constexpr int32_t kBool = onnx::TensorProto_DataType_BOOL;

inline void SetInt(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INT);
  a->set_i(v);
}
inline void SetFloat(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_FLOAT);
  a->set_f(v);
}
inline void SetInts(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  for (auto x : v) a->add_ints(x);
}

// IEEE half from float, round to nearest even (overflow -> inf, NaN kept).
uint16_t FloatToHalf(float f);
float HalfToFloat(uint16_t h);

// Normalises a possibly negative axis against a rank; throws RuntimeError when out of range.
int64_t NormAxis(int64_t axis, int64_t rank, const char* op);

// Numpy broadcasting of tracked dims (unknown where it cannot be decided statically).
std::vector<GraphDim> BroadcastDims(const std::vector<GraphDim>& a, const std::vector<GraphDim>& b);

void SetValueInfo(onnx::ValueInfoProto& vi, const std::string& name, int32_t elem_type,
                  const std::vector<GraphDim>& dims);

}  // namespace accelbench::models::onnx_detail
