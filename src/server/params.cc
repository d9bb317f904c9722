#include "server/params.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace accelbench::server {

namespace {

const std::set<std::string>& Allowed(Endpoint e) {
  static const std::set<std::string> kFilters = {
      "model",   "preset", "platform", "runtime", "precision", "mode", "batch",
      "seq_len", "status", "run",      "from",    "to",        "tag"};
  static const std::set<std::string> kRuns = {"from", "to", "tag", "limit", "offset"};
  static const std::set<std::string> kResults = [] {
    auto s = kFilters;
    s.insert({"latest", "limit", "offset", "config_key"});
    return s;
  }();
  static const std::set<std::string> kHistory = [] {
    auto s = kFilters;
    s.insert({"config_key", "metric", "limit"});
    return s;
  }();
  static const std::set<std::string> kCompare = [] {
    auto s = kFilters;
    s.insert({"baseline", "latest"});
    return s;
  }();
  static const std::set<std::string> kRegressions = [] {
    auto s = kFilters;
    s.insert({"config_key", "metric", "base_run"});
    return s;
  }();
  static const std::set<std::string> kPredictions = {"model", "platform", "precision", "batch",
                                                     "mode",  "limit",    "offset"};
  static const std::set<std::string> kNone = {};
  switch (e) {
    case Endpoint::kRuns:
      return kRuns;
    case Endpoint::kResults:
      return kResults;
    case Endpoint::kHistory:
      return kHistory;
    case Endpoint::kCompare:
      return kCompare;
    case Endpoint::kRegressions:
      return kRegressions;
    case Endpoint::kPredictions:
      return kPredictions;
    case Endpoint::kFilters:
    case Endpoint::kStatus:
      return kNone;
  }
  return kNone;
}

std::string Shown(std::string_view v) {
  std::string s;
  for (char c : v.substr(0, 40)) s += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (v.size() > 40) s += "...";
  return s;
}

int64_t ParseInt(const std::string& name, const std::string& v, int64_t lo, int64_t hi) {
  int64_t x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size())
    throw BadRequest("parameter '" + name + "' must be an integer, got '" + Shown(v) + "'");
  if (x < lo || x > hi)
    throw BadRequest("parameter '" + name + "' must be between " + std::to_string(lo) + " and " +
                     std::to_string(hi) + ", got " + std::to_string(x));
  return x;
}

std::string Ident(const std::string& name, const std::string& v) {
  if (!IsIdentifierValue(v))
    throw BadRequest("parameter '" + name + "' has an invalid value '" + Shown(v) +
                     "' (1-128 characters of letters, digits and _.:+/@=,-)");
  return v;
}

bool Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

}  // namespace

bool IsIdentifierValue(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.:+/@=,-").find(c) != std::string_view::npos;
  });
}

bool IsIsoTime(std::string_view v) {
  // YYYY-MM-DD
  if (!Digits(v, 0, 4) || v.size() < 10 || v[4] != '-' || !Digits(v, 5, 2) || v[7] != '-' ||
      !Digits(v, 8, 2))
    return false;
  int month = (v[5] - '0') * 10 + (v[6] - '0'), day = (v[8] - '0') * 10 + (v[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (v.size() == 10) return true;
  // THH:MM[:SS[.fff]][Z]
  if (v[10] != 'T' || !Digits(v, 11, 2) || v.size() < 16 || v[13] != ':' || !Digits(v, 14, 2))
    return false;
  if ((v[11] - '0') * 10 + (v[12] - '0') > 23 || (v[14] - '0') * 10 + (v[15] - '0') > 59)
    return false;
  size_t i = 16;
  if (i < v.size() && v[i] == ':') {
    if (!Digits(v, i + 1, 2) || (v[i + 1] - '0') * 10 + (v[i + 2] - '0') > 60) return false;
    i += 3;
    if (i < v.size() && v[i] == '.') {
      size_t j = i + 1;
      while (j < v.size() && v[j] >= '0' && v[j] <= '9' && j - i <= 9) ++j;
      if (j == i + 1) return false;
      i = j;
    }
  }
  if (i < v.size() && v[i] == 'Z') ++i;
  return i == v.size();
}

const std::vector<std::string>& HistoryMetrics() {
  static const std::vector<std::string> m = {
      "lat_p50_ms", "lat_mean_ms", "lat_p90_ms",       "lat_p95_ms",         "lat_p99_ms",
      "lat_min_ms", "throughput",  "peak_rss_mb",      "first_inference_ms", "load_ms",
      "ttft_ms",    "tpot_ms",     "energy_j_per_item"};
  return m;
}

ResultQuery ParseQuery(Endpoint e, const std::multimap<std::string, std::string>& params) {
  const auto& allowed = Allowed(e);
  ResultQuery q;
  if (e == Endpoint::kHistory) q.limit = 1000;
  std::set<std::string> seen;
  for (const auto& [name, value] : params) {
    if (!allowed.count(name)) {
      if (name == "token") continue;  // the API token may also come as a query parameter
      throw BadRequest("unknown parameter '" + Shown(name) + "'");
    }
    if (name != "tag" && !seen.insert(name).second)
      throw BadRequest("parameter '" + name + "' given more than once");
    if (value.size() > 512) throw BadRequest("parameter '" + name + "' is too long");
    if (name == "model")
      q.model = Ident(name, value);
    else if (name == "preset")
      q.preset = Ident(name, value);
    else if (name == "platform")
      q.platform = Ident(name, value);
    else if (name == "runtime")
      q.runtime = Ident(name, value);
    else if (name == "precision")
      q.precision = Ident(name, value);
    else if (name == "mode")
      q.mode = Ident(name, value);
    else if (name == "run")
      q.run_id = Ident(name, value);
    else if (name == "status") {
      static const std::set<std::string> kStatus = {"ok", "not_converged", "failed", "skipped"};
      if (!kStatus.count(value))
        throw BadRequest("parameter 'status' must be one of ok, not_converged, failed, skipped");
      q.status = value;
    } else if (name == "batch")
      q.batch = ParseInt(name, value, 1, 1 << 20);
    else if (name == "seq_len")
      q.seq_len = ParseInt(name, value, 0, 1 << 24);
    else if (name == "limit")
      q.limit = ParseInt(name, value, 1, e == Endpoint::kHistory ? 100000 : 5000);
    else if (name == "offset")
      q.offset = ParseInt(name, value, 0, 1000000000);
    else if (name == "from" || name == "to") {
      if (!IsIsoTime(value))
        throw BadRequest("parameter '" + name +
                         "' must be an ISO 8601 date (YYYY-MM-DD) or time "
                         "(YYYY-MM-DDTHH:MM:SSZ), got '" +
                         Shown(value) + "'");
      (name == "from" ? q.from : q.to) = value;
    } else if (name == "latest") {
      if (value != "0" && value != "1" && value != "true" && value != "false")
        throw BadRequest("parameter 'latest' must be 0, 1, true or false");
      q.latest = value == "1" || value == "true";
    } else if (name == "tag") {
      auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0)
        throw BadRequest("parameter 'tag' must be key=value, got '" + Shown(value) + "'");
      std::string k = value.substr(0, eq), v = value.substr(eq + 1);
      if (!IsIdentifierValue(k) || !IsIdentifierValue(v))
        throw BadRequest("parameter 'tag' has an invalid key or value '" + Shown(value) + "'");
      if (q.tags.size() >= 16) throw BadRequest("at most 16 'tag' parameters");
      q.tags.emplace_back(k, v);
    } else if (name == "config_key") {
      bool ok = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '\'' && c != '"' && c != '\\' && c != '<' && c != '>';
      });
      if (!ok)
        throw BadRequest("parameter 'config_key' has an invalid value '" + Shown(value) + "'");
      q.config_key = value;
    } else if (name == "metric") {
      const auto& m = HistoryMetrics();
      if (std::find(m.begin(), m.end(), value) == m.end())
        throw BadRequest(
            "parameter 'metric' must be one of lat_p50_ms, lat_mean_ms, lat_p90_ms, "
            "lat_p95_ms, lat_p99_ms, lat_min_ms, throughput, peak_rss_mb, "
            "first_inference_ms, load_ms, ttft_ms, tpot_ms, energy_j_per_item");
      q.metric = value;
    } else if (name == "base_run") {
      q.base_run = Ident(name, value);
    } else if (name == "baseline") {
      if (!IsIdentifierValue(value)) throw BadRequest("parameter 'baseline' has an invalid value");
      q.baseline = value;
    }
  }
  if (q.from && q.to && *q.from > *q.to) throw BadRequest("'from' is after 'to'");
  if (e == Endpoint::kHistory && !q.config_key && !(q.model && q.platform))
    throw BadRequest("history needs 'config_key', or at least 'model' and 'platform'");
  return q;
}

}  // namespace accelbench::server
