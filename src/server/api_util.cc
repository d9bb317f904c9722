#include "server/api_util.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace accelbench::server::detail {

void Where::Add(const std::string& cond, FieldValue v) {
  AddRaw(cond);
  values.push_back(std::move(v));
}

std::vector<std::string> RunsWithTags(Session& s, const ResultQuery& q) {
  auto res = s.db->connection().Query("SELECT run_id, tags FROM runs");
  std::vector<std::string> ids;
  for (size_t r = 0; r < res.Rows(); ++r) {
    auto tags = nlohmann::json::parse(res.String(1, r), nullptr, false);
    if (!tags.is_object()) continue;
    bool all = true;
    for (const auto& [k, v] : q.tags) {
      auto it = tags.find(k);
      if (it == tags.end() || !it->is_string() || it->get<std::string>() != v) {
        all = false;
        break;
      }
    }
    if (all) ids.push_back(res.String(0, r));
  }
  return ids;
}

Where ResultWhere(Session& s, const ResultQuery& q) {
  Where w;
  auto text = [&](const char* col, const std::optional<std::string>& v) {
    if (v) w.Add(std::string("r.") + col + " = ?", *v);
  };
  text("model", q.model);
  text("preset", q.preset);
  text("platform", q.platform);
  text("runtime", q.runtime);
  text("precision", q.precision);
  text("mode", q.mode);
  text("status", q.status);
  text("run_id", q.run_id);
  text("config_key", q.config_key);
  if (q.batch) w.Add("r.batch = ?", *q.batch);
  if (q.seq_len) w.Add("r.seq_len = ?", *q.seq_len);
  if (q.from) w.Add("r.started_utc >= ?", *q.from);
  // A date bound covers the whole day: "2026-11-27" includes 2026-11-27T23:59:59.
  if (q.to) w.Add("r.started_utc <= ?", q.to->size() == 10 ? *q.to + "T99" : *q.to);
  if (!q.tags.empty()) {
    auto ids = RunsWithTags(s, q);
    if (ids.empty()) {
      w.AddRaw("FALSE");
    } else {
      std::string in = "r.run_id IN (";
      for (size_t i = 0; i < ids.size(); ++i) in += i ? ", ?" : "?";
      w.AddRaw(in + ")");
      for (auto& id : ids) w.values.push_back(id);
    }
  }
  return w;
}

store::Result Run(Session& s, const std::string& sql, const std::vector<FieldValue>& values) {
  auto st = s.db->connection().Prepare(sql);
  for (size_t i = 0; i < values.size(); ++i) st.BindValue(i + 1, values[i]);
  return st.Execute();
}

nlohmann::json CellJson(store::Result& r, size_t c, size_t row) {
  FieldValue v = r.Get(c, row);
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? nlohmann::json(*d) : nullptr;
  if (auto* t = std::get_if<std::string>(&v)) return *t;
  return nullptr;
}

nlohmann::json RowsJson(store::Result& r) {
  nlohmann::json rows = nlohmann::json::array();
  std::vector<std::string> names;
  for (size_t c = 0; c < r.Columns(); ++c) names.push_back(r.ColumnName(c));
  for (size_t row = 0; row < r.Rows(); ++row) {
    nlohmann::json o = nlohmann::json::object();
    for (size_t c = 0; c < names.size(); ++c) o[names[c]] = CellJson(r, c, row);
    rows.push_back(std::move(o));
  }
  return rows;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void AppendCellJson(std::string& out, store::Result& r, size_t c, size_t row) {
  FieldValue v = r.Get(c, row);
  if (auto* i = std::get_if<int64_t>(&v)) {
    out += std::to_string(*i);
  } else if (auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) {
      out += "null";
      return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);  // shortest round trip
    std::string_view t(buf, static_cast<size_t>(end - buf));
    out += t;
    if (t.find_first_of(".e") == std::string_view::npos) out += ".0";  // as nlohmann: a number
  } else if (auto* t = std::get_if<std::string>(&v)) {
    AppendJsonString(out, *t);
  } else {
    out += "null";
  }
}

std::string Col(Session& s, const std::string& col) {
  return s.result_columns.count(col) ? "r." + col : "NULL AS " + col;
}

}  // namespace accelbench::server::detail
