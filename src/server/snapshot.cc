#include "server/snapshot.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>

#include "core/errors.h"
#include "store/duck.h"

namespace accelbench::server {

namespace fs = std::filesystem;

Snapshot::~Snapshot() {
  idle_.clear();
  sessions_.clear();
  db.reset();
  std::error_code ec;
  if (!dir.empty()) fs::remove_all(dir, ec);
}

Snapshot::Lease::~Lease() {
  if (!d_) return;
  {
    std::lock_guard lock(s_->pool_mu_);
    s_->idle_.push_back(d_);
  }
  s_->pool_cv_.notify_one();
}

void Snapshot::OpenPool(size_t n) {
  std::lock_guard lock(pool_mu_);
  idle_.push_back(db.get());
  for (size_t i = 1; i < n; ++i) {
    sessions_.push_back(std::make_unique<store::Database>(db->NewSession()));
    idle_.push_back(sessions_.back().get());
  }
}

Snapshot::Lease Snapshot::Acquire() {
  std::unique_lock lock(pool_mu_);
  pool_cv_.wait(lock, [this] { return !idle_.empty(); });
  store::Database* d = idle_.back();
  idle_.pop_back();
  return Lease(*this, d);
}

namespace {
constexpr size_t kCacheBytes = 32u << 20;  // per snapshot
constexpr size_t kCacheEntryBytes = 4u << 20;
}  // namespace

std::optional<std::string> Snapshot::Cached(const std::string& key) {
  std::lock_guard lock(cache_mu);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

void Snapshot::Remember(const std::string& key, const std::string& body) {
  if (body.size() > kCacheEntryBytes) return;
  std::lock_guard lock(cache_mu);
  if (!cache_.emplace(key, body).second) return;
  cache_order_.push_back(key);
  cache_bytes_ += key.size() + body.size();
  while (cache_bytes_ > kCacheBytes && !cache_order_.empty()) {
    auto it = cache_.find(cache_order_.front());
    cache_bytes_ -= it->first.size() + it->second.size();
    cache_.erase(it);
    cache_order_.pop_front();
  }
}

namespace {

void StatFile(const std::string& p, uintmax_t& size, int64_t& mtime_ns) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    size = 0;
    mtime_ns = -1;
    return;
  }
  size = static_cast<uintmax_t>(st.st_size);
  mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

fs::path MakeRoot(const std::string& work_dir) {
  std::string base = work_dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  std::string tmpl = (fs::path(base) / "accelbench-serve-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    throw RuntimeError("cannot create a snapshot directory under " + base);
  return tmpl;
}

}  // namespace

SnapshotSource::SnapshotSource(std::string db_path, SnapshotOptions opt)
    : path_(std::move(db_path)), opt_(std::move(opt)) {
  std::error_code ec;
  if (!fs::is_regular_file(path_, ec)) throw RuntimeError("database " + path_ + " does not exist");
  root_ = MakeRoot(opt_.work_dir);
  // The first snapshot: retry while a writer keeps changing the file under the copy.
  std::string err;
  for (int attempt = 0; attempt < 40 && !current_; ++attempt) {
    try {
      Stamp s;
      if (auto snap = Take(s)) {
        current_ = std::move(snap);
        stamp_ = s;
      }
    } catch (const RuntimeError& e) {
      err = e.what();
      if (err.find("not an accelbench") != std::string::npos ||
          err.find("not a DuckDB") != std::string::npos ||
          err.find("newer than") != std::string::npos || err.find("empty") != std::string::npos)
        break;
    }
    if (!current_) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (!current_) {
    fs::remove_all(root_, ec);
    throw RuntimeError(err.empty() ? "database " + path_ + " kept changing while it was copied"
                                   : err);
  }
  thread_ = std::thread([this] { Loop(); });
}

SnapshotSource::~SnapshotSource() {
  stop_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard lock(mu_);
    current_.reset();
  }
  std::error_code ec;
  fs::remove_all(root_, ec);
}

SnapshotSource::Stamp SnapshotSource::Stat() const {
  Stamp s;
  StatFile(path_, s.size, s.mtime_ns);
  StatFile(path_ + ".wal", s.wal_size, s.wal_mtime_ns);
  return s;
}

std::shared_ptr<Snapshot> SnapshotSource::Take(Stamp& stamp) {
  Stamp before = Stat();
  uint64_t gen;
  {
    std::lock_guard lock(mu_);
    gen = next_generation_++;
  }
  auto snap = std::make_shared<Snapshot>();
  snap->dir = root_ / ("g" + std::to_string(gen));
  fs::create_directories(snap->dir);
  fs::path copy = snap->dir / "snapshot.duckdb";
  // The log first, then the file: a checkpoint that lands between the two leaves a file at least
  // as new as the log (DuckDB skips log entries older than the file's checkpoint).
  std::error_code ec;
  if (before.wal_mtime_ns >= 0)
    fs::copy_file(path_ + ".wal", fs::path(copy.string() + ".wal"),
                  fs::copy_options::overwrite_existing, ec);
  if (ec) ec.clear();  // the log vanished (checkpointed): the file alone is complete
  fs::copy_file(path_, copy, fs::copy_options::overwrite_existing, ec);
  if (ec) throw RuntimeError("cannot copy database " + path_ + ": " + ec.message());
  Stamp after = Stat();
  if (!(before == after)) return nullptr;  // changed under the copy: try again later
  store::OpenOptions o;
  o.read_only = true;
  o.lock_timeout_s = 0;
  snap->db = std::make_unique<store::Database>(store::Database::Open(copy.string(), o));
  auto& c = snap->db->connection();
  c.Exec("SET threads TO 2");
  auto cols = c.Query(
      "SELECT table_name, column_name FROM information_schema.columns "
      "WHERE table_name IN ('results', 'predictions')");
  for (size_t r = 0; r < cols.Rows(); ++r)
    (cols.String(0, r) == "results" ? snap->result_columns : snap->prediction_columns)
        .insert(cols.String(1, r));
  size_t n = opt_.connections;
  if (n == 0) n = std::clamp<size_t>(std::thread::hardware_concurrency(), 2, 8);
  snap->OpenPool(n);
  snap->generation = gen;
  snap->taken_utc = store::NowUtc();
  stamp = after;
  return snap;
}

bool SnapshotSource::Refresh() {
  Stamp now = Stat();
  {
    std::lock_guard lock(mu_);
    if (now == stamp_) return false;
  }
  try {
    Stamp s;
    auto snap = Take(s);
    if (!snap) return false;
    std::lock_guard lock(mu_);
    current_ = std::move(snap);
    stamp_ = s;
    last_error_.clear();
    return true;
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    last_error_ = e.what();
    return false;
  }
}

std::shared_ptr<Snapshot> SnapshotSource::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::string SnapshotSource::LastError() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void SnapshotSource::Loop() {
  using namespace std::chrono;
  while (!stop_) {
    auto t0 = steady_clock::now();
    Refresh();
    // Never spend more than about a third of the time copying (large files, busy disks).
    auto spent = steady_clock::now() - t0;
    auto wait = std::max<steady_clock::duration>(
        duration_cast<steady_clock::duration>(duration<double>(opt_.refresh_s)), 2 * spent);
    std::unique_lock lock(loop_mu_);
    cv_.wait_for(lock, wait, [this] { return stop_.load(); });
  }
}

}  // namespace accelbench::server
