// The ONNX lowering, part 3: convolution, pooling, reductions, lookups and shape ops.
#include <algorithm>
#include <climits>

#include "core/errors.h"
#include "models/lowering/onnx_graph.h"
#include "models/lowering/onnx_ops.h"

namespace accelbench::models {
using namespace onnx_detail;

namespace {
GraphDim ConvOut(const GraphDim& in, int64_t k, int64_t s, int64_t p) {
  GraphDim out;
  if (in.IsStatic()) out = GraphDim::Static((in.value + 2 * p - k) / s + 1);
  if (in.size >= 0) out.size = (in.size + 2 * p - k) / s + 1;
  return out;
}
}  // namespace

Tensor OnnxOps::Conv(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                     int64_t padding, int64_t groups, int spatial) {
  const auto& tx = Of(x);
  const auto& tw = Of(w);
  if (static_cast<int>(tx.dims.size()) != spatial + 2 ||
      static_cast<int>(tw.dims.size()) != spatial + 2)
    throw RuntimeError("ONNX lowering: Conv" + std::to_string(spatial) + "d rank mismatch");
  std::vector<int64_t> kernel;
  for (int i = 0; i < spatial; ++i) kernel.push_back(tw.dims[2 + i].value);
  const std::string out = Fresh("Conv");
  auto& n = AddNode("Conv", {tx.name, tw.name}, out);
  if (b) n.add_input(Of(b).name);
  SetInts(n, "kernel_shape", kernel);
  SetInts(n, "strides", std::vector<int64_t>(spatial, stride));
  SetInts(n, "pads", std::vector<int64_t>(2 * spatial, padding));
  SetInt(n, "group", groups);
  std::vector<GraphDim> dims = {tx.dims[0], tw.dims[0]};
  for (int i = 0; i < spatial; ++i)
    dims.push_back(ConvOut(tx.dims[2 + i], kernel[i], stride, padding));
  return Make(out, tx.elem_type, std::move(dims));
}

Tensor OnnxOps::Conv1d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                       int64_t padding, int64_t groups) {
  return Conv(x, w, b, stride, padding, groups, 1);
}
Tensor OnnxOps::Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                       int64_t padding, int64_t groups) {
  return Conv(x, w, b, stride, padding, groups, 2);
}

Tensor OnnxOps::MaxPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  const auto& t = Of(x);
  if (t.dims.size() != 4) throw RuntimeError("ONNX lowering: MaxPool2d takes rank 4");
  const std::string out = Fresh("MaxPool");
  auto& n = AddNode("MaxPool", {t.name}, out);
  SetInts(n, "kernel_shape", {kernel, kernel});
  SetInts(n, "strides", {stride, stride});
  SetInts(n, "pads", {padding, padding, padding, padding});
  return Make(out, t.elem_type,
              {t.dims[0], t.dims[1], ConvOut(t.dims[2], kernel, stride, padding),
               ConvOut(t.dims[3], kernel, stride, padding)});
}

Tensor OnnxOps::Mean(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims) {
  return ReduceMean(x, axes, keepdims);
}

Tensor OnnxOps::Embedding(const Tensor& table, const Tensor& ids) {
  const auto& tt = Of(table);
  const auto& ti = Of(ids);
  const std::string out = Fresh("Gather");
  SetInt(AddNode("Gather", {tt.name, ti.name}, out), "axis", 0);
  auto dims = ti.dims;
  dims.insert(dims.end(), tt.dims.begin() + 1, tt.dims.end());
  return Make(out, tt.elem_type, std::move(dims));
}

Tensor OnnxOps::TakeAlongBatch(const Tensor& x, const Tensor& index) {
  const auto& tx = Of(x);
  Tensor idx = Unsqueeze(index, -1);  // [B, 1]
  const std::string out = Fresh("GatherND");
  SetInt(AddNode("GatherND", {tx.name, Of(idx).name}, out), "batch_dims", 1);
  std::vector<GraphDim> dims = {tx.dims[0]};
  dims.insert(dims.end(), tx.dims.begin() + 2, tx.dims.end());
  return Make(out, tx.elem_type, std::move(dims));
}

Tensor OnnxOps::ArgMax(const Tensor& x, int64_t axis) {
  const auto& t = Of(x);
  axis = NormAxis(axis, static_cast<int64_t>(t.dims.size()), "ArgMax");
  const std::string out = Fresh("ArgMax");
  auto& n = AddNode("ArgMax", {t.name}, out);
  SetInt(n, "axis", axis);
  SetInt(n, "keepdims", 0);
  auto dims = t.dims;
  dims.erase(dims.begin() + axis);
  return Make(out, kInt64, std::move(dims));
}

Tensor OnnxOps::Reshape(const Tensor& x, const std::vector<int64_t>& spec) {
  const auto& t = Of(x);
  std::vector<GraphDim> dims(spec.size());
  // Track the output dims: 0 copies, -1 is inferred when every dynamic input dim is copied.
  std::vector<GraphDim> unmatched;  // dynamic input dims not copied to the output
  for (const auto& d : t.dims)
    if (!d.IsStatic()) unmatched.push_back(d);
  int64_t in_static = 1, out_static = 1, infer_at = -1;
  for (const auto& d : t.dims)
    if (d.IsStatic()) in_static *= d.value;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] == 0) {
      if (i >= t.dims.size()) throw RuntimeError("ONNX lowering: Reshape copies a missing dim");
      dims[i] = t.dims[i];
      if (dims[i].IsStatic())
        out_static *= dims[i].value;
      else if (auto it = std::find_if(unmatched.begin(), unmatched.end(),
                                      [&](const GraphDim& u) { return u.SameAs(dims[i]); });
               it != unmatched.end() && !dims[i].IsUnknown())
        unmatched.erase(it);
    } else if (spec[i] == -1) {
      infer_at = static_cast<int64_t>(i);
    } else {
      dims[i] = GraphDim::Static(spec[i]);
      out_static *= spec[i];
    }
  }
  if (infer_at >= 0) {
    if (unmatched.empty() && out_static > 0)
      dims[infer_at] = GraphDim::Static(in_static / out_static);
    else if (unmatched.size() == 1 && in_static == out_static)
      dims[infer_at] = unmatched[0];
    // Concrete size of the inferred dim from the concrete sizes of everything else.
    int64_t numel = 1, rest = 1;
    bool known = true;
    for (const auto& d : t.dims) known = known && d.size >= 0, numel *= d.size;
    for (size_t i = 0; i < dims.size(); ++i)
      if (static_cast<int64_t>(i) != infer_at)
        known = known && dims[i].size >= 0, rest *= dims[i].size;
    if (known && rest > 0) dims[infer_at].size = numel / rest;
  }
  const std::string out = Fresh("Reshape");
  AddNode("Reshape", {t.name, Of(Int64s(spec)).name}, out);
  return Make(out, t.elem_type, std::move(dims));
}

Tensor OnnxOps::Transpose(const Tensor& x, const std::vector<int64_t>& perm) {
  const auto& t = Of(x);
  const auto rank = static_cast<int64_t>(t.dims.size());
  if (static_cast<int64_t>(perm.size()) != rank)
    throw RuntimeError("ONNX lowering: Transpose permutation of the wrong rank");
  std::vector<int64_t> p;
  std::vector<GraphDim> dims;
  for (auto a : perm) {
    p.push_back(NormAxis(a, rank, "Transpose"));
    dims.push_back(t.dims[p.back()]);
  }
  const std::string out = Fresh("Transpose");
  SetInts(AddNode("Transpose", {t.name}, out), "perm", p);
  return Make(out, t.elem_type, std::move(dims));
}

Tensor OnnxOps::Concat(const std::vector<Tensor>& xs, int64_t axis) {
  if (xs.empty()) throw RuntimeError("ONNX lowering: Concat of nothing");
  const auto& t0 = Of(xs[0]);
  axis = NormAxis(axis, static_cast<int64_t>(t0.dims.size()), "Concat");
  std::vector<std::string> names;
  int64_t total = 0;
  bool all_static = true;
  for (const auto& x : xs) {
    names.push_back(Of(x).name);
    const auto& d = Of(x).dims.at(axis);
    if (d.IsStatic())
      total += d.value;
    else
      all_static = false;
  }
  const std::string out = Fresh("Concat");
  SetInt(AddNode("Concat", names, out), "axis", axis);
  auto dims = t0.dims;
  for (size_t i = 1; i < xs.size(); ++i) dims = BroadcastDims(dims, Of(xs[i]).dims);
  int64_t size = 0;
  for (const auto& x : xs)
    size = size >= 0 && Of(x).dims[axis].size >= 0 ? size + Of(x).dims[axis].size : -1;
  dims[axis] = all_static ? GraphDim::Static(total) : GraphDim{};
  dims[axis].size = size;
  return Make(out, t0.elem_type, std::move(dims));
}

Tensor OnnxOps::Slice(const Tensor& x, int64_t axis, int64_t start, int64_t end) {
  const auto& t = Of(x);
  axis = NormAxis(axis, static_cast<int64_t>(t.dims.size()), "Slice");
  const std::string out = Fresh("Slice");
  AddNode("Slice",
          {t.name, Of(Int64s({start})).name, Of(Int64s({end})).name, Of(Int64s({axis})).name}, out);
  auto dims = t.dims;
  const GraphDim& d = t.dims[axis];
  auto sliced = [&](int64_t n) {
    auto clampi = [&](int64_t v) { return std::clamp(v < 0 ? v + n : v, int64_t{0}, n); };
    return std::max<int64_t>(0, clampi(end) - clampi(start));
  };
  if (d.IsStatic())
    dims[axis] = GraphDim::Static(sliced(d.value));
  else if (!(start == 0 && end == INT64_MAX))
    dims[axis] = GraphDim{};
  dims[axis].size = d.size >= 0 ? sliced(d.size) : -1;
  return Make(out, t.elem_type, std::move(dims));
}

Tensor OnnxOps::Unsqueeze(const Tensor& x, int64_t axis) {
  const auto& t = Of(x);
  axis = NormAxis(axis, static_cast<int64_t>(t.dims.size()) + 1, "Unsqueeze");
  const std::string out = Fresh("Unsqueeze");
  AddNode("Unsqueeze", {t.name, Of(Int64s({axis})).name}, out);
  auto dims = t.dims;
  dims.insert(dims.begin() + axis, GraphDim::Static(1));
  return Make(out, t.elem_type, std::move(dims));
}

Tensor OnnxOps::BroadcastBatch(const Tensor& x, const Tensor& like) {
  const auto& t = Of(x);
  const auto rank = static_cast<int64_t>(t.dims.size());
  const std::string b = Fresh("Shape");
  auto& n = AddNode("Shape", {Of(like).name}, b);
  SetInt(n, "start", 0);
  SetInt(n, "end", 1);
  const std::string shape = Fresh("Concat");
  SetInt(AddNode("Concat", {b, Of(Int64s(std::vector<int64_t>(rank - 1, 1))).name}, shape), "axis",
         0);
  const std::string out = Fresh("Expand");
  AddNode("Expand", {t.name, shape}, out);
  auto dims = t.dims;
  dims[0] = Of(like).dims.at(0);
  return Make(out, t.elem_type, std::move(dims));
}

int64_t OnnxOps::SizeOf(const Tensor& x, int64_t axis) {
  const auto& t = Of(x);
  const auto& d = t.dims.at(NormAxis(axis, static_cast<int64_t>(t.dims.size()), "SizeOf"));
  if (d.size < 0) throw RuntimeError("ONNX lowering: concrete size unknown for '" + t.name + "'");
  return d.size;
}

Tensor OnnxOps::Cast(const Tensor& x, DType to) {
  switch (to) {
    case DType::kFloat:
      return CastTo(x, float_type_);
    case DType::kInt64:
      return CastTo(x, kInt64);
    case DType::kBool:
      return CastTo(x, kBool);
  }
  return x;
}

}  // namespace accelbench::models
