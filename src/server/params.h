#pragma once
// Validation of the dashboard's request parameters. Every API parameter is checked here before any
// query runs: unknown names, malformed or out-of-range values and repeated parameters are refused
// with a message (the HTTP layer answers 400 with it). Pure functions, no I/O, so they can be unit
// tested and fuzzed.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace accelbench::server {

// A refused request parameter (HTTP 400). what() is the message shown to the client.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The filters shared by results, history, comparisons and regressions.
struct ResultQuery {
  std::optional<std::string> model, preset, platform, runtime, precision, mode, status, run_id;
  std::optional<std::string> config_key;
  std::optional<int64_t> batch, seq_len;
  std::optional<std::string> from, to;  // ISO 8601 UTC dates/times, inclusive bounds on started_utc
  std::vector<std::pair<std::string, std::string>> tags;  // run tags key=value, all must match
  bool latest = false;                                    // newest result per configuration
  int64_t limit = 500;                                    // 1..5000
  int64_t offset = 0;                                     // 0..10^9
  std::optional<std::string> baseline;                    // compare: key=value,... (analysis)
  std::optional<std::string> metric;                      // history: charted metric
  std::optional<std::string> base_run;                    // regressions: run vs run
};

// Which parameters an endpoint accepts (others: BadRequest "unknown parameter").
enum class Endpoint {
  kRuns,
  kResults,
  kHistory,
  kCompare,
  kRegressions,
  kPredictions,
  kFilters,
  kStatus
};

// Parameters as received: name -> every value given (a repeated name is refused unless it is
// `tag`). Throws BadRequest.
ResultQuery ParseQuery(Endpoint e, const std::multimap<std::string, std::string>& params);

// Metrics that history may chart (numeric result columns).
const std::vector<std::string>& HistoryMetrics();

// Checks used by ParseQuery, exposed for tests.
bool IsIdentifierValue(std::string_view v);  // 1..128 chars of [A-Za-z0-9_.:+/@=,-]
bool IsIsoTime(std::string_view v);          // YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]][Z]

}  // namespace accelbench::server
