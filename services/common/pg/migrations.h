#pragma once
// Versioned schema migrations. Each component ("common" for the outbox and
// de-duplication tables every service has, then the service's own) has
// SQL files NNNN_description.sql compiled into the binary by the CMake
// function gongtong_embed_migrations.
//
// Apply() runs every pending migration of every component, in order, in ONE
// transaction that first takes a PostgreSQL advisory lock keyed by the
// schema: two replicas starting together serialise, the second finds
// everything applied and does nothing. An applied migration whose SQL has
// changed since is refused (FAILED_PRECONDITION MIGRATION_CHECKSUM_MISMATCH):
// migrations are append-only.

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"

namespace gongtong::pg {

struct Migration {
  const char* component;
  int version;
  const char* name;
  const char* sql;
};

// Migrations shared by every service (services/common/migrations).
const std::vector<Migration>& CommonMigrations();

// Applies pending migrations of `sets` (in that order) into `schema`,
// creating the schema if needed. Returns how many were applied.
absl::StatusOr<int> ApplyMigrations(pqxx::connection& conn, const std::string& schema,
                                    const std::vector<const std::vector<Migration>*>& sets);

// Stable 64-bit FNV-1a checksum of a migration's SQL, as hex.
std::string MigrationChecksum(const char* sql);

}  // namespace gongtong::pg
