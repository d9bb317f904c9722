#include "models/lowering/onnx_components.h"

#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"
#include "models/components.h"

namespace accelbench::models {
namespace fs = std::filesystem;

namespace {

const std::string kUnowned;  // "" = belongs to no component
const std::string kFusion = "fusion";

std::string DtypeName(int elem) {
  switch (elem) {
    case onnx::TensorProto::FLOAT:
      return "float32";
    case onnx::TensorProto::INT64:
      return "int64";
    case onnx::TensorProto::BOOL:
      return "bool";
    case onnx::TensorProto::FLOAT16:
      return "float16";
    case onnx::TensorProto::INT32:
      return "int32";
    default:
      return "type" + std::to_string(elem);
  }
}

// Combines owners: unowned is neutral; two different components (or fusion) make fusion.
std::string Combine(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty() || a == b) return a;
  return kFusion;
}

struct Split {
  const onnx::ModelProto& full;
  std::map<std::string, const onnx::ValueInfoProto*> infos;  // inputs, value_info, outputs
  std::map<std::string, const onnx::TensorProto*> inits;
  std::map<std::string, int> producer;  // tensor -> node index
  std::vector<std::string> node_group;
  std::map<std::string, int64_t> symbols;  // dim_param -> workload value

  ComponentTensor Tensor(const std::string& name) const {
    ComponentTensor t{name, "float32", {}};
    auto it = infos.find(name);
    if (it == infos.end())
      throw RuntimeError("component export: no type for tensor '" + name + "'");
    const auto& tt = it->second->type().tensor_type();
    t.dtype = DtypeName(tt.elem_type());
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        t.shape.push_back(d.dim_value());
      } else {
        auto s = symbols.find(d.dim_param());
        t.shape.push_back(s == symbols.end() ? -1 : s->second);
      }
    }
    return t;
  }
};

void Write(const onnx::ModelProto& m, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out || !m.SerializeToOstream(&out)) throw RuntimeError("cannot write " + path);
}

}  // namespace

ComponentExport ExportComponents(const Family& family, const Config& cfg, const Workload& w,
                                 const std::string& dir, const ExportOptions& opt) {
  const std::string fam = family.Info().name;
  const auto groups = ComponentGroups(fam);
  if (groups.empty())
    throw UsageError("family '" + fam +
                     "' has no separately loadable components (clip, clap, xclip, llava, "
                     "llava_next have)");
  fs::create_directories(dir);
  ComponentExport res;
  res.full_path = (fs::path(dir) / (fam + ".onnx")).string();
  ExportOptions inline_opt = opt;
  inline_opt.external_data_threshold_bytes = std::numeric_limits<int64_t>::max();
  ExportOnnx(family, cfg, w, res.full_path, inline_opt);

  onnx::ModelProto full;
  {
    std::ifstream in(res.full_path, std::ios::binary);
    if (!full.ParseFromIstream(&in)) throw RuntimeError("cannot parse " + res.full_path);
  }
  onnx::shape_inference::InferShapes(full);
  const auto& g = full.graph();
  Split s{full, {}, {}, {}, {}, {}};
  for (const auto& d : family.InputsFor(cfg, w, Mode::kInference))
    for (const auto& dim : d.dims)
      if (!dim.symbol.empty()) s.symbols[dim.symbol] = dim.size;
  for (const auto& v : g.input()) s.infos[v.name()] = &v;
  for (const auto& v : g.value_info()) s.infos[v.name()] = &v;
  for (const auto& v : g.output()) s.infos[v.name()] = &v;
  for (const auto& t : g.initializer()) s.inits[t.name()] = &t;
  std::set<std::string> graph_inputs;
  for (const auto& v : g.input()) graph_inputs.insert(v.name());
  std::set<std::string> graph_outputs;
  for (const auto& v : g.output()) {
    graph_outputs.insert(v.name());
    res.outputs.push_back(v.name());
  }

  // Owner of every node, in the graph's (topological) order.
  const int n = g.node_size();
  s.node_group.resize(n);
  for (int i = 0; i < n; ++i) {
    const auto& node = g.node(i);
    for (const auto& a : node.attribute())
      if (a.has_g() || a.graphs_size() > 0)
        throw UnsupportedError("component export: node " + node.op_type() + " has a subgraph");
    std::string owner;
    for (const auto& in : node.input()) {
      if (in.empty()) continue;
      if (auto it = s.inits.find(in); it != s.inits.end())
        owner = Combine(owner, ComponentOfParam(fam, in));
      else if (auto p = s.producer.find(in); p != s.producer.end())
        owner = Combine(owner, s.node_group[p->second]);
    }
    s.node_group[i] = owner;
    for (const auto& out : node.output()) s.producer[out] = i;
  }
  // An unowned node that yields a graph output goes to fusion.
  for (const auto& o : graph_outputs)
    if (auto p = s.producer.find(o); p != s.producer.end() && s.node_group[p->second].empty())
      s.node_group[p->second] = kFusion;

  std::vector<std::string> order = groups;
  order.push_back(kFusion);
  for (const auto& name : order) {
    // Nodes of this component plus the unowned nodes they (transitively) read.
    std::vector<bool> keep(n, false);
    for (int i = n - 1; i >= 0; --i) {
      if (s.node_group[i] == name) keep[i] = true;
      if (!keep[i]) continue;
      for (const auto& in : g.node(i).input())
        if (auto p = s.producer.find(in); p != s.producer.end() && s.node_group[p->second].empty())
          keep[p->second] = true;
    }
    if (std::find(keep.begin(), keep.end(), true) == keep.end()) continue;
    onnx::ModelProto m;
    m.set_ir_version(full.ir_version());
    m.set_producer_name(full.producer_name());
    m.set_producer_version(full.producer_version());
    *m.mutable_opset_import() = full.opset_import();
    auto* mg = m.mutable_graph();
    mg->set_name(fam + "_" + name);
    ComponentModel c;
    c.name = name;
    std::set<std::string> have, added_inputs, added_inits;
    for (int i = 0; i < n; ++i) {
      if (!keep[i]) continue;
      const auto& node = g.node(i);
      for (const auto& in : node.input()) {
        if (in.empty() || have.count(in)) continue;
        if (auto it = s.inits.find(in); it != s.inits.end()) {
          if (added_inits.insert(in).second) *mg->add_initializer() = *it->second;
        } else if (added_inputs.insert(in).second) {
          c.inputs.push_back(s.Tensor(in));  // throws when the tensor has no inferred type
          *mg->add_input() = *s.infos.at(in);
        }
      }
      *mg->add_node() = node;
      for (const auto& out : node.output()) have.insert(out);
    }
    // Outputs: what this component's own nodes produce for other components or the caller.
    std::set<std::string> outs;
    for (int i = 0; i < n; ++i) {
      if (s.node_group[i] == name) continue;
      for (const auto& in : g.node(i).input())
        if (auto p = s.producer.find(in); p != s.producer.end() && s.node_group[p->second] == name)
          outs.insert(in);
    }
    for (const auto& o : graph_outputs)
      if (have.count(o)) outs.insert(o);
    for (const auto& o : outs) {
      c.outputs.push_back(s.Tensor(o));
      *mg->add_output() = *s.infos.at(o);
    }
    c.nodes = mg->node_size();
    c.initializers = mg->initializer_size();
    c.path = (fs::path(dir) / (fam + "." + name + ".onnx")).string();
    Write(m, c.path);
    c.bytes = static_cast<int64_t>(fs::file_size(c.path));
    CheckOnnxFile(c.path);
    res.components.push_back(std::move(c));
  }
  if (res.components.size() < 2)
    throw UsageError("family '" + fam + "' did not split into components");
  return res;
}

}  // namespace accelbench::models
