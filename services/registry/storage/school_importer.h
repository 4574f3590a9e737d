#pragma once
// Applies a batch of parsed school rows (bulk import). The batch is one
// transaction; each row is its own savepoint, so a row that fails changes
// nothing and the others still apply. Existing schools of the batch are read
// and locked in one query. Every created or updated school gets its
// change-feed row and event, as with single calls. A dry run decides every
// row the same way and rolls everything back.

#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/import.pb.h"
#include "registry/domain/school_import.h"
#include "registry/storage/import_rows.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

// One result per row, in order. Fails as a whole only when the database is
// unreachable (UNAVAILABLE) or the deadline passes.
absl::StatusOr<std::vector<gongtong::registry::v1::RowResult>> ApplySchoolRows(
    pg::Pool& pool, const std::vector<ParsedSchoolRow>& rows, const auth::Principal& principal,
    const WriteContext& ctx, bool dry_run, const BatchHook& hook = {});

}  // namespace gongtong::registry
