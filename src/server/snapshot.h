#pragma once
// Read access to a database that another process may be writing. DuckDB lets one process hold a
// database file read-write and blocks every other process (readers too) while it does, and a
// reader that held the file would in turn block `accelbench run`. So the dashboard never opens the
// user's file with DuckDB: it copies the file (and its write-ahead log) into a private directory,
// opens the copy read-only, and serves every request from that snapshot. A background thread
// re-copies when the file's size or modification time changes; a copy that the writer changed
// while it was taken, or that does not open, is discarded and the previous snapshot stays.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/database.h"

namespace accelbench::server {

// One opened copy. Requests hold it through a shared_ptr so a refresh never closes a database that
// a request is still reading. The copy is open once with several DuckDB connections (a small
// pool): concurrent requests query in parallel, one connection each, leased with Acquire().
struct Snapshot {
  std::filesystem::path dir;            // removed with the snapshot
  std::unique_ptr<store::Database> db;  // the first connection; also in the pool
  uint64_t generation = 0;
  std::string taken_utc;
  std::set<std::string> result_columns;      // columns of `results` in this file
  std::set<std::string> prediction_columns;  // empty when there is no `predictions` table

  // A connection of the pool, returned on destruction.
  class Lease {
   public:
    Lease(Snapshot& s, store::Database* d) : s_(&s), d_(d) {}
    Lease(Lease&& o) noexcept : s_(o.s_), d_(o.d_) { o.d_ = nullptr; }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Database& db() const { return *d_; }

   private:
    Snapshot* s_;
    store::Database* d_;
  };
  // Opens `n` connections in total (the first is `db`).
  void OpenPool(size_t n);
  Lease Acquire();  // waits while every connection is busy

  // Answers computed once per snapshot: whole responses by request (bounded in bytes, oldest
  // dropped first) and the counts of /api/status. A snapshot never changes, so a
  // cached answer is exact until the next snapshot replaces this one.
  std::optional<std::string> Cached(const std::string& key);
  void Remember(const std::string& key, const std::string& body);
  std::mutex cache_mu;
  std::string status_json;  // the counts of /api/status, under cache_mu

  ~Snapshot();

 private:
  std::vector<std::unique_ptr<store::Database>> sessions_;
  std::vector<store::Database*> idle_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::map<std::string, std::string> cache_;
  std::deque<std::string> cache_order_;
  size_t cache_bytes_ = 0;
};

struct SnapshotOptions {
  double refresh_s = 1.0;  // how often the source file is checked for changes
  std::string work_dir;    // where copies go ("" = $TMPDIR or /tmp)
  size_t connections = 0;  // DuckDB connections per snapshot (0: one per core, 2..8)
};

class SnapshotSource {
 public:
  // Takes the first snapshot (waits up to ~10 s while the file changes under the copy); throws
  // RuntimeError when the file does not exist or is not an accelbench database.
  SnapshotSource(std::string db_path, SnapshotOptions opt);
  ~SnapshotSource();
  SnapshotSource(const SnapshotSource&) = delete;
  SnapshotSource& operator=(const SnapshotSource&) = delete;

  std::shared_ptr<Snapshot> Current() const;
  // Checks the source now and re-copies when it changed; returns true when a new snapshot is in
  // place. Used by the refresh thread (and tests).
  bool Refresh();
  std::string LastError() const;
  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    uintmax_t size = 0, wal_size = 0;
    int64_t mtime_ns = 0, wal_mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  Stamp Stat() const;
  std::shared_ptr<Snapshot> Take(Stamp& stamp);
  void Loop();

  std::string path_;
  SnapshotOptions opt_;
  std::filesystem::path root_;  // private temp directory holding the copies
  mutable std::mutex mu_;
  std::shared_ptr<Snapshot> current_;
  Stamp stamp_;
  std::string last_error_;
  uint64_t next_generation_ = 1;
  std::atomic<bool> stop_{false};
  std::condition_variable cv_;
  std::mutex loop_mu_;
  std::thread thread_;
};

}  // namespace accelbench::server
