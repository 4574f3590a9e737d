// SupportStore: changing, withdrawing, deleting and restoring assignments.
#include <algorithm>

#include "absl/strings/str_join.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_rows.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {

namespace {

// Writes `next` over the row (body, receiving schools, withdrawn, deletion).
int64_t Rewrite(pqxx::transaction_base& tx, const std::string& id, av1::SupportAssignment next,
                const AssignmentScope& scope, bool withdrawn, const char* deletion) {
  next.clear_name();
  next.clear_etag();
  const std::string body = next.SerializeAsString();
  return tx
      .exec_params1(std::string("UPDATE support_assignments SET body = $2, receiving_schools = $3::text[], "
                                "withdrawn = $4, version = version + 1, updated_at = now(), deleted_at = ") +
                        deletion + " WHERE assignment_id = $1 RETURNING version",
                    id, pqxx::binarystring(body.data(), body.size()),
                    "{" + absl::StrJoin(scope.receiving_schools, ",") + "}", withdrawn)[0]
      .as<int64_t>();
}

absl::Status Deleted(const std::string& name) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_DELETED")
      .Message(name + " is deleted; undelete it first")
      .Zh("该支教任务已删除，请先恢复");
}

int LiveRecords(pqxx::transaction_base& tx, const std::string& id, const std::string& extra = "") {
  return tx
      .exec_params1(
          "SELECT count(*) FROM support_activity_records WHERE assignment_id = $1 AND "
          "deleted_at IS NULL" +
              extra,
          id)[0]
      .as<int>();
}

}  // namespace

absl::StatusOr<av1::SupportAssignment> SupportStore::UpdateAssignment(const std::string& id,
                                                                      const av1::SupportAssignment& patch,
                                                                      const std::vector<std::string>& paths,
                                                                      const SupportWrite& w) {
  av1::SupportAssignment out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::SupportAssignment>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, id, true));
        if (a.deleted) return Deleted(a.assignment.name());
        GT_RETURN_IF_ERROR(CheckEtag(patch.etag(), std::stoll(a.assignment.etag()), "support_assignment.etag"));
        if (a.withdrawn) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_WITHDRAWN")
              .Message(a.assignment.name() + " is withdrawn")
              .Zh("该支教任务已撤回，不能再修改");
        }
        auto granted = tx.exec_params("SELECT 1 FROM support_certifications WHERE assignment_id = $1 AND granted", id);
        if (!granted.empty()) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_CERTIFIED")
              .Message(a.assignment.name() + " is certified; it can no longer change")
              .Zh("该支教任务已认定一年支教经历，不能再修改");
        }
        av1::SupportAssignment next = a.assignment;
        google::protobuf::FieldMask changed;
        for (const auto& p : paths) {
          changed.add_paths(p);
          if (p == "receiving_schools") *next.mutable_receiving_schools() = patch.receiving_schools();
          if (p == "kind") next.set_kind(patch.kind());
          if (p == "period") *next.mutable_period() = patch.period();
          if (p == "subjects") *next.mutable_subjects() = patch.subjects();
          if (p == "rotation") next.set_rotation(patch.rotation());
          if (p == "withdrawal_reason") next.set_withdrawal_reason(patch.withdrawal_reason());
        }
        AssignmentScope scope;
        AssignmentSpan span;
        GT_RETURN_IF_ERROR(CheckNewAssignment(next, &scope, &span));
        // Records keep their school and date inside the assignment.
        std::vector<std::string> kept;
        for (const auto& c : scope.receiving_schools) kept.push_back("'schools/" + c + "'");
        if (LiveRecords(tx, id, " AND receiving_school NOT IN (" + absl::StrJoin(kept, ",") + ")") > 0) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "RECEIVING_SCHOOL_HAS_RECORDS")
              .Message("a removed receiving school has activity records")
              .Zh("被移除的受援学校已有支教记录，不能移除")
              .Field("support_assignment.receiving_schools", "a removed school has records");
        }
        LocalDate first = span.period_start.value_or(YearStart(span.school_year));
        LocalDate last = span.period_end.value_or(YearEnd(span.school_year));
        if (LiveRecords(tx, id,
                        " AND (record_date < '" + IsoDate(first) + "' OR record_date > '" + IsoDate(last) + "')") > 0) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "PERIOD_EXCLUDES_RECORDS")
              .Message("the new period leaves activity records outside it")
              .Zh("新的支教期间之外已有支教记录")
              .Field("support_assignment.period", "records outside the period");
        }
        const bool withdrawn = !next.withdrawal_reason().empty();
        if (withdrawn) next.set_state(av1::ASSIGNMENT_STATE_WITHDRAWN);
        *next.mutable_audit()->mutable_update_time() = NowTimestamp();
        *next.mutable_audit()->mutable_updater() = w.actor;
        scope.region = a.scope.region;
        const int64_t version = Rewrite(tx, id, next, scope, withdrawn, "NULL");
        out = next;
        out.set_name(AssignmentName(id));
        out.set_etag(std::to_string(version));
        gongtong::events::v1::SupportAssignmentChanged event;
        *event.mutable_support_assignment() = out;
        *event.mutable_changed_fields() = changed;
        *event.mutable_actor() = w.actor;
        Publish(tx, "support_assignment", out.name(), version, event, w.correlation_id);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::SupportAssignment> SupportStore::DeleteAssignment(const std::string& id, const std::string& etag,
                                                                      bool undelete, const SupportWrite& w) {
  av1::SupportAssignment out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::SupportAssignment>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, id, true));
        const int year = a.assignment.school_year();
        if (!undelete && a.deleted) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "ASSIGNMENT_NOT_FOUND")
              .Message(a.assignment.name() + " is already deleted")
              .Zh("支教任务不存在或已删除");
        }
        if (undelete && !a.deleted) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_NOT_DELETED")
              .Message(a.assignment.name() + " is not deleted")
              .Zh("该支教任务未被删除");
        }
        GT_RETURN_IF_ERROR(CheckEtag(etag, std::stoll(a.assignment.etag())));
        av1::SupportAssignment next = a.assignment;
        auto now = NowTimestamp();
        *next.mutable_audit()->mutable_update_time() = now;
        *next.mutable_audit()->mutable_updater() = w.actor;
        if (!undelete) {
          if (LiveRecords(tx, id) > 0) {
            return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_HAS_RECORDS")
                .Message(a.assignment.name() + " has activity records; withdraw it instead")
                .Zh("该支教任务已有支教记录，不能删除，请改为撤回");
          }
          *next.mutable_audit()->mutable_delete_time() = now;
        } else if (!a.withdrawn) {
          // Restoring must not break one-per-teacher or the unit's cap.
          auto live = tx.exec_params(
              "SELECT 1 FROM support_assignments WHERE teacher_id = $1 AND school_year = $2 "
              "AND deleted_at IS NULL AND NOT withdrawn",
              a.scope.teacher_id, year);
          if (!live.empty()) {
            return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_EXISTS")
                .Message("the teacher has another live assignment in " + std::to_string(year))
                .Zh("该教师本学年已有其他支教任务，不能恢复")
                .Field("name", "the teacher has another live assignment that year");
          }
          auto quota =
              tx.exec_params("SELECT places FROM support_quotas WHERE school_code = $1 AND school_year = $2 FOR UPDATE",
                             a.scope.sending_school, year);
          GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, a.scope.region, year));
          int used = tx.exec_params1(
                           "SELECT count(*) FROM support_assignments WHERE sending_school = $1 AND "
                           "school_year = $2 AND deleted_at IS NULL AND NOT withdrawn",
                           a.scope.sending_school, year)[0]
                         .as<int>();
          std::optional<int> places;
          if (!quota.empty()) places = quota[0][0].as<int>();
          absl::Status cap = CheckQuota("schools/" + a.scope.sending_school + "/supportQuotas/" + std::to_string(year),
                                        places, rules.quota_extra, used);
          if (!cap.ok()) {
            return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "QUOTA_WOULD_BE_EXCEEDED")
                .Message("restoring would exceed the quota: " + std::string(cap.message()))
                .Zh("恢复后将超出支教名额上限");
          }
        }
        if (undelete) next.mutable_audit()->clear_delete_time();
        const int64_t version = Rewrite(tx, id, next, a.scope, a.withdrawn, undelete ? "NULL" : "now()");
        out = next;
        out.set_name(AssignmentName(id));
        out.set_etag(std::to_string(version));
        if (undelete) {
          gongtong::events::v1::SupportAssignmentChanged event;
          *event.mutable_support_assignment() = out;
          *event.mutable_actor() = w.actor;
          Publish(tx, "support_assignment", out.name(), version, event, w.correlation_id);
        } else {
          gongtong::events::v1::SupportAssignmentDeleted event;
          event.set_name(out.name());
          event.set_teacher(out.teacher());
          event.set_sending_school(out.sending_school());
          event.set_school_year(year);
          *event.mutable_actor() = w.actor;
          Publish(tx, "support_assignment", out.name(), version, event, w.correlation_id);
        }
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

}  // namespace gongtong::assessment
