#include "backends/browser/own_clock.h"

#include <regex>

#include "core/errors.h"

namespace accelbench::backends::browser {
using nlohmann::json;

json ProtocolJson(const OwnClockProtocol& p) {
  return {{"min_iterations", p.min_iterations}, {"min_time_ms", p.min_time_ms},
          {"ci_target", p.ci_target},           {"confidence", p.confidence},
          {"budget_ms", p.budget_ms},           {"warmup_min", p.warmup_min},
          {"warmup_max", p.warmup_max},         {"warmup_max_ms", p.warmup_max_ms},
          {"warmup_window", p.warmup_window},   {"warmup_tolerance", p.warmup_tolerance}};
}

std::optional<Placement> ParsePlacement(const std::string& log, const std::string& ep) {
  static const std::regex kLine(R"(placed on \[(\w+)\]\. Number of nodes: (\d+))");
  const std::string want = ep == "webgpu"  ? "WebGpuExecutionProvider|JsExecutionProvider"
                           : ep == "webnn" ? "WebNNExecutionProvider"
                                           : "CPUExecutionProvider";
  const std::regex want_re(want);
  Placement p;
  bool any = false;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), kLine); it != std::sregex_iterator();
       ++it) {
    any = true;
    const std::string name = (*it)[1];
    const int64_t n = std::stoll((*it)[2]);
    if (std::regex_match(name, want_re))
      p.ep_nodes += n;
    else if (name == "CPUExecutionProvider")
      p.cpu_fallback_nodes += n;
    else
      p.other_nodes += n;
  }
  if (!any) return std::nullopt;
  return p;
}

OwnClockMeasurement OwnClockFromAnswer(const json& a) {
  OwnClockMeasurement m;
  try {
    m.first_inference_ms = a.at("first_ms").get<double>();
    m.warmup_ms = a.at("warmup_ms").get<std::vector<double>>();
    m.samples_ms = a.at("samples_ms").get<std::vector<double>>();
    if (a.contains("steady_index") && a["steady_index"].is_number())
      m.steady_index = a["steady_index"].get<size_t>();
    m.converged = a.at("stop").get<std::string>() != "budget";
    const json t = a.value("timings", json::object());
    if (t.contains("fetch_ms")) m.fetch_ms = t.at("fetch_ms").get<double>();
    if (t.contains("session_create_ms"))
      m.session_create_ms = t.at("session_create_ms").get<double>();
    m.load_ms = m.fetch_ms.value_or(0) + m.session_create_ms.value_or(0);
    m.metrics_json = t.dump();
    if (a.contains("peak_rss_mb") && a["peak_rss_mb"].is_number())
      m.peak_rss_mb = a["peak_rss_mb"].get<double>();
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("the runtime's harness answered without a measurement: ") +
                       e.what());
  }
  if (m.samples_ms.empty()) throw RuntimeError("the runtime's harness measured no iteration");
  return m;
}

}  // namespace accelbench::backends::browser
