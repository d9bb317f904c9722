#pragma once
// The dashboard's JSON API: one function per endpoint, each taking validated parameters and a
// snapshot of the database and returning the JSON body. Every query is fixed SQL with bound
// parameters (no endpoint runs SQL from a request). Throws BadRequest for requests that cannot be
// answered as asked (HTTP 400) and RuntimeError for database failures (HTTP 500).
#include <string>

#include "server/params.h"
#include "server/snapshot.h"

namespace accelbench::server {

struct StatusInfo {
  std::string db_path, last_error;
};

std::string ApiStatus(Snapshot& s, const StatusInfo& info);
std::string ApiFilters(Snapshot& s);
std::string ApiRuns(Snapshot& s, const ResultQuery& q);
std::string ApiResults(Snapshot& s, const ResultQuery& q);
std::string ApiHistory(Snapshot& s, const ResultQuery& q);
std::string ApiCompare(Snapshot& s, const ResultQuery& q);
std::string ApiRegressions(Snapshot& s, const ResultQuery& q);
std::string ApiPredictions(Snapshot& s, const ResultQuery& q);

}  // namespace accelbench::server
