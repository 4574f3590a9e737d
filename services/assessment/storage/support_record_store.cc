// SupportStore: activity records (R-SUP-3), each change voiding its term's
// signatures (R-SUP-4).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "assessment/domain/support_assignment_rules.h"
#include "assessment/storage/support_rows.h"
#include "assessment/storage/support_term_state.h"
#include "common/events/event.h"
#include "common/status/error.h"

namespace gongtong::assessment {

namespace {

constexpr char kRecordColumns[] = "record_id, body, version, term, record_date::text, start_minute, seq";

// Position in teaching order among the live records of its term, 1-based.
int TeachingOrder(pqxx::transaction_base& tx, const std::string& assignment_id, const pqxx::row& row) {
  return tx
      .exec_params1(
          "SELECT count(*) FROM support_activity_records WHERE assignment_id = $1 AND term = $2 AND "
          "deleted_at IS NULL AND (record_date, start_minute, seq) <= ($3::date, $4, $5)",
          assignment_id, row[3].as<int>(), row[4].as<std::string>(), row[5].as<int>(), row[6].as<int64_t>())[0]
      .as<int>();
}

av1::ActivityRecord FromRow(pqxx::transaction_base& tx, const std::string& assignment_id, const pqxx::row& row,
                            bool live) {
  auto r = ParseBody<av1::ActivityRecord>(row[1]);
  r.set_name(RecordName(assignment_id, row[0].as<std::string>()));
  r.set_etag(row[2].as<std::string>());
  r.set_teaching_order(live ? TeachingOrder(tx, assignment_id, row) : 0);
  return r;
}

absl::Status Writable(pqxx::transaction_base& tx, const AssignmentRow& a) {
  if (a.deleted || a.withdrawn) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_NOT_ACTIVE")
        .Message(a.assignment.name() + " is deleted or withdrawn")
        .Zh("支教任务已删除或已撤回，不能再记录活动");
  }
  // Only a decided assignment (its `certification` set) can be certified.
  if (a.assignment.certification().empty()) return absl::OkStatus();
  auto cert = tx.exec_params("SELECT granted FROM support_certifications WHERE assignment_id = $1", a.id);
  if (!cert.empty() && cert[0][0].as<bool>()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_CERTIFIED")
        .Message(a.assignment.name() + " is certified; its records are locked")
        .Zh("该支教任务已认定一年支教经历，记录已锁定");
  }
  return absl::OkStatus();
}

// Unicode code points of UTF-8 `s`.
size_t CharCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// What a valid record's row holds besides its body.
struct RecordFacts {
  CentiHours hours = 0;
  LocalDate date;
  TermKind term = gongtong::common::v1::TERM_KIND_UNSPECIFIED;
  int start_minute = -1;
  int quantity = 0;
};

// Checks `record` against the assignment and the rules in force (R-SUP-2,
// R-SUP-3); INVALID_ARGUMENT / FAILED_PRECONDITION naming the field.
absl::StatusOr<RecordFacts> CheckRecord(pqxx::transaction_base& tx, const AssignmentRow& a,
                                        const av1::ActivityRecord& record) {
  const std::string p = "activity_record";
  RecordFacts f;
  GT_ASSIGN_OR_RETURN(EffectiveRules rules, SupportStore::RulesTx(tx, a.scope.region, a.assignment.school_year()));
  GT_ASSIGN_OR_RETURN(f.hours, ClassHoursOf(record.kind(), record.lessons(), record.half_days(), rules.factors, p));
  if (!record.has_date()) return InvalidField(p + ".date", "required", "须填写日期");
  f.date = FromProto(record.date());
  GT_RETURN_IF_ERROR(CheckActivityDate(SpanOf(a.assignment), f.date, p + ".date"));
  GT_ASSIGN_OR_RETURN(std::string school, ParseSchool(record.receiving_school(), p + ".receiving_school"));
  const auto& receiving = a.scope.receiving_schools;
  if (std::find(receiving.begin(), receiving.end(), school) == receiving.end()) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "NOT_A_RECEIVING_SCHOOL")
        .Message(record.receiving_school() + " is not a receiving school of " + a.assignment.name())
        .Zh("该学校不是本支教任务的受援学校")
        .Field(p + ".receiving_school", "not one of the assignment's receiving schools");
  }
  if (CharCount(record.topic()) > 100) return InvalidField(p + ".topic", "at most 100 characters", "课题最多100个字");
  if (record.has_start_time()) {
    const auto& t = record.start_time();
    if (t.hours() < 0 || t.hours() > 23 || t.minutes() < 0 || t.minutes() > 59) {
      return InvalidField(p + ".start_time", "must be a time of day", "开始时间无效");
    }
    f.start_minute = t.hours() * 60 + t.minutes();
  }
  f.term = TermOf(a.assignment.school_year(), f.date);
  f.quantity = record.kind() == av1::ACTIVITY_RECORD_KIND_RESEARCH ? record.half_days() : record.lessons();
  return f;
}

absl::Status CountyOnlyForEventRecords(const SupportWrite& w, int source) {
  if (source == av1::RECORD_SOURCE_MANUAL || w.principal.role == auth::Role::kCountyBureau ||
      w.principal.role == auth::Role::kProvinceAdmin) {
    return absl::OkStatus();
  }
  return ErrorBuilder(absl::StatusCode::kPermissionDenied, "EVENT_RECORD_COUNTY_ONLY")
      .Message("records from delivered sessions can be changed or deleted only by the county")
      .Zh("由同步课堂自动生成的记录只能由县教育局修改或删除");
}
}  // namespace

absl::StatusOr<std::optional<av1::ActivityRecord>> SupportStore::InsertRecordTx(
    pqxx::transaction_base& tx, const AssignmentRow& a, av1::ActivityRecord record, std::string record_id,
    const gongtong::common::v1::Actor& actor, const std::string& correlation_id, bool with_teaching_order) {
  GT_RETURN_IF_ERROR(Writable(tx, a));
  GT_ASSIGN_OR_RETURN(RecordFacts facts, CheckRecord(tx, a, record));
  if (!record_id.empty() && !IsResourceId(record_id)) {
    return InvalidField("activity_record_id", "must match ^[a-z0-9][a-z0-9-]{0,39}$", "记录ID格式无效");
  }
  if (!record.source_ref().empty()) {
    auto seen = tx.exec_params("SELECT 1 FROM support_activity_records WHERE assignment_id = $1 AND source_ref = $2",
                               a.id, record.source_ref());
    if (!seen.empty()) return std::optional<av1::ActivityRecord>();
  }
  if (record_id.empty()) record_id = events::NewEventId();
  GT_RETURN_IF_ERROR(
      VoidOnChangeTx(tx, a.id, facts.term, "activityRecords/" + record_id + " created", actor, correlation_id));
  record.clear_name();
  record.clear_etag();
  record.clear_teaching_order();
  record.mutable_term()->set_school_year(a.assignment.school_year());
  record.mutable_term()->set_term(facts.term);
  record.mutable_class_hours()->set_value(FormatCentiHours(facts.hours));
  if (record.source() == av1::RECORD_SOURCE_UNSPECIFIED) record.set_source(av1::RECORD_SOURCE_MANUAL);
  auto now = NowTimestamp();
  record.mutable_audit()->Clear();
  *record.mutable_audit()->mutable_create_time() = now;
  *record.mutable_audit()->mutable_update_time() = now;
  *record.mutable_audit()->mutable_creator() = actor;
  *record.mutable_audit()->mutable_updater() = actor;
  const std::string body = record.SerializeAsString();
  auto inserted = tx.exec_params(
      absl::StrCat("INSERT INTO support_activity_records (assignment_id, record_id, term, record_date, start_minute, "
                   "kind, quantity, centi_hours, receiving_school, source, source_ref, evidence_title, body) "
                   "VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                   "ON CONFLICT DO NOTHING RETURNING ",
                   kRecordColumns),
      a.id, record_id, static_cast<int>(facts.term), IsoDate(facts.date), facts.start_minute,
      static_cast<int>(record.kind()), facts.quantity, facts.hours, record.receiving_school(),
      static_cast<int>(record.source()), record.source_ref(), record.evidence().title(),
      pqxx::binarystring(body.data(), body.size()));
  if (inserted.empty()) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "RECORD_ID_TAKEN")
        .Message(RecordName(a.id, record_id) + " exists already")
        .Zh("活动记录ID已被使用")
        .Field("activity_record_id", "taken");
  }
  return std::optional<av1::ActivityRecord>(FromRow(tx, a.id, inserted[0], with_teaching_order));
}

absl::StatusOr<av1::ActivityRecord> SupportStore::CreateRecord(const std::string& assignment_id,
                                                               av1::ActivityRecord record, std::string record_id,
                                                               const SupportWrite& w) {
  av1::ActivityRecord out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::ActivityRecord>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        record.clear_source();
        record.clear_source_ref();
        GT_ASSIGN_OR_RETURN(auto inserted,
                            InsertRecordTx(tx, a, std::move(record), record_id, w.actor, w.correlation_id));
        out = std::move(*inserted);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::ActivityRecord> SupportStore::GetRecord(const std::string& assignment_id,
                                                            const std::string& record_id, pg::Deadline deadline) {
  av1::ActivityRecord out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        auto rows = tx.exec_params(absl::StrCat("SELECT ", kRecordColumns,
                                                ", deleted_at IS NULL FROM "
                                                "support_activity_records WHERE assignment_id = $1 AND record_id = $2"),
                                   assignment_id, record_id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "RECORD_NOT_FOUND")
              .Message(RecordName(assignment_id, record_id) + " does not exist")
              .Zh("活动记录不存在");
        }
        out = FromRow(tx, assignment_id, rows[0], rows[0][7].as<bool>());
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<av1::ActivityRecord> SupportStore::UpdateRecord(const std::string& assignment_id,
                                                               const std::string& record_id,
                                                               const av1::ActivityRecord& patch,
                                                               const std::vector<std::string>& paths,
                                                               const SupportWrite& w) {
  av1::ActivityRecord out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::ActivityRecord>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        GT_RETURN_IF_ERROR(Writable(tx, a));
        auto rows = tx.exec_params(absl::StrCat("SELECT ", kRecordColumns, ", source, deleted_at IS NULL FROM ",
                                                "support_activity_records WHERE assignment_id = $1 AND "
                                                "record_id = $2 FOR UPDATE"),
                                   assignment_id, record_id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "RECORD_NOT_FOUND")
              .Message(RecordName(assignment_id, record_id) + " does not exist")
              .Zh("活动记录不存在");
        }
        if (!rows[0][8].as<bool>()) {
          return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "RECORD_DELETED")
              .Message(RecordName(assignment_id, record_id) + " is deleted")
              .Zh("活动记录已删除");
        }
        GT_RETURN_IF_ERROR(CheckEtag(patch.etag(), rows[0][2].as<int64_t>(), "activity_record.etag"));
        GT_RETURN_IF_ERROR(CountyOnlyForEventRecords(w, rows[0][7].as<int>()));
        auto record = ParseBody<av1::ActivityRecord>(rows[0][1]);
        for (const auto& p : paths) {
          if (p == "date") *record.mutable_date() = patch.date();
          if (p == "start_time") *record.mutable_start_time() = patch.start_time();
          if (p == "receiving_school") record.set_receiving_school(patch.receiving_school());
          if (p == "lessons") record.set_lessons(patch.lessons());
          if (p == "half_days") record.set_half_days(patch.half_days());
          if (p == "subject") *record.mutable_subject() = patch.subject();
          if (p == "topic") record.set_topic(patch.topic());
          if (p == "evidence") *record.mutable_evidence() = patch.evidence();
        }
        GT_ASSIGN_OR_RETURN(RecordFacts facts, CheckRecord(tx, a, record));
        const auto old_term = static_cast<TermKind>(rows[0][3].as<int>());
        const std::string cause = "activityRecords/" + record_id + " changed";
        GT_RETURN_IF_ERROR(VoidOnChangeTx(tx, assignment_id, old_term, cause, w.actor, w.correlation_id));
        if (facts.term != old_term) {
          GT_RETURN_IF_ERROR(VoidOnChangeTx(tx, assignment_id, facts.term, cause, w.actor, w.correlation_id));
        }
        record.mutable_term()->set_term(facts.term);
        record.mutable_class_hours()->set_value(FormatCentiHours(facts.hours));
        *record.mutable_audit()->mutable_update_time() = NowTimestamp();
        *record.mutable_audit()->mutable_updater() = w.actor;
        const std::string body = record.SerializeAsString();
        auto updated = tx.exec_params(
            absl::StrCat("UPDATE support_activity_records SET term = $3, record_date = $4::date, start_minute = $5, "
                         "quantity = $6, centi_hours = $7, receiving_school = $8, evidence_title = $9, body = $10, "
                         "version = version + 1, updated_at = now() WHERE assignment_id = $1 AND record_id = $2 "
                         "RETURNING ",
                         kRecordColumns),
            assignment_id, record_id, static_cast<int>(facts.term), IsoDate(facts.date), facts.start_minute,
            facts.quantity, facts.hours, record.receiving_school(), record.evidence().title(),
            pqxx::binarystring(body.data(), body.size()));
        out = FromRow(tx, assignment_id, updated[0], true);
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

absl::StatusOr<av1::ActivityRecord> SupportStore::DeleteRecord(const std::string& assignment_id,
                                                               const std::string& record_id, const std::string& etag,
                                                               const SupportWrite& w) {
  av1::ActivityRecord out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<av1::ActivityRecord>(tx, w));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(AssignmentRow a, AssignmentTx(tx, assignment_id, false));
        GT_RETURN_IF_ERROR(Writable(tx, a));
        auto rows = tx.exec_params(absl::StrCat("SELECT ", kRecordColumns, ", source FROM support_activity_records ",
                                                "WHERE assignment_id = $1 AND record_id = $2 AND deleted_at IS NULL "
                                                "FOR UPDATE"),
                                   assignment_id, record_id);
        if (rows.empty()) {
          return ErrorBuilder(absl::StatusCode::kNotFound, "RECORD_NOT_FOUND")
              .Message(RecordName(assignment_id, record_id) + " does not exist or is deleted")
              .Zh("活动记录不存在或已删除");
        }
        GT_RETURN_IF_ERROR(CheckEtag(etag, rows[0][2].as<int64_t>()));
        GT_RETURN_IF_ERROR(CountyOnlyForEventRecords(w, rows[0][7].as<int>()));
        auto term = static_cast<TermKind>(rows[0][3].as<int>());
        GT_RETURN_IF_ERROR(VoidOnChangeTx(tx, assignment_id, term, "activityRecords/" + record_id + " deleted", w.actor,
                                          w.correlation_id));
        auto record = ParseBody<av1::ActivityRecord>(rows[0][1]);
        auto now = NowTimestamp();
        *record.mutable_audit()->mutable_delete_time() = now;
        *record.mutable_audit()->mutable_update_time() = now;
        *record.mutable_audit()->mutable_updater() = w.actor;
        const std::string body = record.SerializeAsString();
        auto updated = tx.exec_params1(
            "UPDATE support_activity_records SET deleted_at = now(), updated_at = now(), version = version + 1, "
            "body = $3 WHERE assignment_id = $1 AND record_id = $2 RETURNING version",
            assignment_id, record_id, pqxx::binarystring(body.data(), body.size()));
        out = record;
        out.set_name(RecordName(assignment_id, record_id));
        out.set_etag(updated[0].as<std::string>());
        RememberAnswer(tx, w, out);
        return absl::OkStatus();
      },
      w.deadline));
  return out;
}

}  // namespace gongtong::assessment
