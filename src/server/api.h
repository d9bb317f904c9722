#pragma once
// The dashboard's JSON API: one function per endpoint, each taking validated parameters and a
// snapshot of the database and returning the JSON body. Every query is fixed SQL with bound
// parameters (no endpoint runs SQL from a request). Throws BadRequest for requests that cannot be
// answered as asked (HTTP 400) and RuntimeError for database failures (HTTP 500).
#include <set>
#include <string>

#include "server/params.h"
#include "server/snapshot.h"

namespace accelbench::server {

// What one request works with: the snapshot it answers from and the connection it leased from the
// snapshot's pool (queries go through `db`; `snap` holds the shared, per-snapshot data).
struct Session {
  Snapshot& snap;
  store::Database* db;
  const std::set<std::string>& result_columns;
  const std::set<std::string>& prediction_columns;
  Session(Snapshot& s, store::Database& d)
      : snap(s),
        db(&d),
        result_columns(s.result_columns),
        prediction_columns(s.prediction_columns) {}
};

struct StatusInfo {
  std::string db_path, last_error;
};

std::string ApiStatus(Session& s, const StatusInfo& info);
std::string ApiFilters(Session& s);
std::string ApiRuns(Session& s, const ResultQuery& q);
std::string ApiResults(Session& s, const ResultQuery& q);
std::string ApiHistory(Session& s, const ResultQuery& q);
std::string ApiCompare(Session& s, const ResultQuery& q);
std::string ApiRegressions(Session& s, const ResultQuery& q);
std::string ApiPredictions(Session& s, const ResultQuery& q);

}  // namespace accelbench::server
