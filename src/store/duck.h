#pragma once
// Thin RAII layer over DuckDB's C API. Every failure becomes a RuntimeError carrying DuckDB's
// message. Nothing here knows about accelbench's schema.
#include <duckdb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace accelbench::store {

// An open DuckDB database file (or ":memory:").
class DuckDatabase {
 public:
  // Throws RuntimeError with DuckDB's message (e.g. the lock conflict text) on failure.
  DuckDatabase(const std::string& path, bool read_only);
  DuckDatabase(DuckDatabase&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  DuckDatabase& operator=(DuckDatabase&&) = delete;
  DuckDatabase(const DuckDatabase&) = delete;
  ~DuckDatabase();
  duckdb_database get() const { return db_; }

 private:
  duckdb_database db_ = nullptr;
};

// A materialised query result.
class Result {
 public:
  Result() = default;
  explicit Result(duckdb_result r) : r_(r), valid_(true) {}
  Result(Result&& o) noexcept : r_(o.r_), valid_(o.valid_) { o.valid_ = false; }
  Result& operator=(Result&& o) noexcept;
  Result(const Result&) = delete;
  ~Result();

  size_t Columns();
  size_t Rows();
  std::string ColumnName(size_t c);
  bool IsNull(size_t c, size_t r);
  std::string String(size_t c, size_t r);  // any type, cast to text; "" for null
  int64_t Int(size_t c, size_t r);
  double Real(size_t c, size_t r);
  // Null, int64 (integer types), double (floating/decimal types) or text (everything else).
  FieldValue Get(size_t c, size_t r);

 private:
  duckdb_result r_{};
  bool valid_ = false;
};

class Statement;
class Appender;

class Connection {
 public:
  explicit Connection(const DuckDatabase& db);
  Connection(Connection&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  ~Connection();

  Result Query(const std::string& sql);  // throws RuntimeError("<DuckDB message>")
  void Exec(const std::string& sql) { Query(sql); }
  Statement Prepare(const std::string& sql);
  duckdb_connection get() const { return c_; }

 private:
  duckdb_connection c_ = nullptr;
};

// Runs BEGIN on construction; ROLLBACK on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.Exec("BEGIN TRANSACTION"); }
  Transaction(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  Connection& c_;
  bool done_ = false;
};

class Statement {
 public:
  Statement(Connection& c, const std::string& sql);
  Statement(Statement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in DuckDB.
  Statement& Bind(size_t i, std::string_view v);
  Statement& Bind(size_t i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(size_t i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(size_t i, int64_t v);
  Statement& Bind(size_t i, double v);
  Statement& BindNull(size_t i);
  Statement& BindValue(size_t i, const FieldValue& v);
  Result Execute();

 private:
  void Check(duckdb_state st, size_t i);
  duckdb_prepared_statement s_ = nullptr;
};

// Bulk row writer. Flushes (and reports errors) on Close(); the destructor closes quietly.
class Appender {
 public:
  Appender(Connection& c, const std::string& table);
  Appender(Appender&& o) noexcept : a_(o.a_) { o.a_ = nullptr; }
  Appender& operator=(Appender&&) = delete;
  Appender(const Appender&) = delete;
  ~Appender();

  duckdb_appender get() const { return a_; }
  void AppendChunk(duckdb_data_chunk chunk);
  void Close();

 private:
  duckdb_appender a_ = nullptr;
};

// Quotes a string as an SQL literal ('it''s').
std::string SqlQuote(std::string_view s);
// Quotes an identifier ("col").
std::string SqlIdent(std::string_view s);

}  // namespace accelbench::store
