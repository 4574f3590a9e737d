#include "registry/storage/school_importer.h"

#include "common/pg/pg_status.h"
#include "common/status/error.h"
#include "registry/domain/import_fields.h"
#include "registry/domain/school_access.h"
#include "registry/domain/school_rules.h"
#include "registry/storage/import_rows.h"

namespace gongtong::registry {
namespace {

using gongtong::registry::v1::RowResult;

RowResult Outcome(int64_t row, gongtong::registry::v1::RowOutcome outcome, const std::string& code) {
  return RowOutcomeOf(row, outcome, SchoolName(code));
}

}  // namespace

absl::StatusOr<std::vector<RowResult>> ApplySchoolRows(pg::Pool& pool, const std::vector<ParsedSchoolRow>& rows,
                                                      const auth::Principal& principal, const WriteContext& ctx,
                                                      bool dry_run, const BatchHook& hook) {
  return ApplyBatch(pool, [&](pqxx::dbtransaction& tx) {
    RowResults results;
    std::vector<std::string> codes;
    for (const auto& r : rows) {
      if (r.ok() && SchoolCodeProblem(r.school.school_code()).empty()) codes.push_back(r.school.school_code());
    }
    std::map<std::string, School> current = SchoolStore::LockExisting(tx, codes);
    for (const auto& row : rows) {
      if (!row.ok()) {
        results.push_back(RejectedRow(row.row_number, ProblemStatus(row.problem), row.problem.field));
        continue;
      }
      const std::string& code = row.school.school_code();
      auto found = current.find(code);
      School next;
      gongtong::registry::v1::RowOutcome outcome;
      if (found == current.end()) {
        next = row.school;
        auto violations = SchoolViolations(next, "school");
        if (!violations.empty()) {
          results.push_back(RejectedRow(row.row_number, ToStatus(violations, "SCHOOL_INVALID"), "school_code"));
          continue;
        }
        if (auto denied = CanCreateOrDeleteSchool(principal, next.region_code()); !denied.ok()) {
          results.push_back(RejectedRow(row.row_number, denied, "region_code"));
          continue;
        }
        outcome = gongtong::registry::v1::ROW_OUTCOME_CREATED;
      } else {
        if (found->second.audit().has_delete_time()) {
          results.push_back(RejectedRow(row.row_number,
                                     absl::FailedPreconditionError("the school is deleted; undelete it first"),
                                     "school_code", SchoolName(code)));
          continue;
        }
        next = found->second;
        const std::string old_region = next.region_code();
        if (!ApplySchoolFields(row.school, row.paths, &next)) {
          results.push_back(Outcome(row.row_number, gongtong::registry::v1::ROW_OUTCOME_UNCHANGED, code));
          continue;
        }
        auto violations = SchoolViolations(next, "school");
        if (!violations.empty()) {
          results.push_back(RejectedRow(row.row_number, ToStatus(violations, "SCHOOL_INVALID"), "school_code",
                                     SchoolName(code)));
          continue;
        }
        if (auto denied = CanUpdateSchool(principal, code, old_region, next.region_code(), row.paths); !denied.ok()) {
          results.push_back(RejectedRow(row.row_number, denied, "school_code", SchoolName(code)));
          continue;
        }
        outcome = gongtong::registry::v1::ROW_OUTCOME_UPDATED;
      }
      if (dry_run) {
        current[code] = next;  // later rows of the batch see this row's effect
        results.push_back(Outcome(row.row_number, outcome, code));
        continue;
      }
      try {
        pqxx::subtransaction savepoint(tx, "import_row");
        if (outcome == gongtong::registry::v1::ROW_OUTCOME_CREATED) {
          auto created = SchoolStore::Insert(savepoint, next, ctx);
          if (!created) throw std::logic_error("school appeared during the import");  // locked: cannot happen
          current[code] = *created;
        } else {
          current[code] = SchoolStore::Rewrite(savepoint, next, false, gongtong::registry::v1::CHANGE_KIND_UPDATED,
                                               row.paths, ctx);
        }
        savepoint.commit();
        results.push_back(Outcome(row.row_number, outcome, code));
      } catch (const pqxx::broken_connection&) {
        throw;  // the whole batch fails: UNAVAILABLE
      } catch (...) {
        results.push_back(RejectedRow(row.row_number, pg::CurrentExceptionStatus(), "school_code", SchoolName(code)));
      }
    }
    return results;
  }, ctx.deadline, dry_run, hook);
}

}  // namespace gongtong::registry
