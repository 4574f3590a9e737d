#pragma once
// A term summary inside a transaction: its stored sign-off, the live records
// of the term as summary lines, the rendered TermSummary (totals, lines in
// teaching order, content digest, counts) and voiding on change (R-SUP-4).

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "assessment/storage/support_store.h"

namespace gongtong::assessment {

struct SummaryRow {
  av1::TermSummary body;  // narrative, signed_document, state, signatures, void info, audit
  int64_t version = 0;
  Signoff signoff;
};

absl::StatusOr<SummaryRow> LoadSummaryTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                                         bool for_update);
// Live records of the term, in teaching order.
std::vector<RecordLine> TermLinesTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term);
// The whole TermSummary as answered.
av1::TermSummary Render(const std::string& assignment_id, const SummaryRow& row, const std::vector<RecordLine>& lines,
                        const EffectiveRules& rules);
// Writes `body` back (state column, version + 1); returns the new version.
int64_t SaveSummaryTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                      const av1::TermSummary& body);
// A change to the term (`cause`, e.g. "activityRecords/r17 created"): voids
// every signature (TermSummaryVoided event) or, once the county received the
// summary, FAILED_PRECONDITION TERM_LOCKED. Locks the summary row.
absl::Status VoidOnChangeTx(pqxx::transaction_base& tx, const std::string& assignment_id, TermKind term,
                            const std::string& cause, const gongtong::common::v1::Actor& actor,
                            const std::string& correlation_id);

}  // namespace gongtong::assessment
