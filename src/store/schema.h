#pragma once
// The current schema (results columns generated from the ResultRecord field table), the frozen DDL
// of every older schema version, and the forward migrations between them.
#include <map>
#include <string>
#include <vector>

namespace accelbench::store {

class Connection;

inline constexpr int kSchemaVersion = 5;

// SQL column type of a result field ("VARCHAR", "BIGINT", "DOUBLE").
std::string ResultColumnType(const char* field_name);
// CREATE TABLE results (...) generated from ResultFields().
std::string ResultsTableDdl();
// Creates every table and view of the current version and records kSchemaVersion.
void CreateCurrentSchema(Connection& c);
// Creates the schema exactly as version `version` had it (1 <= version <= kSchemaVersion); for
// migration tests and for documenting history.
void CreateSchemaAtVersion(Connection& c, int version);
// Reads schema_version (0 when the table does not exist; -1 when the database has tables but no
// schema_version, i.e. it is not an accelbench database).
int ReadSchemaVersion(Connection& c);
// Applies the migrations from `from` to kSchemaVersion, each in its own transaction.
void MigrateToCurrent(Connection& c, int from);
// Adds results columns for fields the table lacks (fields appended to the table later) and
// recreates the views. Idempotent.
void SyncResultColumns(Connection& c);
void CreateViews(Connection& c);
// Result field renames an export of schema version `version` needs to reach the current names.
const std::map<std::string, std::string>& ResultFieldRenames(int version);

}  // namespace accelbench::store
