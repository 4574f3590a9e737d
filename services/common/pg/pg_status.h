#pragma once
// Maps libpqxx exceptions to absl::Status. Order matters (MACHINE-NOTES):
// serialization_failure and deadlock_detected derive from transaction_rollback
// and carry no sqlstate, so they are caught before sql_error.

#include <exception>

#include "absl/status/status.h"

namespace gongtong::pg {

// Call inside a catch block: `catch (...) { return CurrentExceptionStatus(); }`.
//   broken_connection, too_many_connections     → UNAVAILABLE (retry the call)
//   serialization_failure, deadlock_detected    → ABORTED (retry the transaction)
//   statement_completion_unknown, in_doubt_error→ UNAVAILABLE, message says the
//                                                  outcome is unknown
//   sqlstate 57014 (statement timeout)          → DEADLINE_EXCEEDED
//   sqlstate 23P01 exclusion, 23505 unique      → FAILED_PRECONDITION / ALREADY_EXISTS
//                                                  with reason DB_EXCLUSION_VIOLATION /
//                                                  DB_UNIQUE_VIOLATION and the constraint
//   other integrity violations (23xxx)          → FAILED_PRECONDITION
//   anything else                               → INTERNAL (message logged, not shown)
absl::Status CurrentExceptionStatus();

}  // namespace gongtong::pg
