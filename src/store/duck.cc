#include "store/duck.h"

#include <cstdlib>

#include "core/errors.h"

namespace accelbench::store {

DuckDatabase::DuckDatabase(const std::string& path, bool read_only) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) == DuckDBError)
    throw RuntimeError("duckdb: cannot create config");
  if (read_only) duckdb_set_config(config, "access_mode", "READ_ONLY");
  char* err = nullptr;
  duckdb_state st = duckdb_open_ext(path.c_str(), &db_, config, &err);
  duckdb_destroy_config(&config);
  if (st == DuckDBError) {
    std::string msg = err ? err : "unknown error";
    if (err) duckdb_free(err);
    db_ = nullptr;
    throw RuntimeError(msg);
  }
}

DuckDatabase::~DuckDatabase() {
  if (db_) duckdb_close(&db_);
}

Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (valid_) duckdb_destroy_result(&r_);
    r_ = o.r_;
    valid_ = o.valid_;
    o.valid_ = false;
  }
  return *this;
}

Result::~Result() {
  if (valid_) duckdb_destroy_result(&r_);
}

size_t Result::Columns() { return valid_ ? duckdb_column_count(&r_) : 0; }
size_t Result::Rows() { return valid_ ? duckdb_row_count(&r_) : 0; }
std::string Result::ColumnName(size_t c) {
  const char* n = duckdb_column_name(&r_, c);
  return n ? n : "";
}
bool Result::IsNull(size_t c, size_t r) { return duckdb_value_is_null(&r_, c, r); }
std::string Result::String(size_t c, size_t r) {
  if (IsNull(c, r)) return "";
  char* s = duckdb_value_varchar(&r_, c, r);
  std::string out = s ? s : "";
  if (s) duckdb_free(s);
  return out;
}
int64_t Result::Int(size_t c, size_t r) { return duckdb_value_int64(&r_, c, r); }
double Result::Real(size_t c, size_t r) { return duckdb_value_double(&r_, c, r); }

FieldValue Result::Get(size_t c, size_t r) {
  if (IsNull(c, r)) return std::monostate{};
  switch (duckdb_column_type(&r_, c)) {
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
      return Int(c, r);
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
      return Real(c, r);
    default:
      return String(c, r);
  }
}

Connection::Connection(const DuckDatabase& db) {
  if (duckdb_connect(db.get(), &c_) == DuckDBError) throw RuntimeError("duckdb: cannot connect");
}

Connection::~Connection() {
  if (c_) duckdb_disconnect(&c_);
}

Result Connection::Query(const std::string& sql) {
  duckdb_result r;
  if (duckdb_query(c_, sql.c_str(), &r) == DuckDBError) {
    const char* e = duckdb_result_error(&r);
    std::string msg = e ? e : "query failed";
    duckdb_destroy_result(&r);
    throw RuntimeError(msg);
  }
  return Result(r);
}

Statement Connection::Prepare(const std::string& sql) { return Statement(*this, sql); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      c_.Exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void Transaction::Commit() {
  c_.Exec("COMMIT");
  done_ = true;
}

Statement::Statement(Connection& c, const std::string& sql) {
  if (duckdb_prepare(c.get(), sql.c_str(), &s_) == DuckDBError) {
    std::string msg = duckdb_prepare_error(s_) ? duckdb_prepare_error(s_) : "prepare failed";
    duckdb_destroy_prepare(&s_);
    throw RuntimeError(msg);
  }
}

Statement::~Statement() {
  if (s_) duckdb_destroy_prepare(&s_);
}

void Statement::Check(duckdb_state st, size_t i) {
  if (st == DuckDBError) throw RuntimeError("duckdb: cannot bind parameter " + std::to_string(i));
}

Statement& Statement::Bind(size_t i, std::string_view v) {
  Check(duckdb_bind_varchar_length(s_, i, v.data(), v.size()), i);
  return *this;
}
Statement& Statement::Bind(size_t i, int64_t v) {
  Check(duckdb_bind_int64(s_, i, v), i);
  return *this;
}
Statement& Statement::Bind(size_t i, double v) {
  Check(duckdb_bind_double(s_, i, v), i);
  return *this;
}
Statement& Statement::BindNull(size_t i) {
  Check(duckdb_bind_null(s_, i), i);
  return *this;
}
Statement& Statement::BindValue(size_t i, const FieldValue& v) {
  if (auto* s = std::get_if<std::string>(&v)) return Bind(i, std::string_view(*s));
  if (auto* n = std::get_if<int64_t>(&v)) return Bind(i, *n);
  if (auto* d = std::get_if<double>(&v)) return Bind(i, *d);
  return BindNull(i);
}

Result Statement::Execute() {
  duckdb_result r;
  if (duckdb_execute_prepared(s_, &r) == DuckDBError) {
    const char* e = duckdb_result_error(&r);
    std::string msg = e ? e : "execute failed";
    duckdb_destroy_result(&r);
    throw RuntimeError(msg);
  }
  return Result(r);
}

Appender::Appender(Connection& c, const std::string& table) {
  if (duckdb_appender_create(c.get(), nullptr, table.c_str(), &a_) == DuckDBError) {
    std::string msg = duckdb_appender_error(a_) ? duckdb_appender_error(a_) : "appender failed";
    duckdb_appender_destroy(&a_);
    throw RuntimeError(msg);
  }
}

Appender::~Appender() {
  if (a_) duckdb_appender_destroy(&a_);
}

void Appender::AppendChunk(duckdb_data_chunk chunk) {
  if (duckdb_append_data_chunk(a_, chunk) == DuckDBError) {
    const char* e = duckdb_appender_error(a_);
    throw RuntimeError(e ? e : "append failed");
  }
}

void Appender::Close() {
  if (duckdb_appender_close(a_) == DuckDBError) {
    const char* e = duckdb_appender_error(a_);
    throw RuntimeError(e ? e : "appender flush failed");
  }
}

std::string SqlQuote(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}

std::string SqlIdent(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace accelbench::store
