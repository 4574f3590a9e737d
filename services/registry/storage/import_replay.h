#pragma once
// ImportHeader.request_id: the results of each applied batch of an import,
// stored per (caller subject, request_id, batch ordinal) with a fingerprint
// of the batch, in the batch's own transaction (migrations/0006). A re-sent
// stream replays a stored batch whose fingerprint matches instead of applying
// it, applies a batch not stored yet (so an import cut short resumes), and is
// refused when a stored batch's fingerprint differs. Kept 24 h, like the
// unary methods' idempotency keys; dry runs store nothing.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/import.pb.h"
#include "registry/storage/import_rows.h"

namespace gongtong::registry {

struct ImportBatchKey {
  std::string subject;
  std::string request_id;
  int ordinal = 0;          // 1, 2, … per batch; 0 = Finish
  std::string fingerprint;  // ImportFingerprint
};

// The ordinal of the results of the stream's end (Finish).
inline constexpr int kFinishOrdinal = 0;

// A fingerprint of `bytes` (pg::Fingerprint).
std::string ImportFingerprint(const std::string& bytes);

// The stored results of the batch; nullopt when none is stored (or it is
// older than 24 h). INVALID_ARGUMENT REQUEST_ID_REUSED naming
// header.request_id when the stored batch had another fingerprint. Looking
// up the first batch also sweeps every stored batch older than 24 h.
absl::StatusOr<std::optional<RowResults>> StoredImportBatch(pg::Pool& pool, const ImportBatchKey& key,
                                                           pg::Deadline deadline);

// The hook that claims `key` first in the batch's transaction (ABORTED
// IMPORT_BATCH_CONCURRENT when another stream with the same request_id
// stored it meanwhile) and stores the batch's results last.
BatchHook StoreImportBatch(const ImportBatchKey& key);

}  // namespace gongtong::registry
