#include "common/pg/migrations.h"

#include <pqxx/transaction>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/pg/pg_status.h"
#include "common/pg/pool.h"
#include "common/status/error.h"

namespace gongtong::pg {

std::string MigrationChecksum(const char* sql) {
  uint64_t h = 1469598103934665603ULL;
  for (const char* p = sql; *p; ++p) {
    h ^= static_cast<unsigned char>(*p);
    h *= 1099511628211ULL;
  }
  return absl::StrFormat("%016x", h);
}

absl::StatusOr<int> ApplyMigrations(pqxx::connection& conn, const std::string& schema,
                                    const std::vector<const std::vector<Migration>*>& sets) {
  try {
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))", "gongtong.migrate." + schema);
    const std::string q = QuoteIdentifier(schema);
    tx.exec(absl::StrCat("CREATE SCHEMA IF NOT EXISTS ", q));
    tx.exec(absl::StrCat("SET LOCAL search_path TO ", q, ", public"));
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component text NOT NULL, version int NOT NULL, name text NOT NULL,"
        " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (component, version))");
    int applied = 0;
    for (const auto* set : sets) {
      for (const Migration& m : *set) {
        const std::string sum = MigrationChecksum(m.sql);
        auto row = tx.exec_params(
            "SELECT checksum FROM schema_migrations WHERE component = $1 AND version = $2",
            m.component, m.version);
        if (!row.empty()) {
          if (row[0][0].as<std::string>() != sum) {
            return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "MIGRATION_CHECKSUM_MISMATCH")
                .Message(absl::StrCat("migration ", m.component, "/", m.version, "_", m.name,
                                      " was changed after it was applied to schema ", schema,
                                      "; add a new migration instead"))
                .Zh("数据库迁移脚本在应用后被修改");
          }
          continue;
        }
        tx.exec(m.sql);
        tx.exec_params(
            "INSERT INTO schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)",
            m.component, m.version, m.name, sum);
        log::Info("migration applied", {{"schema", schema},
                                        {"component", m.component},
                                        {"version", m.version},
                                        {"name", m.name}});
        ++applied;
      }
    }
    tx.commit();
    return applied;
  } catch (...) {
    return CurrentExceptionStatus();
  }
}

}  // namespace gongtong::pg
