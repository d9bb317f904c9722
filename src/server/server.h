#pragma once
// `accelbench serve`: the dashboard's HTTP server (cpp-httplib). Serves the embedded front end
// and the JSON API over a snapshot of the database (see snapshot.h).
//
// Security model: binds 127.0.0.1 by default; any other address needs a token, which is then
// checked (constant time) on every /api/ request: "Authorization: Bearer <token>" or
// "?token=<token>"; a missing or wrong token is 401. Only GET and HEAD; every parameter validated
// (400 with a message); static files only from the embedded list (anything else 404); the user's
// database file is only ever read (copied), never opened by DuckDB.
#include <functional>
#include <memory>
#include <string>

namespace accelbench::server {

struct ServerOptions {
  std::string db_path;
  std::string host = "127.0.0.1";
  int port = 8765;  // 0: a free port chosen by the system
  std::string token;
  double refresh_s = 1.0;
  std::string snapshot_dir;  // "" = $TMPDIR
};

// True for 127.0.0.1, ::1 and localhost (the addresses that need no token).
bool IsLoopbackDefault(const std::string& host);
// Constant-time comparison of a presented token with the expected one.
bool TokenMatches(const std::string& presented, const std::string& expected);

class Server {
 public:
  // Validates options (UsageError: non-loopback without a token, bad port), takes the first
  // snapshot (RuntimeError: missing or foreign database) and binds (RuntimeError when it cannot).
  explicit Server(const ServerOptions& opt);
  ~Server();
  int port() const;
  // Serves until Stop() (from another thread or a signal-handling thread).
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace accelbench::server
