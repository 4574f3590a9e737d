#include "assessment/storage/party_post_store.h"

#include <cstdio>

#include <pqxx/binarystring>

#include "assessment/storage/evaluation_rows.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {
namespace {

std::string PostName(const std::string& school, const std::string& post) {
  return "schools/" + school + "/demonstrationPosts/" + post;
}

std::string Iso(const google::type::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year(), d.month(), d.day());
  return buf;
}

int DateKey(const google::type::Date& d) { return d.year() * 10000 + d.month() * 100 + d.day(); }

absl::Status PostNotFound(const std::string& name) {
  return ErrorBuilder(absl::StatusCode::kNotFound, "POST_NOT_FOUND")
      .Message(name + " not found")
      .Zh("未找到该党员示范岗")
      .Field("parent", "not found");
}

// The post with holder_count and etag, optionally locked.
absl::StatusOr<av1::DemonstrationPost> LoadPost(pqxx::transaction_base& tx, const std::string& school,
                                                const std::string& post, bool lock) {
  auto rows = tx.exec_params(
      "SELECT body, version, (SELECT count(*) FROM party_post_assignments a WHERE a.school_code = p.school_code AND "
      "a.post_id = p.post_id AND a.end_date IS NULL) FROM party_demonstration_posts p WHERE school_code = $1 AND "
      "post_id = $2 AND deleted_at IS NULL" +
          std::string(lock ? " FOR UPDATE" : ""),
      school, post);
  if (rows.empty()) return PostNotFound(PostName(school, post));
  auto p = ParseBody<av1::DemonstrationPost>(rows[0][0]);
  p.set_name(PostName(school, post));
  p.set_etag(std::to_string(rows[0][1].as<int64_t>()));
  p.set_holder_count(rows[0][2].as<int>());
  return p;
}

}  // namespace

absl::StatusOr<std::string> PartyPostStore::SchoolRegion(const std::string& school_code, pg::Deadline deadline) {
  std::string region;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    auto rows = tx.exec_params(
        "SELECT region_code FROM eval_community_facts WHERE NOT deleted AND (core_school_code = $1 OR $1 = "
        "ANY(member_school_codes)) ORDER BY community_id LIMIT 1",
        school_code);
    if (rows.empty()) {  // else what the registry said of its members
      rows = tx.exec_params(
          "SELECT region_code FROM party_members WHERE school_code = $1 AND region_code <> '' ORDER BY teacher_id "
          "LIMIT 1",
          school_code);
    }
    if (!rows.empty()) region = rows[0][0].as<std::string>();
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return region;
}

absl::StatusOr<av1::DemonstrationPost> PartyPostStore::CreatePost(const std::string& school_code,
                                                                  const std::string& post_id,
                                                                  const av1::DemonstrationPost& input,
                                                                  const pg::WriteContext& w) {
  av1::DemonstrationPost created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::DemonstrationPost>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    if (tx.exec_params("SELECT 1 FROM party_members WHERE school_code = $1 AND party_organization = $2 LIMIT 1",
                       school_code, input.party_organization())
            .empty()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_OF_SCHOOL")
          .Message(input.party_organization() + " is not a Party organisation of schools/" + school_code)
          .Zh("该党组织不属于本校")
          .Field("demonstration_post.party_organization", "not of the school");
    }
    av1::DemonstrationPost p = input;
    *p.mutable_audit()->mutable_creator() = w.actor;
    const std::string body = p.SerializeAsString();
    auto inserted = tx.exec_params(
        "INSERT INTO party_demonstration_posts (school_code, post_id, party_organization, max_holders, body) VALUES "
        "($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        school_code, post_id, p.party_organization(), p.max_holders(), pqxx::binarystring(body.data(), body.size()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "POST_ID_TAKEN")
          .Message(PostName(school_code, post_id) + " exists")
          .Zh("示范岗编号已存在：" + post_id)
          .Field("demonstration_post_id", "already exists");
    }
    GT_ASSIGN_OR_RETURN(created, LoadPost(tx, school_code, post_id, false));
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<av1::DemonstrationPost> PartyPostStore::GetPost(const std::string& school_code,
                                                               const std::string& post_id, pg::Deadline deadline) {
  av1::DemonstrationPost out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(out, LoadPost(tx, school_code, post_id, false));
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<av1::PostAssignment> PartyPostStore::CreateAssignment(const std::string& school_code,
                                                                     const std::string& post_id,
                                                                     const std::string& assignment_id,
                                                                     const av1::PostAssignment& input,
                                                                     const pg::WriteContext& w) {
  av1::PostAssignment created;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::PostAssignment>(tx, w));
    if (replay) {
      created = *replay;
      return absl::OkStatus();
    }
    const std::string teacher_id = TeacherIdOf(input.member());
    auto member = tx.exec_params(
        "SELECT school_code, membership, serving FROM party_members WHERE teacher_id = $1 FOR UPDATE", teacher_id);
    if (member.empty() || member[0][0].as<std::string>() != school_code ||
        (member[0][1].as<int>() != 2 && member[0][1].as<int>() != 3) || !member[0][2].as<bool>()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "NOT_A_SERVING_MEMBER")
          .Message(input.member() + " is not a serving Party member of schools/" + school_code)
          .Zh("该教师不是本校在职党员")
          .Field("post_assignment.member", "not a serving Party member of the school");
    }
    GT_ASSIGN_OR_RETURN(av1::DemonstrationPost post, LoadPost(tx, school_code, post_id, true));
    auto active = tx.exec_params(
        "SELECT school_code, post_id, assignment_id FROM party_post_assignments WHERE teacher_id = $1 AND end_date "
        "IS NULL",
        teacher_id);
    const std::string active_name =
        active.empty() ? "" : PostName(active[0][0].as<std::string>(), active[0][1].as<std::string>()) +
                                  "/assignments/" + active[0][2].as<std::string>();
    GT_RETURN_IF_ERROR(CheckPostAssignment(input.member(), active_name, post.max_holders(), post.holder_count()));
    av1::PostAssignment a = input;
    a.set_name(post.name() + "/assignments/" + assignment_id);
    a.set_etag("1");
    *a.mutable_audit()->mutable_creator() = w.actor;
    const std::string body = a.SerializeAsString();
    auto inserted = tx.exec_params(
        "INSERT INTO party_post_assignments (school_code, post_id, assignment_id, teacher_id, start_date, body) "
        "VALUES ($1, $2, $3, $4, $5::date, $6) ON CONFLICT DO NOTHING",
        school_code, post_id, assignment_id, teacher_id, Iso(a.start_date()),
        pqxx::binarystring(body.data(), body.size()));
    if (inserted.affected_rows() == 0) {
      return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ASSIGNMENT_ID_TAKEN")
          .Message(a.name() + " exists")
          .Zh("任职编号已存在")
          .Field("post_assignment", "already exists");
    }
    gongtong::events::v1::PostAssigned event;
    *event.mutable_post_assignment() = a;
    event.set_post(post.name());
    event.set_post_title(post.display_name());
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "party_member", input.member(), 1, event, w.correlation_id));
    created = a;
    pg::RecordResponse(tx, w.method, w.request_id, created.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return created;
}

absl::StatusOr<av1::PostAssignment> PartyPostStore::EndAssignment(const std::string& school_code,
                                                                  const std::string& post_id,
                                                                  const std::string& assignment_id,
                                                                  const google::type::Date& end_date,
                                                                  const std::string& etag, const pg::WriteContext& w) {
  av1::PostAssignment ended;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::PostAssignment>(tx, w));
    if (replay) {
      ended = *replay;
      return absl::OkStatus();
    }
    auto rows = tx.exec_params(
        "SELECT body, version, end_date IS NOT NULL FROM party_post_assignments WHERE school_code = $1 AND post_id = "
        "$2 AND assignment_id = $3 FOR UPDATE",
        school_code, post_id, assignment_id);
    if (rows.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "ASSIGNMENT_NOT_FOUND")
          .Message("assignment " + assignment_id + " not found")
          .Zh("未找到该任职记录")
          .Field("name", "not found");
    }
    auto a = ParseBody<av1::PostAssignment>(rows[0][0]);
    const std::string current = std::to_string(rows[0][1].as<int64_t>());
    if (!etag.empty() && etag != current) return StaleEtag(etag, current);
    if (rows[0][2].as<bool>()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ASSIGNMENT_ENDED")
          .Message(a.name() + " has already ended")
          .Zh("该任职已结束")
          .Field("name", "already ended");
    }
    if (DateKey(end_date) < DateKey(a.start_date())) {
      return InvalidField("end_date", "before start_date", "结束日期不能早于开始日期");
    }
    *a.mutable_end_date() = end_date;
    a.set_etag(std::to_string(rows[0][1].as<int64_t>() + 1));
    const std::string body = a.SerializeAsString();
    tx.exec_params(
        "UPDATE party_post_assignments SET end_date = $4::date, body = $5, version = version + 1, updated_at = now() "
        "WHERE school_code = $1 AND post_id = $2 AND assignment_id = $3",
        school_code, post_id, assignment_id, Iso(end_date), pqxx::binarystring(body.data(), body.size()));
    gongtong::events::v1::PostAssignmentEnded event;
    *event.mutable_post_assignment() = a;
    event.set_post(PostName(school_code, post_id));
    *event.mutable_actor() = w.actor;
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "party_member", a.member(), 2, event, w.correlation_id));
    ended = a;
    pg::RecordResponse(tx, w.method, w.request_id, ended.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return ended;
}

absl::StatusOr<std::vector<PartyMember>> PartyPostStore::Unassigned(const std::string& school_code,
                                                                    pg::Deadline deadline) {
  std::vector<PartyMember> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_params(
             "SELECT m.teacher_id, m.display_name, m.region_code, m.party_organization, m.membership FROM "
             "party_members m WHERE m.school_code = $1 AND m.serving AND m.membership IN (2, 3) AND NOT EXISTS "
             "(SELECT 1 FROM party_post_assignments a WHERE a.teacher_id = m.teacher_id AND a.end_date IS NULL) "
             "ORDER BY m.display_name, m.teacher_id",
             school_code)) {
      PartyMember m;
      m.teacher_id = row[0].as<std::string>();
      m.display_name = row[1].as<std::string>();
      m.school_code = school_code;
      m.region_code = row[2].as<std::string>();
      m.party_organization = row[3].as<std::string>();
      m.membership = row[4].as<int>();
      out.push_back(std::move(m));
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

}  // namespace gongtong::assessment
