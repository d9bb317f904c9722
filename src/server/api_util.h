#pragma once
// Internal helpers of the API handlers: the WHERE clause built from validated filters (bound
// parameters only) and query-result to JSON conversion.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/api.h"
#include "server/params.h"
#include "server/snapshot.h"
#include "store/duck.h"

namespace accelbench::server::detail {

// "WHERE ..." (or "") over the results table aliased `r`, with its parameter values in order.
struct Where {
  std::string sql;
  std::vector<FieldValue> values;
  void Add(const std::string& cond, FieldValue v);  // cond uses "?" for the value
  void AddRaw(const std::string& cond) { sql += (sql.empty() ? " WHERE " : " AND ") + cond; }
};
Where ResultWhere(Session& s, const ResultQuery& q);
// Run ids whose tags contain every requested tag (empty `q.tags`: not called).
std::vector<std::string> RunsWithTags(Session& s, const ResultQuery& q);

store::Result Run(Session& s, const std::string& sql, const std::vector<FieldValue>& values);
nlohmann::json CellJson(store::Result& r, size_t c, size_t row);
// Rows as objects {column: value}.
nlohmann::json RowsJson(store::Result& r);
// Appends one cell as JSON text (null, integer, number in nlohmann's format, escaped string)
// without building a json object: the history endpoint writes thousands of points per response.
void AppendCellJson(std::string& out, store::Result& r, size_t c, size_t row);
void AppendJsonString(std::string& out, std::string_view s);

// "r.<col>" when the snapshot's results table has the column, "NULL AS <col>" otherwise.
std::string Col(Session& s, const std::string& col);

}  // namespace accelbench::server::detail
