#include "assessment/storage/party_store.h"

#include <pqxx/binarystring>

#include "assessment/storage/evaluation_rows.h"
#include "common/events/event.h"
#include "common/pg/idempotency.h"
#include "common/pg/pg_status.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {
namespace {

constexpr char kRecordColumns[] =
    "r.record_id, r.teacher_id, r.party_organization, r.body, r.version, "
    "extract(epoch from r.created_at)::float8, extract(epoch from r.deleted_at)::float8, "
    "m.display_name, m.school_code, m.region_code, m.party_organization, m.membership, m.serving";

google::protobuf::Timestamp Epoch(double seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(static_cast<int64_t>(seconds));
  t.set_nanos(static_cast<int32_t>((seconds - static_cast<double>(t.seconds())) * 1e9));
  return t;
}

PartyMember MemberFrom(const pqxx::row& row, int first, const std::string& teacher_id) {
  PartyMember m;
  m.teacher_id = teacher_id;
  m.display_name = row[first].as<std::string>();
  m.school_code = row[first + 1].as<std::string>();
  m.region_code = row[first + 2].as<std::string>();
  m.party_organization = row[first + 3].as<std::string>();
  m.membership = row[first + 4].as<int>();
  m.serving = row[first + 5].as<bool>();
  return m;
}

CheckpointRow RowFrom(const pqxx::row& row) {
  CheckpointRow out;
  out.record = ParseBody<av1::CheckpointRecord>(row[3]);
  out.record.set_name("checkpointRecords/" + row[0].as<std::string>());
  out.record.set_etag(std::to_string(row[4].as<int64_t>()));
  out.record.set_points(kPointsPerCheckpoint);
  *out.record.mutable_audit()->mutable_create_time() = Epoch(row[5].as<double>());
  if (!row[6].is_null()) *out.record.mutable_audit()->mutable_delete_time() = Epoch(row[6].as<double>());
  out.member = MemberFrom(row, 7, row[1].as<std::string>());
  return out;
}

CheckpointRow SelectRecord(pqxx::transaction_base& tx, const std::string& id) {
  return RowFrom(tx.exec_params1(std::string("SELECT ") + kRecordColumns +
                                     " FROM party_checkpoint_records r JOIN party_members m "
                                     "ON m.teacher_id = r.teacher_id WHERE r.record_id = $1",
                                 id));
}

// The live ordinals of a member in a campaign.
std::set<int> Passed(pqxx::transaction_base& tx, const std::string& teacher_id, int year) {
  std::set<int> out;
  for (const auto& row : tx.exec_params(
           "SELECT ordinal FROM party_checkpoint_records WHERE teacher_id = $1 AND campaign_year = $2 "
           "AND deleted_at IS NULL",
           teacher_id, year)) {
    out.insert(row[0].as<int>());
  }
  return out;
}

absl::Status RecordNotFound(const std::string& record_id) {
  return ErrorBuilder(absl::StatusCode::kNotFound, "CHECKPOINT_RECORD_NOT_FOUND")
      .Message("checkpointRecords/" + record_id + " not found")
      .Zh("未找到闯关记录：" + record_id)
      .Field("name", "not found");
}

absl::Status MemberUnknown(const std::string& teacher_id, const std::string& field) {
  return ErrorBuilder(absl::StatusCode::kNotFound, "MEMBER_UNKNOWN")
      .Message("teachers/" + teacher_id + " is not known to the assessment service")
      .Zh("未找到该教师：teachers/" + teacher_id)
      .Field(field, "unknown teacher");
}

// Locks and reads the member's facts.
absl::StatusOr<PartyMember> LockMember(pqxx::transaction_base& tx, const std::string& teacher_id,
                                       const std::string& field) {
  auto rows = tx.exec_params(
      "SELECT display_name, school_code, region_code, party_organization, membership, serving "
      "FROM party_members WHERE teacher_id = $1 FOR UPDATE",
      teacher_id);
  if (rows.empty()) return MemberUnknown(teacher_id, field);
  return MemberFrom(rows[0], 0, teacher_id);
}

std::string Stored(av1::CheckpointRecord r) {
  r.clear_name();
  r.clear_etag();
  r.clear_points();
  r.mutable_audit()->clear_create_time();
  r.mutable_audit()->clear_delete_time();
  return r.SerializeAsString();
}

}  // namespace

void UpsertPartyMember(pqxx::transaction_base& tx, const PartyMember& m) {
  tx.exec_params(
      "INSERT INTO party_members (teacher_id, display_name, school_code, region_code, party_organization, "
      "membership, serving) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (teacher_id) DO UPDATE SET "
      "display_name = EXCLUDED.display_name, school_code = EXCLUDED.school_code, region_code = "
      "EXCLUDED.region_code, party_organization = EXCLUDED.party_organization, membership = "
      "EXCLUDED.membership, serving = EXCLUDED.serving, updated_at = now()",
      m.teacher_id, m.display_name, m.school_code, m.region_code, m.party_organization, m.membership, m.serving);
}

absl::Status PartyStore::UpsertMember(const PartyMember& m, pg::Deadline deadline) {
  return pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    UpsertPartyMember(tx, m);
    return absl::OkStatus();
  }, deadline);
}

absl::StatusOr<PartyMember> PartyStore::GetMember(const std::string& teacher_id, const std::string& field,
                                                  pg::Deadline deadline) {
  PartyMember out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(
        "SELECT display_name, school_code, region_code, party_organization, membership, serving "
        "FROM party_members WHERE teacher_id = $1",
        teacher_id);
    if (rows.empty()) return MemberUnknown(teacher_id, field);
    out = MemberFrom(rows[0], 0, teacher_id);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<av1::CheckpointRecord> PartyStore::CreateCheckpoint(const std::string& record_id,
                                                                   const av1::CheckpointRecord& input,
                                                                   const MemberCheck& check,
                                                                   const pg::WriteContext& w) {
  av1::CheckpointRecord created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::CheckpointRecord>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    const std::string teacher_id = input.member().substr(std::string("teachers/").size());
    GT_ASSIGN_OR_RETURN(PartyMember member, LockMember(tx, teacher_id, "checkpoint_record.member"));
    GT_RETURN_IF_ERROR(check(member));
    const std::set<int> passed = Passed(tx, teacher_id, input.campaign_year());
    GT_RETURN_IF_ERROR(CheckCheckpoint(passed, input.ordinal(), "checkpoint_record.ordinal"));
    av1::CheckpointRecord r = input;
    r.set_party_organization(member.party_organization);
    *r.mutable_audit()->mutable_creator() = w.actor;
    const std::string body = Stored(r);
    auto inserted = tx.exec_params(
        "INSERT INTO party_checkpoint_records (record_id, teacher_id, party_organization, school_code, "
        "campaign_year, ordinal, body) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (record_id) DO NOTHING",
        record_id, teacher_id, member.party_organization, member.school_code, input.campaign_year(),
        input.ordinal(), pqxx::binarystring(body.data(), body.size()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "CHECKPOINT_RECORD_ID_TAKEN")
          .Message("checkpoint record id " + record_id + " exists (ids are never reused)")
          .Zh("闯关记录编号已存在：" + record_id)
          .Field("checkpoint_record_id", "already exists");
    }
    created = SelectRecord(tx, record_id).record;
    gongtong::events::v1::CheckpointPassed event;
    *event.mutable_checkpoint_record() = created;
    const int points = static_cast<int>(passed.size() + 1) * kPointsPerCheckpoint;
    event.set_total_points(points);
    event.set_arrived_yanan(points >= kArrivalPoints);
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "party_member", input.member(),
                                             static_cast<int64_t>(passed.size() + 1), event,
                                             w.correlation_id));
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<CheckpointRow> PartyStore::GetCheckpoint(const std::string& record_id, pg::Deadline deadline) {
  CheckpointRow out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(std::string("SELECT ") + kRecordColumns +
                                   " FROM party_checkpoint_records r JOIN party_members m "
                                   "ON m.teacher_id = r.teacher_id WHERE r.record_id = $1",
                               record_id);
    if (rows.empty()) {
      return RecordNotFound(record_id);
    }
    out = RowFrom(rows[0]);
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<CheckpointPage> PartyStore::ListCheckpoints(const CheckpointListQuery& q, pg::Deadline deadline) {
  CheckpointPage page;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    // Every condition is a parameter; "" / 0 means "any".
    const std::string where =
        " FROM party_checkpoint_records r JOIN party_members m ON m.teacher_id = r.teacher_id"
        " WHERE ($1 = '' OR r.teacher_id = $1) AND ($2 = '' OR r.party_organization = $2)"
        " AND ($3 = '' OR r.school_code = $3) AND ($4 = 0 OR r.campaign_year = $4)"
        " AND ($5 = 0 OR r.ordinal = $5) AND r.ordinal >= $6"
        " AND m.region_code LIKE $7 || '%' AND ($8 = '' OR m.school_code = $8)"
        " AND ($9 OR r.deleted_at IS NULL)";
    const std::string dir = q.descending ? " DESC" : "";
    // award_date is inside the body: records are listed in the order they
    // were awarded (created), or by ordinal.
    const std::string order = q.by_ordinal ? " ORDER BY r.ordinal" + dir + ", r.record_id" + dir
                                           : " ORDER BY r.created_at" + dir + ", r.record_id" + dir;
    page.total = tx.exec_params1("SELECT count(*)" + where, q.teacher_id, q.party_organization, q.school_code,
                                 q.campaign_year, q.ordinal, q.min_ordinal, q.region_scope, q.own_school,
                                 q.show_deleted)[0]
                     .as<int64_t>();
    auto rows = tx.exec_params(std::string("SELECT ") + kRecordColumns + where + order + " LIMIT $10 OFFSET $11",
                               q.teacher_id, q.party_organization, q.school_code, q.campaign_year, q.ordinal,
                               q.min_ordinal, q.region_scope, q.own_school, q.show_deleted, q.limit + 1,
                               q.offset);
    for (const auto& row : rows) {
      if (static_cast<int>(page.records.size()) == q.limit) {
        page.more = true;
        break;
      }
      page.records.push_back(RowFrom(row).record);
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return page;
}

absl::StatusOr<av1::CheckpointRecord> PartyStore::DeleteCheckpoint(const std::string& record_id,
                                                                   const std::string& etag,
                                                                   const MemberCheck& check,
                                                                   const pg::WriteContext& w) {
  av1::CheckpointRecord deleted;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::CheckpointRecord>(tx, w));
    if (replay) {
      deleted = *replay;
      return absl::OkStatus();
    }
    auto found = tx.exec_params("SELECT teacher_id FROM party_checkpoint_records WHERE record_id = $1", record_id);
    if (found.empty()) {
      return RecordNotFound(record_id);
    }
    GT_ASSIGN_OR_RETURN(PartyMember member, LockMember(tx, found[0][0].as<std::string>(), "name"));
    GT_RETURN_IF_ERROR(check(member));
    CheckpointRow row = SelectRecord(tx, record_id);
    if (row.record.audit().has_delete_time()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "CHECKPOINT_RECORD_DELETED")
          .Message("checkpointRecords/" + record_id + " is already revoked")
          .Zh("该闯关记录已撤销")
          .Field("name", "already deleted");
    }
    if (!etag.empty() && etag != row.record.etag()) return StaleEtag(etag, row.record.etag());
    const std::set<int> passed = Passed(tx, member.teacher_id, row.record.campaign_year());
    if (!passed.empty() && *passed.rbegin() != row.record.ordinal()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "CHECKPOINT_NOT_LATEST")
          .Message("only the member's latest checkpoint (" + std::to_string(*passed.rbegin()) +
                   ") can be revoked")
          .Zh("只能撤销该党员最近通过的关卡（第" + std::to_string(*passed.rbegin()) + "关）")
          .Field("name", "not the latest checkpoint");
    }
    tx.exec_params(
        "UPDATE party_checkpoint_records SET deleted_at = now(), version = version + 1 WHERE record_id = $1",
        record_id);
    deleted = SelectRecord(tx, record_id).record;
    gongtong::events::v1::CheckpointRevoked event;
    *event.mutable_checkpoint_record() = deleted;
    event.set_total_points(static_cast<int>(passed.size() - 1) * kPointsPerCheckpoint);
    *event.mutable_actor() = w.actor;
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "party_member", deleted.member(),
                                             static_cast<int64_t>(passed.size() + 1), event, w.correlation_id));
    pg::RecordResponse(tx, w.method, w.request_id, deleted.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return deleted;
}

absl::StatusOr<std::vector<PartyStore::MemberCount>> PartyStore::Progress(const std::string& party_organization,
                                                                          int campaign_year, pg::Deadline deadline) {
  std::vector<MemberCount> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_params(
             "SELECT m.display_name, m.school_code, m.region_code, m.party_organization, m.membership, m.serving, "
             "count(r.record_id), m.teacher_id FROM party_members m "
             "LEFT JOIN party_checkpoint_records r ON r.teacher_id = m.teacher_id AND r.campaign_year = $2 "
             "AND r.deleted_at IS NULL WHERE m.party_organization = $1 AND m.membership IN (2, 3) "
             "GROUP BY m.teacher_id",
             party_organization, campaign_year)) {
      out.push_back({MemberFrom(row, 0, row[7].as<std::string>()), row[6].as<int>()});
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

}  // namespace gongtong::assessment
