// accelbench serve: the live performance dashboard (src/server, web/dashboard).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "core/errors.h"
#include "server/server.h"

namespace accelbench::cli {

void AddServeCommand(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "serve", "Serve the live performance dashboard (JSON API + web front end) over a database");
  auto opt = std::make_shared<server::ServerOptions>();
  opt->db_path = "accelbench.duckdb";
  cmd->add_option("--db", opt->db_path, "Results database file (only read, never modified)")
      ->default_val("accelbench.duckdb");
  cmd->add_option("--host", opt->host,
                  "Address to bind; anything but 127.0.0.1/::1/localhost requires a token")
      ->default_val("127.0.0.1");
  cmd->add_option("--port", opt->port, "Port (0: a free port, printed at start)")
      ->default_val(8765)
      ->check(FiniteRange(0, 65535));
  cmd->add_option("--token", opt->token,
                  "API token (>= 16 characters) checked on every API call; default: "
                  "$ACCELBENCH_TOKEN");
  cmd->add_option("--refresh", opt->refresh_s,
                  "Seconds between checks of the database for new results (live updates)")
      ->default_val(1.0)
      ->check(FiniteRange(0.1, 3600.0));
  cmd->add_option("--snapshot-dir", opt->snapshot_dir,
                  "Directory for the private read-only copies of the database (default $TMPDIR)");
  cmd->callback([&action, opt] {
    action = [opt] {
      server::ServerOptions o = *opt;
      if (o.token.empty())
        if (const char* t = std::getenv("ACCELBENCH_TOKEN"); t && *t) o.token = t;
      // SIGINT/SIGTERM are handled by one thread that stops the server, so the snapshot copies
      // are removed on the way out. Blocked before any server thread starts (they inherit it).
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGINT);
      sigaddset(&set, SIGTERM);
      pthread_sigmask(SIG_BLOCK, &set, nullptr);
      server::Server srv(o);
      std::cout << "accelbench serve: http://"
                << (o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host) << ":"
                << srv.port() << "/ (database " << o.db_path << ", "
                << (o.token.empty() ? "no token" : "token required") << ")" << std::endl;
      std::atomic<bool> signalled{false};
      std::thread signals([&srv, &signalled, set] {
        int sig = 0;
        sigwait(&set, &sig);
        signalled = true;
        srv.Stop();
      });
      srv.Run();
      if (!signalled) kill(getpid(), SIGTERM);  // listening failed: release the signal thread
      signals.join();
      return 0;
    };
  });
}

}  // namespace accelbench::cli
