// SupportStore: assignments (quota checked atomically, R-SUP-1).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_rows.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {

namespace {

constexpr char kAssignmentColumns[] = "assignment_id, body, version, region_code, deleted_at IS NOT NULL, withdrawn";

AssignmentRow FromRow(const pqxx::row& row) {
  AssignmentRow a;
  a.id = row[0].as<std::string>();
  a.assignment = ParseBody<av1::SupportAssignment>(row[1]);
  a.assignment.set_name(AssignmentName(a.id));
  a.assignment.set_etag(row[2].as<std::string>());
  a.scope = ScopeOf(a.assignment, row[3].as<std::string>());
  a.deleted = row[4].as<bool>();
  a.withdrawn = row[5].as<bool>();
  return a;
}

std::string TextArray(const std::vector<std::string>& codes) { return "{" + absl::StrJoin(codes, ",") + "}"; }

}  // namespace

absl::StatusOr<AssignmentRow> SupportStore::AssignmentTx(pqxx::transaction_base& tx, const std::string& id,
                                                         bool for_update) {
  auto rows = tx.exec_params(absl::StrCat("SELECT ", kAssignmentColumns, " FROM support_assignments ",
                                          "WHERE assignment_id = $1", for_update ? " FOR UPDATE" : ""),
                             id);
  if (rows.empty()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "ASSIGNMENT_NOT_FOUND")
        .Message(AssignmentName(id) + " does not exist")
        .Zh("支教任务不存在");
  }
  return FromRow(rows[0]);
}

std::vector<AssignmentRow> SupportStore::LiveAssignmentsAtTx(pqxx::transaction_base& tx, const std::string& teacher_id,
                                                             const std::vector<std::string>& school_codes) {
  std::vector<AssignmentRow> out;
  for (const auto& row :
       tx.exec_params(absl::StrCat("SELECT ", kAssignmentColumns,
                                   " FROM support_assignments WHERE teacher_id = $1 AND "
                                   "deleted_at IS NULL AND NOT withdrawn AND receiving_schools && $2::text[] "
                                   "ORDER BY assignment_id"),
                      teacher_id, TextArray(school_codes))) {
    out.push_back(FromRow(row));
  }
  return out;
}

absl::StatusOr<AssignmentRow> SupportStore::GetAssignment(const std::string& id, pg::Deadline deadline) {
  AssignmentRow out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(out, AssignmentTx(tx, id, false));
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<av1::SupportAssignment> SupportStore::CreateAssignment(av1::SupportAssignment a, std::string id,
                                                                      const std::string& region,
                                                                      const SupportWrite& w) {
  AssignmentScope scope;
  AssignmentSpan span;
  GT_RETURN_IF_ERROR(CheckNewAssignment(a, &scope, &span));
  if (id.empty()) id = events::NewEventId();
  av1::SupportAssignment out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::SupportAssignment>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        // R-SUP-1 under the quota row's lock: concurrent creations for one
        // unit serialise here, so the cap holds.
        const int year = a.school_year();
        auto quota =
            tx.exec_params("SELECT places FROM support_quotas WHERE school_code = $1 AND school_year = $2 FOR UPDATE",
                           scope.sending_school, year);
        GT_ASSIGN_OR_RETURN(EffectiveRules rules, RulesTx(tx, region, year));
        int used = tx.exec_params1(
                         "SELECT count(*) FROM support_assignments WHERE sending_school = $1 AND "
                         "school_year = $2 AND deleted_at IS NULL AND NOT withdrawn",
                         scope.sending_school, year)[0]
                       .as<int>();
        std::optional<int> places;
        if (!quota.empty()) places = quota[0][0].as<int>();
        GT_RETURN_IF_ERROR(CheckQuota("schools/" + scope.sending_school + "/supportQuotas/" + std::to_string(year),
                                      places, rules.quota_extra, used));
        auto live = tx.exec_params(
            "SELECT assignment_id FROM support_assignments WHERE teacher_id = $1 AND "
            "school_year = $2 AND deleted_at IS NULL AND NOT withdrawn",
            scope.teacher_id, year);
        if (!live.empty()) {
          return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ASSIGNMENT_EXISTS")
              .Message("the teacher already has " + AssignmentName(live[0][0].as<std::string>()) + " in " +
                       std::to_string(year))
              .Zh("该教师本学年已有支教任务")
              .Field("support_assignment.teacher", "one live assignment per teacher and school year");
        }
        av1::SupportAssignment stored = a;
        stored.clear_name();
        stored.clear_etag();
        stored.clear_certification();
        stored.set_state(av1::ASSIGNMENT_STATE_ACTIVE);
        stored.clear_withdrawal_reason();
        auto now = NowTimestamp();
        stored.mutable_audit()->Clear();
        *stored.mutable_audit()->mutable_create_time() = now;
        *stored.mutable_audit()->mutable_update_time() = now;
        *stored.mutable_audit()->mutable_creator() = w.actor;
        *stored.mutable_audit()->mutable_updater() = w.actor;
        const std::string body = stored.SerializeAsString();
        auto inserted = tx.exec_params(
            "INSERT INTO support_assignments (assignment_id, teacher_id, sending_school, receiving_schools, "
            "school_year, region_code, body) VALUES ($1, $2, $3, $4::text[], $5, $6, $7) "
            "ON CONFLICT (assignment_id) DO NOTHING RETURNING version",
            id, scope.teacher_id, scope.sending_school, TextArray(scope.receiving_schools), year, region,
            pqxx::binarystring(body.data(), body.size()));
        if (inserted.empty()) {
          return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ASSIGNMENT_ID_TAKEN")
              .Message(AssignmentName(id) + " exists already")
              .Zh("支教任务ID已被使用")
              .Field("support_assignment_id", "taken");
        }
        for (TermKind term : {gongtong::common::v1::TERM_KIND_AUTUMN, gongtong::common::v1::TERM_KIND_SPRING}) {
          av1::TermSummary summary;
          summary.mutable_term()->set_school_year(year);
          summary.mutable_term()->set_term(term);
          summary.set_state(av1::SUMMARY_STATE_DRAFT);
          *summary.mutable_audit() = stored.audit();
          const std::string sbody = summary.SerializeAsString();
          tx.exec_params0("INSERT INTO support_term_summaries (assignment_id, term, body) VALUES ($1, $2, $3)", id,
                          static_cast<int>(term), pqxx::binarystring(sbody.data(), sbody.size()));
        }
        out = stored;
        out.set_name(AssignmentName(id));
        out.set_etag(inserted[0][0].as<std::string>());
        gongtong::events::v1::SupportAssignmentChanged event;
        *event.mutable_support_assignment() = out;
        event.set_created(true);
        *event.mutable_actor() = w.actor;
        Publish(tx, "support_assignment", out.name(), 1, event, w.correlation_id);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

}  // namespace gongtong::assessment
