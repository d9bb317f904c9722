// Vega-Lite specs generated from the results: throughput, latency p50/p99, memory, batch scaling,
// training vs inference, precision comparison and the speedup heatmap. A chart whose data is
// absent is returned with the reason instead of a spec.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/html_report.h"

namespace accelbench::report {
namespace {

using json = nlohmann::ordered_json;

std::string ConfigLabel(const ResultRecord& r) {
  return r.platform + "/" + r.runtime + "/" + r.precision;
}
std::string GroupLabel(const std::string& model, const std::string& preset,
                       const std::string& mode) {
  return model + " " + preset + " " + mode;
}
// "" for a plain measured value; otherwise why the value is marked.
std::string MarkOf(const ResultRecord& r) {
  std::string m;
  if (r.status == ResultStatus::kNotConverged) m = "not converged";
  if (r.origin != "measured") m += (m.empty() ? "" : ", ") + r.origin;
  return m;
}

json Row(const ResultRecord& r) {
  return {{"group", GroupLabel(r.model, r.preset, r.mode)},
          {"model", r.model},
          {"config", ConfigLabel(r)},
          {"label", ConfigLabel(r) + " b=" + std::to_string(r.batch)},
          {"batch", r.batch},
          {"precision", r.precision},
          {"mark", MarkOf(r)}};
}

json Opacity() {
  return {{"condition", {{"test", "datum.mark != ''"}, {"value", 0.35}}}, {"value", 1}};
}

json Faceted(json data, json layer_or_mark, json encoding, const std::string& title,
             bool independent_y = true) {
  json spec = {
      {"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
      {"title", title},
      {"data", {{"values", std::move(data)}}},
      {"facet", {{"field", "group"}, {"type", "nominal"}, {"title", nullptr}}},
      {"columns", 3},
      {"spec", {{"width", 260}, {"height", 180}, {"mark", layer_or_mark}, {"encoding", encoding}}}};
  // each facet shows only its own configurations; y independent unless compared across facets
  spec["resolve"] = {{"scale", {{"x", "independent"}, {"xOffset", "independent"}}}};
  if (independent_y) spec["resolve"]["scale"]["y"] = "independent";
  return spec;
}

Chart Omit(std::string id, std::string title, std::string why) {
  return {std::move(id), std::move(title), "", std::move(why)};
}

bool Usable(const ResultRecord& r) {
  return r.status == ResultStatus::kOk || r.status == ResultStatus::kNotConverged;
}

// Bar chart of one or more numeric fields per configuration; several fields become a "stat"
// offset within each configuration.
Chart Bars(const std::vector<ResultRecord>& rs, std::string id, std::string title,
           const std::vector<std::pair<std::string, std::optional<double> ResultRecord::*>>& fields,
           const std::string& y_title) {
  json data = json::array();
  for (const auto& r : rs) {
    if (!Usable(r)) continue;
    for (const auto& [name, member] : fields) {
      if (!(r.*member)) continue;
      json row = Row(r);
      row["stat"] = name;
      row["value"] = *(r.*member);
      data.push_back(std::move(row));
    }
  }
  if (data.empty()) return Omit(id, title, "no result has " + y_title);
  json enc = {{"x", {{"field", "label"}, {"type", "nominal"}, {"title", nullptr}}},
              {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", y_title}}},
              {"opacity", Opacity()},
              {"tooltip", json::array({{{"field", "label"}},
                                       {{"field", "stat"}},
                                       {{"field", "value"}},
                                       {{"field", "mark"}}})}};
  if (fields.size() > 1) {
    enc["xOffset"] = {{"field", "stat"}};
    enc["color"] = {{"field", "stat"}, {"type", "nominal"}, {"title", nullptr}};
  } else {
    enc["color"] = {
        {"field", "config"}, {"type", "nominal"}, {"title", "platform/runtime/precision"}};
  }
  return {id, title, Faceted(std::move(data), "bar", std::move(enc), title).dump(), ""};
}

Chart BatchScaling(const std::vector<ResultRecord>& rs) {
  std::map<std::pair<std::string, std::string>, std::set<int64_t>> batches;
  for (const auto& r : rs)
    if (Usable(r) && r.throughput)
      batches[{GroupLabel(r.model, r.preset, r.mode), ConfigLabel(r)}].insert(r.batch);
  json data = json::array();
  for (const auto& r : rs) {
    if (!Usable(r) || !r.throughput) continue;
    if (batches[{GroupLabel(r.model, r.preset, r.mode), ConfigLabel(r)}].size() < 2) continue;
    json row = Row(r);
    row["throughput"] = *r.throughput;
    if (r.lat_p50_ms) row["p50"] = *r.lat_p50_ms;
    data.push_back(std::move(row));
  }
  const std::string title = "Batch scaling: throughput vs batch size";
  if (data.empty())
    return Omit("batch_scaling", title, "no configuration was run at two or more batch sizes");
  json enc = {{"x",
               {{"field", "batch"},
                {"type", "quantitative"},
                {"title", "batch"},
                {"axis", {{"tickMinStep", 1}}}}},
              {"y", {{"field", "throughput"}, {"type", "quantitative"}, {"title", "throughput"}}},
              {"color",
               {{"field", "config"}, {"type", "nominal"}, {"title", "platform/runtime/precision"}}},
              {"tooltip", json::array({{{"field", "config"}},
                                       {{"field", "batch"}},
                                       {{"field", "throughput"}},
                                       {{"field", "p50"}},
                                       {{"field", "mark"}}})}};
  return {
      "batch_scaling", title,
      Faceted(std::move(data), {{"type", "line"}, {"point", true}}, std::move(enc), title).dump(),
      ""};
}

Chart RatioBars(const std::vector<analysis::ComparisonRecord>& cs, analysis::ComparisonKind kind,
                std::string id, std::string title, std::string y_title, std::string why) {
  json data = json::array();
  for (const auto& c : cs) {
    if (c.kind != kind || !c.value) continue;
    data.push_back({{"group", GroupLabel(c.model, c.preset, c.mode)},
                    {"label", c.platform + "/" + c.runtime + "/" + c.precision +
                                  " b=" + std::to_string(c.batch)},
                    {"value", *c.value},
                    {"low", c.ci_low ? json(*c.ci_low) : json(nullptr)},
                    {"high", c.ci_high ? json(*c.ci_high) : json(nullptr)},
                    {"reference", c.reference},
                    {"mark", c.flags}});
  }
  if (data.empty()) return Omit(id, title, why);
  json spec = {
      {"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
      {"title", title},
      {"data", {{"values", std::move(data)}}},
      {"facet", {{"field", "group"}, {"type", "nominal"}, {"title", nullptr}}},
      {"columns", 3},
      {"resolve", {{"scale", {{"x", "independent"}, {"y", "independent"}}}}},
      {"spec",
       {{"width", 260},
        {"height", 180},
        {"layer",
         json::array({{{"mark", "bar"},
                       {"encoding",
                        {{"x", {{"field", "label"}, {"type", "nominal"}, {"title", nullptr}}},
                         {"y", {{"field", "value"}, {"type", "quantitative"}, {"title", y_title}}},
                         {"opacity", Opacity()},
                         {"tooltip", json::array({{{"field", "label"}},
                                                  {{"field", "value"}},
                                                  {{"field", "low"}},
                                                  {{"field", "high"}},
                                                  {{"field", "reference"}},
                                                  {{"field", "mark"}}})}}}},
                      {{"mark", "rule"},
                       {"transform", json::array({{{"filter", "isValid(datum.low)"}}})},
                       {"encoding",
                        {{"x", {{"field", "label"}, {"type", "nominal"}}},
                         {"y", {{"field", "low"}, {"type", "quantitative"}}},
                         {"y2", {{"field", "high"}}}}}}})}}}};
  return {id, title, spec.dump(), ""};
}

Chart Precision(const std::vector<ResultRecord>& rs) {
  std::map<std::string, std::set<std::string>> precisions;
  auto key = [](const ResultRecord& r) {
    return GroupLabel(r.model, r.preset, r.mode) + " " + r.platform + "/" + r.runtime +
           " b=" + std::to_string(r.batch);
  };
  for (const auto& r : rs)
    if (Usable(r) && r.throughput) precisions[key(r)].insert(r.precision);
  json data = json::array();
  for (const auto& r : rs) {
    if (!Usable(r) || !r.throughput || precisions[key(r)].size() < 2) continue;
    json row = Row(r);
    row["group"] = key(r);
    row["throughput"] = *r.throughput;
    data.push_back(std::move(row));
  }
  const std::string title = "Precision comparison: throughput per precision";
  if (data.empty())
    return Omit("precision", title, "no configuration was run at two or more precisions");
  json enc = {
      {"x", {{"field", "precision"}, {"type", "nominal"}}},
      {"y", {{"field", "throughput"}, {"type", "quantitative"}}},
      {"color", {{"field", "precision"}, {"type", "nominal"}}},
      {"opacity", Opacity()},
      {"tooltip",
       json::array({{{"field", "precision"}}, {{"field", "throughput"}}, {{"field", "mark"}}})}};
  return {"precision", title, Faceted(std::move(data), "bar", std::move(enc), title).dump(), ""};
}

Chart Heatmap(const std::vector<analysis::ComparisonRecord>& cs) {
  json data = json::array();
  for (const auto& c : cs) {
    if (c.kind != analysis::ComparisonKind::kSpeedup || !c.value) continue;
    data.push_back(
        {{"model", c.model + " " + c.preset + " " + c.mode + " b=" + std::to_string(c.batch)},
         {"platform", c.platform + "/" + c.runtime + "/" + c.precision},
         {"speedup", *c.value},
         {"mark", c.flags}});
  }
  const std::string title = "Speedup vs baseline (ratio of median latencies)";
  if (data.empty())
    return Omit("speedup_heatmap", title,
                "no configuration other than the baseline has a matching baseline result");
  json spec = {
      {"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
      {"title", title},
      {"width", {{"step", 90}}},
      {"height", {{"step", 28}}},
      {"data", {{"values", std::move(data)}}},
      {"encoding",
       {{"x",
         {{"field", "platform"}, {"type", "nominal"}, {"title", "platform/runtime/precision"}}},
        {"y", {{"field", "model"}, {"type", "nominal"}, {"title", nullptr}}}}},
      {"layer",
       json::array({{{"mark", "rect"},
                     {"encoding",
                      {{"color",
                        {{"field", "speedup"},
                         {"type", "quantitative"},
                         {"scale", {{"type", "log"}, {"scheme", "viridis"}}}}},
                       {"tooltip", json::array({{{"field", "model"}},
                                                {{"field", "platform"}},
                                                {{"field", "speedup"}},
                                                {{"field", "mark"}}})}}}},
                    {{"mark", "text"},
                     {"encoding", {{"text", {{"field", "speedup"}, {"format", ".2f"}}}}}}})}};
  return {"speedup_heatmap", title, spec.dump(), ""};
}

}  // namespace

std::vector<Chart> BuildCharts(const HtmlReportInput& in) {
  using R = ResultRecord;
  std::vector<Chart> charts;
  charts.push_back(Bars(in.results, "throughput", "Throughput per model (platforms side by side)",
                        {{"throughput", &R::throughput}}, "throughput"));
  charts.push_back(Bars(in.results, "latency", "Latency p50 and p99",
                        {{"p50", &R::lat_p50_ms}, {"p99", &R::lat_p99_ms}}, "latency (ms)"));
  charts.push_back(Bars(in.results, "memory", "Peak memory",
                        {{"host RSS", &R::peak_rss_mb}, {"device", &R::peak_device_mem_mb}},
                        "peak memory (MB)"));
  charts.push_back(BatchScaling(in.results));
  charts.push_back(RatioBars(in.comparisons, analysis::ComparisonKind::kTrainVsInfer,
                             "train_vs_infer", "Training vs inference: step-time ratio",
                             "training / inference",
                             "no training result has a matching inference result"));
  charts.push_back(Precision(in.results));
  charts.push_back(Heatmap(in.comparisons));
  return charts;
}

}  // namespace accelbench::report
