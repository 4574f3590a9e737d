// ImportRows for IMPORT_ENTITY_BELL_SCHEDULE: rows are parsed
// (domain/bell_schedule_import.h) and grouped into schedules — a JSON row
// is one, a run of CSV rows with one school_code + bell_schedule_id is one,
// held back across batches until a row of another schedule or the end of
// the stream closes it — and each schedule is matched by its key, compared
// with what is stored (UNCHANGED writes nothing) and created or updated
// through the CalendarStore write paths (season check, change feed, outbox)
// with the unary methods' validation, in its own savepoint. Every row of a
// schedule reports the schedule's outcome.
#include "common/status/error.h"
#include "registry/domain/bell_schedule_import.h"
#include "registry/domain/calendar_access.h"
#include "registry/domain/calendar_rules.h"
#include "registry/rpc/row_importer.h"
#include "registry/storage/calendar_store.h"
#include "registry/storage/import_rows.h"
#include "registry/storage/roster_table.h"

namespace gongtong::registry {
namespace {

namespace v1 = gongtong::registry::v1;
using v1::RowResult;

constexpr char kConflictField[] = "bell_schedule.effective";

RowResult ApplyUnit(const ImportSetup& s, pqxx::transaction_base& tx, const BellUnit& unit) {
  const int64_t row = unit.row_numbers.front();
  if (!unit.ok()) return RejectedRow(row, ProblemStatus(unit.problem), unit.problem.field);
  const std::string& code = unit.school_code;
  const roster::SchoolState school = roster::LockSchool(tx, code);
  if (!school.exists) {
    return RejectedRow(row,
                       ErrorBuilder(absl::StatusCode::kNotFound, "SCHOOL_NOT_FOUND")
                           .Message("no school " + code)
                           .Zh("学校不存在：" + code),
                       "school_code");
  }
  if (auto denied = CanWriteBellSchedule(s.principal, code, school.region); !denied.ok()) {
    return RejectedRow(row, denied, "school_code");
  }
  if (const std::string problem = BellScheduleIdProblem(unit.id); !problem.empty()) {
    return RejectedRow(row, ProblemStatus({"bell_schedule_id", problem}), "bell_schedule_id");
  }
  const std::string name = BellScheduleName(code, unit.id);
  auto existing = CalendarStore::FindBellSchedule(tx, code, unit.id);
  if (!existing) {
    const BellSchedule& b = unit.schedule;
    if (auto invalid = ToStatus(BellScheduleViolations(b, "bell_schedule"), "BELL_SCHEDULE_INVALID"); !invalid.ok()) {
      return RejectedRow(row, invalid, "bell_schedule_id");
    }
    auto created = CalendarStore::CreateBellScheduleIn(tx, code, unit.id, b, kConflictField, s.ctx);
    if (!created.ok()) return RejectedRow(row, created.status(), "bell_schedule_id");
    return RowOutcomeOf(row, v1::ROW_OUTCOME_CREATED, created->name());
  }
  if (existing->audit().has_delete_time()) {
    return RejectedRow(row,
                       ErrorBuilder(absl::StatusCode::kFailedPrecondition, "BELL_SCHEDULE_DELETED")
                           .Message(name + " is deleted; undelete it first")
                           .Zh("该作息时间表已删除，请先恢复"),
                       "bell_schedule_id", name);
  }
  BellSchedule next = *existing;
  if (!ApplyBellScheduleFields(unit.schedule, unit.paths, &next)) {
    return RowOutcomeOf(row, v1::ROW_OUTCOME_UNCHANGED, name);
  }
  auto mutate = [&](BellSchedule& b, bool&) -> absl::Status {
    ApplyBellScheduleFields(unit.schedule, unit.paths, &b);
    return ToStatus(BellScheduleViolations(b, "bell_schedule"), "BELL_SCHEDULE_INVALID");
  };
  auto updated = CalendarStore::MutateBellScheduleIn(tx, code, unit.id, "", v1::CHANGE_KIND_UPDATED, unit.paths,
                                                     kConflictField, mutate, s.ctx);
  if (!updated.ok()) return RejectedRow(row, updated.status(), "bell_schedule_id", name);
  return RowOutcomeOf(row, v1::ROW_OUTCOME_UPDATED, name);
}

class BellScheduleImporter final : public RowImporter {
 public:
  explicit BellScheduleImporter(const ImportSetup& setup) : s_(setup) {}

  absl::Status MayImport(const auth::Principal& p) const override {
    return MayWriteBellSchedulesAtAll(p, p.school_code);
  }

  absl::Status CheckColumns(const std::vector<std::string>& columns) const override {
    return CheckBellScheduleColumns(columns);
  }

  absl::StatusOr<RowResults> Apply(const v1::ImportBatch& batch, const BatchHook& hook) override {
    return ApplyUnits(Close(batch), hook);
  }

  void Replayed(const v1::ImportBatch& batch) override { Close(batch); }

  absl::StatusOr<RowResults> Finish(const BatchHook& hook) override {
    if (pending_.empty()) return RowResults{};
    std::vector<std::vector<ParsedBellRow>> units{std::move(pending_)};
    pending_.clear();
    return ApplyUnits(units, hook);
  }

 private:
  // Adds the batch's rows to the open unit; returns the units they close.
  std::vector<std::vector<ParsedBellRow>> Close(const v1::ImportBatch& batch) {
    std::vector<std::vector<ParsedBellRow>> units;
    for (const auto& row : batch.rows()) {
      ParsedBellRow parsed = ParseBellScheduleRow(row, s_.header.format(), s_.columns);
      if (!pending_.empty() && !SameBellUnit(pending_.front(), parsed)) {
        units.push_back(std::move(pending_));
        pending_.clear();
      }
      const bool csv = parsed.csv;
      pending_.push_back(std::move(parsed));
      if (!csv) {  // a JSON row is a whole schedule
        units.push_back(std::move(pending_));
        pending_.clear();
      }
    }
    return units;
  }

  // Applies each unit in its own savepoint; every row of a unit gets its result.
  absl::StatusOr<RowResults> ApplyUnits(const std::vector<std::vector<ParsedBellRow>>& groups, const BatchHook& hook) {
    std::vector<BellUnit> units;
    units.reserve(groups.size());
    for (const auto& g : groups) units.push_back(MergeBellRows(g));
    // Expanded to rows inside the transaction: what `hook` stores is what is sent.
    return ApplyBatch(
        *s_.pool,
        [&](pqxx::dbtransaction& tx) {
          RowResults out;
          for (const auto& unit : units) {
            const RowResult r = ApplyInSavepoint(
                tx, [&](pqxx::transaction_base& savepoint) { return ApplyUnit(s_, savepoint, unit); },
                [&](const absl::Status& status) {
                  return RejectedRow(unit.row_numbers.front(), status, "bell_schedule_id");
                });
            for (int64_t row : unit.row_numbers) {
              out.push_back(r);
              out.back().set_row_number(row);
            }
          }
          return out;
        },
        s_.ctx.deadline, s_.header.dry_run(), hook);
  }

  ImportSetup s_;
  std::vector<ParsedBellRow> pending_;  // the rows of the schedule still open
};

}  // namespace

std::unique_ptr<RowImporter> MakeBellScheduleImporter(const ImportSetup& setup) {
  return std::make_unique<BellScheduleImporter>(setup);
}

}  // namespace gongtong::registry
