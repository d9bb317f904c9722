#include "server/server.h"

#include <httplib.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/errors.h"
#include "server/api.h"
#include "server/assets.h"
#include "server/params.h"
#include "server/snapshot.h"

namespace accelbench::server {

bool IsLoopbackDefault(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

bool TokenMatches(const std::string& presented, const std::string& expected) {
  if (expected.empty()) return false;
  unsigned char diff = presented.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < presented.size(); ++i)
    diff |= static_cast<unsigned char>(presented[i] ^ expected[i % expected.size()]);
  return diff == 0;
}

namespace {

void JsonError(httplib::Response& res, int status, const std::string& msg) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", msg}, {"status", status}}.dump(), "application/json");
}

std::string PresentedToken(const httplib::Request& req) {
  std::string auth = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  if (auth.compare(0, bearer.size(), bearer) == 0) return auth.substr(bearer.size());
  if (req.has_param("token")) return req.get_param_value("token");
  return "";
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  std::unique_ptr<SnapshotSource> source;
  httplib::Server http;
  int port = 0;

  using Handler = std::function<std::string(Session&, const ResultQuery&)>;
  // `cacheable`: the answer depends only on the snapshot and the parameters, so it is kept per
  // snapshot and served again until the next snapshot (status also reports refresh errors: not).
  void Api(const std::string& name, Endpoint e, Handler h, bool cacheable = true) {
    http.Get("/api/" + name,
             [this, name, e, h, cacheable](const httplib::Request& req, httplib::Response& res) {
               try {
                 ResultQuery q = ParseQuery(e, {req.params.begin(), req.params.end()});
                 auto snap = source->Current();
                 std::string key;
                 if (cacheable) {
                   key = name;  // params arrive sorted by name (a multimap): a canonical key
                   for (const auto& [k, v] : req.params) key += "\x1f" + k + "\x1e" + v;
                 }
                 std::optional<std::string> body = cacheable ? snap->Cached(key) : std::nullopt;
                 if (!body) {
                   auto lease = snap->Acquire();
                   Session session(*snap, lease.db());
                   body = h(session, q);
                   if (cacheable) snap->Remember(key, *body);
                 }
                 res.set_header("Cache-Control", "no-store");
                 res.set_content(*body, "application/json");
               } catch (const BadRequest& ex) {
                 JsonError(res, 400, ex.what());
               } catch (const std::exception& ex) {
                 JsonError(res, 500, ex.what());
               }
             });
  }
};

Server::Server(const ServerOptions& opt) : impl_(std::make_unique<Impl>()) {
  impl_->opt = opt;
  if (opt.port < 0 || opt.port > 65535) throw UsageError("--port must be 0..65535");
  if (!IsLoopbackDefault(opt.host) && opt.token.empty())
    throw UsageError("binding " + opt.host +
                     " needs a token (--token or ACCELBENCH_TOKEN): the API would be open to "
                     "the network");
  if (!opt.token.empty() && opt.token.size() < 16)
    throw UsageError("the token must have at least 16 characters");
  impl_->source = std::make_unique<SnapshotSource>(
      opt.db_path, SnapshotOptions{.refresh_s = opt.refresh_s, .work_dir = opt.snapshot_dir});

  auto& http = impl_->http;
  http.set_payload_max_length(1 << 16);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_default_headers({{"X-Content-Type-Options", "nosniff"},
                            {"X-Frame-Options", "DENY"},
                            {"Referrer-Policy", "no-referrer"}});
  // The token guards every API call (and only API calls: the embedded front end holds no data).
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) != 0 || impl_->opt.token.empty())
      return httplib::Server::HandlerResponse::Unhandled;
    if (TokenMatches(PresentedToken(req), impl_->opt.token))
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("WWW-Authenticate", "Bearer");
    JsonError(res, 401, "missing or wrong API token");
    return httplib::Server::HandlerResponse::Handled;
  });

  impl_->Api(
      "status", Endpoint::kStatus,
      [this](Session& s, const ResultQuery&) {
        return ApiStatus(s, {impl_->opt.db_path, impl_->source->LastError()});
      },
      /*cacheable=*/false);
  impl_->Api("filters", Endpoint::kFilters,
             [](Session& s, const ResultQuery&) { return ApiFilters(s); });
  impl_->Api("runs", Endpoint::kRuns, ApiRuns);
  impl_->Api("results", Endpoint::kResults, ApiResults);
  impl_->Api("history", Endpoint::kHistory, ApiHistory);
  impl_->Api("compare", Endpoint::kCompare, ApiCompare);
  impl_->Api("regressions", Endpoint::kRegressions, ApiRegressions);
  impl_->Api("predictions", Endpoint::kPredictions, ApiPredictions);

  // Everything else: an embedded file or 404. httplib has already percent-decoded the path, so
  // "/%2e%2e/x" arrives as "/../x" and matches nothing.
  http.Get(".*", [](const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0) return JsonError(res, 404, "no such API endpoint");
    const Asset* a = FindAsset(req.path == "/" ? "/index.html" : req.path);
    if (!a) return JsonError(res, 404, "not found");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' "
                   "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                   "frame-ancestors 'none'");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(a->body), std::string(a->mime));
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr) { JsonError(res, 500, "internal error"); });

  if (opt.port == 0) {
    impl_->port = http.bind_to_any_port(opt.host);
    if (impl_->port < 0) throw RuntimeError("cannot bind " + opt.host);
  } else {
    if (!http.bind_to_port(opt.host, opt.port))
      throw RuntimeError("cannot bind " + opt.host + ":" + std::to_string(opt.port) +
                         " (in use, or not an address of this machine)");
    impl_->port = opt.port;
  }
}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

void Server::Run() { impl_->http.listen_after_bind(); }

void Server::Stop() {
  if (impl_) impl_->http.stop();
}

}  // namespace accelbench::server
