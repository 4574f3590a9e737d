#pragma once
// One entity's side of RegistryService.ImportRows (rpc/import_methods.cc
// runs the stream and dispatches on header.entity): the role gate, the CSV
// columns, and applying a batch of rows (storage/import_rows.h: one
// transaction, a savepoint per row, the unary methods' checks and write
// paths so the change feed and outbox record each change as a single call
// would).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/import.pb.h"
#include "registry/storage/import_rows.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

class RowImporter {
 public:
  virtual ~RowImporter() = default;
  // PERMISSION_DENIED (a stream error) for a role that imports none of these.
  virtual absl::Status MayImport(const auth::Principal& p) const = 0;
  // INVALID_ARGUMENT naming "header.columns…" (CSV only).
  virtual absl::Status CheckColumns(const std::vector<std::string>& columns) const = 0;
  // The results of a batch, in row order, applied in one transaction with
  // `hook` around it (storage/import_rows.h). An importer that applies rows
  // in units (bell schedules) may hold back the rows of an unfinished unit;
  // they come with a later batch or from Finish().
  virtual absl::StatusOr<RowResults> Apply(const gongtong::registry::v1::ImportBatch& batch,
                                           const BatchHook& hook) = 0;
  // A batch whose stored results were replayed (request_id) instead of
  // applied: what it leaves held back is held back as if it had been applied.
  virtual void Replayed(const gongtong::registry::v1::ImportBatch&) {}
  // After the last batch: the results still held back. Nothing held back:
  // none, without a transaction (and without `hook`).
  virtual absl::StatusOr<RowResults> Finish(const BatchHook&) { return RowResults{}; }
};

// What every importer of one stream knows.
struct ImportSetup {
  pg::Pool* pool = nullptr;
  auth::Principal principal;
  gongtong::registry::v1::ImportHeader header;
  std::vector<std::string> columns;  // CSV
  WriteContext ctx;                  // method "ImportRows"
};

std::unique_ptr<RowImporter> MakeSchoolImporter(const ImportSetup& setup);
std::unique_ptr<RowImporter> MakeClassImporter(const ImportSetup& setup);
std::unique_ptr<RowImporter> MakeTeacherImporter(const ImportSetup& setup);
std::unique_ptr<RowImporter> MakeBellScheduleImporter(const ImportSetup& setup);

}  // namespace gongtong::registry
