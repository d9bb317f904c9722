// Issue 13: projections reading one tensor, found in the shapes-only trace
// (models/lowering/linear_groups.h): the rules on synthetic traces and the groups of real
// families (attention q/k/v, cross-attention k/v, LLaMA gate/up).
#include "models/lowering/linear_groups.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/family.h"
#include "models/lowering/meta_ops.h"

namespace accelbench::models {
namespace {

std::vector<LinearGroup> GroupsOf(const std::string& family, Mode mode = Mode::kInference) {
  const Family& f = FindFamily(family);
  const Config cfg = f.FindPreset("tiny").config;
  Workload w;
  w.batch = 2;
  w.seq_len = 8;
  MetaOps meta;
  Inputs in;
  for (const auto& d : f.InputsFor(cfg, w, mode))
    in.emplace(d.name, meta.Input(d.name, d.dtype, d.dims));
  if (mode == Mode::kInference) {
    f.Forward(meta, cfg, in);
  } else {
    DecodeState st;
    f.Prefill(meta, cfg, in, st);
  }
  return SharedInputLinearGroups(meta.linear_calls());
}

// The last two name components ("self_attn.q_proj.weight" -> "q_proj.weight").
std::string Tail(const std::string& name) {
  auto dot = name.rfind('.', name.rfind('.') - 1);
  return name.substr(dot + 1);
}

std::vector<std::string> Tails(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(n.empty() ? "" : Tail(n));
  return out;
}

using Names = std::vector<std::string>;

TEST(LinearGroups, ProjectionsOfOneInputAreGroupedInCallOrder) {
  MetaOps meta;
  Ops& ops = meta;
  Tensor x = ops.Input("x", DType::kFloat, {Dim::Symbolic("batch", 2), Dim::Static(16)});
  ops.Linear(x, ops.Param("q.weight", {16, 16}, WeightInit::Normal()),
             ops.Param("q.bias", {16}, WeightInit::Zeros()));
  ops.Linear(x, ops.Param("k.weight", {8, 16}, WeightInit::Normal()));  // no bias, other width
  ops.Linear(x, ops.Param("v.weight", {8, 16}, WeightInit::Normal()),
             ops.Param("v.bias", {8}, WeightInit::Zeros()));
  Tensor y = ops.Linear(x, ops.Param("lone.weight", {4, 16}, WeightInit::Normal()));
  // another input with a single projection: not a group
  ops.Linear(y, ops.Param("head.weight", {2, 4}, WeightInit::Normal()));
  auto g = SharedInputLinearGroups(meta.linear_calls());
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].weights, (Names{"q.weight", "k.weight", "v.weight", "lone.weight"}));
  EXPECT_EQ(g[0].biases, (Names{"q.bias", "", "v.bias", ""}));
}

TEST(LinearGroups, WeightsUsedElsewhereOrNotParametersAreLeftOut) {
  MetaOps meta;
  Ops& ops = meta;
  auto in = [&](const std::string& n) {
    return ops.Input(n, DType::kFloat, {Dim::Symbolic("batch", 2), Dim::Static(16)});
  };
  auto p = [&](const std::string& n) { return ops.Param(n, {16, 16}, WeightInit::Normal()); };
  Tensor x = in("x"), y = in("y"), z = in("z");
  ops.Linear(x, p("a"));
  ops.Linear(x, p("b"));
  ops.Linear(y, p("a"));  // "a" alone on another input: computing {a, b} there would be waste
  ops.Linear(z, p("c"));
  ops.Linear(z, ops.Transpose(p("d"), {1, 0}));  // not a parameter operand: no group for z
  EXPECT_TRUE(SharedInputLinearGroups(meta.linear_calls()).empty());

  MetaOps split;  // the same input in two runs (another input's Linear between): two groups
  Ops& o1 = split;
  Tensor m = o1.Input("m", DType::kFloat, {Dim::Static(2), Dim::Static(16)});
  Tensor n = o1.Input("n", DType::kFloat, {Dim::Static(2), Dim::Static(16)});
  auto q = [&](const char* nm) { return o1.Param(nm, {16, 16}, WeightInit::Normal()); };
  o1.Linear(m, q("k0"));
  o1.Linear(m, q("v0"));
  o1.Linear(n, q("x0"));
  o1.Linear(m, q("k1"));
  o1.Linear(m, q("v1"));
  auto runs = SharedInputLinearGroups(split.linear_calls());
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].weights, (Names{"k0", "v0"}));
  EXPECT_EQ(runs[1].weights, (Names{"k1", "v1"}));

  MetaOps twice;  // one block applied to two inputs: the same group, reported once
  Ops& o2 = twice;
  for (const char* n : {"u", "v"}) {
    Tensor t = o2.Input(n, DType::kFloat, {Dim::Static(2), Dim::Static(16)});
    o2.Linear(t, o2.Param("e", {16, 16}, WeightInit::Normal()));
    o2.Linear(t, o2.Param("f", {16, 16}, WeightInit::Normal()));
  }
  auto g = SharedInputLinearGroups(twice.linear_calls());
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].weights, (Names{"e", "f"}));

  MetaOps two_biases;  // one weight with two different biases: left out
  Ops& o3 = two_biases;
  Tensor t = o3.Input("t", DType::kFloat, {Dim::Static(2), Dim::Static(16)});
  Tensor s = o3.Input("s", DType::kFloat, {Dim::Static(2), Dim::Static(16)});
  auto w = [&](const char* n) { return o3.Param(n, {16, 16}, WeightInit::Normal()); };
  auto b = [&](const char* n) { return o3.Param(n, {16}, WeightInit::Zeros()); };
  o3.Linear(t, w("g"), b("b1"));
  o3.Linear(t, w("h"));
  o3.Linear(s, w("g"), b("b2"));
  o3.Linear(s, w("h"));
  EXPECT_TRUE(SharedInputLinearGroups(two_biases.linear_calls()).empty());
}

TEST(LinearGroups, BertGroupsQueryKeyValuePerLayer) {
  const auto g = GroupsOf("bert");
  const int64_t layers = FindFamily("bert").FindPreset("tiny").config.Int("num_layers");
  ASSERT_EQ(static_cast<int64_t>(g.size()), layers);
  for (const auto& grp : g) {
    EXPECT_EQ(Tails(grp.weights), (Names{"query.weight", "key.weight", "value.weight"}));
    EXPECT_EQ(Tails(grp.biases), (Names{"query.bias", "key.bias", "value.bias"}));
  }
}

// Every decoder layer's cross-attention reads the same encoder output; each layer's keys and
// values are a group of their own (computed where that layer runs, as without fusion).
TEST(LinearGroups, WhisperGroupsSelfAttentionAndCrossAttentionKeysValuesPerLayer) {
  const auto g = GroupsOf("whisper");
  const Config cfg = FindFamily("whisper").FindPreset("tiny").config;
  const int64_t enc = cfg.Int("num_layers"), dec = cfg.Int("num_decoder_layers");
  ASSERT_EQ(static_cast<int64_t>(g.size()), enc + 2 * dec);
  int self = 0, cross = 0;
  for (const auto& grp : g) {
    if (grp.weights[0].find("encoder_attn") == std::string::npos) {
      ++self;
      // (in the order the family evaluates its arguments: any order is fine)
      std::set<std::pair<std::string, std::string>> members;
      for (size_t i = 0; i < grp.weights.size(); ++i)
        members.insert({Tail(grp.weights[i]), grp.biases[i].empty() ? "" : Tail(grp.biases[i])});
      EXPECT_EQ(members, (std::set<std::pair<std::string, std::string>>{
                             {"q_proj.weight", "q_proj.bias"},
                             {"k_proj.weight", ""},  // whisper's k_proj has no bias
                             {"v_proj.weight", "v_proj.bias"}}));
      continue;
    }
    ++cross;
    ASSERT_EQ(grp.weights.size(), 2u);
    const std::string p = grp.weights[0].substr(0, grp.weights[0].rfind("encoder_attn."));
    std::set<std::pair<std::string, std::string>> members;
    for (size_t i = 0; i < grp.weights.size(); ++i) members.insert({grp.weights[i], grp.biases[i]});
    EXPECT_EQ(members, (std::set<std::pair<std::string, std::string>>{
                           {p + "encoder_attn.k_proj.weight", ""},
                           {p + "encoder_attn.v_proj.weight", p + "encoder_attn.v_proj.bias"}}));
  }
  EXPECT_EQ(self, enc + dec);
  EXPECT_EQ(cross, dec);
}

TEST(LinearGroups, LlamaGroupsAttentionAndGateUpInPrefill) {
  const auto g = GroupsOf("llama", Mode::kPrefill);
  const int64_t layers = FindFamily("llama").FindPreset("tiny").config.Int("num_layers");
  ASSERT_EQ(static_cast<int64_t>(g.size()), 2 * layers);
  EXPECT_EQ(Tails(g[0].weights), (Names{"q_proj.weight", "k_proj.weight", "v_proj.weight"}));
  EXPECT_EQ(Tails(g[0].biases), (Names{"", "", ""}));
  EXPECT_EQ(Tails(g[1].weights), (Names{"gate_proj.weight", "up_proj.weight"}));
}

}  // namespace
}  // namespace accelbench::models
