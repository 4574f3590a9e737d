// PartyPostStore: listing, updating and soft-deleting demonstration posts and
// listing their assignments (R-PARTY-2). Edits run in one transaction with
// their idempotency claim under the post's row lock; a refused edit writes
// nothing.
#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "assessment/storage/evaluation_rows.h"
#include "assessment/storage/party_post_store.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {
namespace {

// The post columns: body, version, deleted, delete time, active holders,
// the school's region (as SchoolRegion: its communities, else its members).
constexpr char kPostColumns[] =
    "p.school_code, p.post_id, p.body, p.version, p.deleted_at IS NOT NULL, "
    "coalesce(extract(epoch from p.deleted_at)::bigint, 0), "
    "(SELECT count(*) FROM party_post_assignments a WHERE a.school_code = p.school_code AND a.post_id = p.post_id "
    "AND a.end_date IS NULL), "
    "coalesce((SELECT f.region_code FROM eval_community_facts f WHERE NOT f.deleted AND (f.core_school_code = "
    "p.school_code OR p.school_code = ANY (f.member_school_codes)) ORDER BY f.community_id LIMIT 1), (SELECT "
    "m.region_code FROM party_members m WHERE m.school_code = p.school_code AND m.region_code <> '' ORDER BY "
    "m.teacher_id LIMIT 1), '') AS region_code "
    "FROM party_demonstration_posts p";

struct Post {
  av1::DemonstrationPost post;
  bool deleted = false;
  std::string region;
};

Post PostOf(const pqxx::row& row) {
  Post out;
  out.post = ParseBody<av1::DemonstrationPost>(row[2]);
  out.post.set_name("schools/" + row[0].as<std::string>() + "/demonstrationPosts/" + row[1].as<std::string>());
  out.post.set_etag(std::to_string(row[3].as<int64_t>()));
  out.deleted = row[4].as<bool>();
  if (out.deleted) out.post.mutable_audit()->mutable_delete_time()->set_seconds(row[5].as<int64_t>());
  out.post.set_holder_count(row[6].as<int>());
  out.region = row[7].as<std::string>();
  return out;
}

// The post locked for an edit with the shared checks: exists (a deleted one
// is NOT_FOUND when `deleted_is_missing`, else FAILED_PRECONDITION), etag.
absl::StatusOr<Post> EditablePost(pqxx::transaction_base& tx, const std::string& school, const std::string& post_id,
                                  const std::string& etag, bool deleted_is_missing) {
  tx.exec_params("SELECT 1 FROM party_demonstration_posts WHERE school_code = $1 AND post_id = $2 FOR UPDATE", school,
                 post_id);
  auto rows = tx.exec_params(absl::StrCat("SELECT ", kPostColumns, " WHERE p.school_code = $1 AND p.post_id = $2"),
                             school, post_id);
  const std::string name = "schools/" + school + "/demonstrationPosts/" + post_id;
  if (rows.empty() || (deleted_is_missing && rows[0][4].as<bool>())) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "POST_NOT_FOUND")
        .Message(name + " not found")
        .Zh("未找到该党员示范岗")
        .Field("name", "not found");
  }
  Post p = PostOf(rows[0]);
  if (!etag.empty() && etag != p.post.etag()) return StaleEtag(etag, p.post.etag());
  if (p.deleted) {
    return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "POST_DELETED")
        .Message(name + " is deleted")
        .Zh("该示范岗已删除，不能修改")
        .Field("name", "deleted");
  }
  return p;
}

// Stores `p` as the post's new body with DemonstrationPostChanged in the
// outbox.
av1::DemonstrationPost Store(pqxx::transaction_base& tx, const std::string& school, const std::string& post_id,
                             av1::DemonstrationPost p, const std::vector<std::string>& paths,
                             const pg::WriteContext& w) {
  const bool deleted = p.audit().has_delete_time();
  av1::DemonstrationPost body = p;
  body.clear_name();
  body.clear_etag();
  body.clear_holder_count();
  const std::string bytes = body.SerializeAsString();
  tx.exec_params(absl::StrCat("UPDATE party_demonstration_posts SET party_organization = $3, max_holders = $4, body = "
                              "$5, version = version + 1, updated_at = now()",
                              deleted ? ", deleted_at = now()" : "", " WHERE school_code = $1 AND post_id = $2"),
                 school, post_id, p.party_organization(), p.max_holders(),
                 pqxx::binarystring(bytes.data(), bytes.size()));
  p.set_etag(std::to_string(std::stoll(p.etag()) + 1));
  gongtong::events::v1::DemonstrationPostChanged event;
  *event.mutable_demonstration_post() = p;
  event.set_deleted(deleted);
  for (const auto& path : paths) event.mutable_changed_fields()->add_paths(path);
  *event.mutable_actor() = w.actor;
  events::AppendToOutbox(tx, events::StreamFor("assessment"),
                         events::MakeEvent("assessment", "demonstration_post", p.name(), std::stoll(p.etag()), event,
                                           w.correlation_id));
  return p;
}

}  // namespace

absl::StatusOr<std::vector<PartyPostStore::PostRow>> PartyPostStore::ListPosts(const std::string& school_code,
                                                                              const std::string& region_prefix,
                                                                              bool show_deleted,
                                                                              pg::Deadline deadline) {
  std::vector<PostRow> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    std::string where = school_code.empty() ? "region_code LIKE " + tx.quote(region_prefix + "%")
                                            : "school_code = " + tx.quote(school_code);
    if (!show_deleted) where += " AND NOT deleted";
    for (const auto& row : tx.exec(absl::StrCat(
             "SELECT * FROM (SELECT ", kPostColumns, ") q (school_code, post_id, body, version, deleted, delete_time, "
             "holders, region_code) WHERE ", where, " ORDER BY school_code, post_id"))) {
      Post p = PostOf(row);
      out.push_back({std::move(p.post), std::move(p.region)});
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<av1::DemonstrationPost> PartyPostStore::UpdatePost(
    const std::string& school_code, const std::string& post_id, const av1::DemonstrationPost& patch,
    const std::vector<std::string>& paths, const std::function<absl::Status(const av1::DemonstrationPost&)>& validate,
    const pg::WriteContext& w) {
  av1::DemonstrationPost updated;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::DemonstrationPost>(tx, w));
    if (replay) {
      updated = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(Post stored, EditablePost(tx, school_code, post_id, patch.etag(), false));
    av1::DemonstrationPost p = stored.post;
    for (const auto& path : paths) {
      if (path == "display_name") p.set_display_name(patch.display_name());
      if (path == "duties") p.set_duties(patch.duties());
      if (path == "party_organization") p.set_party_organization(patch.party_organization());
      if (path == "max_holders") p.set_max_holders(patch.max_holders());
    }
    GT_RETURN_IF_ERROR(validate(p));
    if (p.party_organization() != stored.post.party_organization() &&
        tx.exec_params("SELECT 1 FROM party_members WHERE school_code = $1 AND party_organization = $2 LIMIT 1",
                       school_code, p.party_organization())
            .empty()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_OF_SCHOOL")
          .Message(p.party_organization() + " is not a Party organisation of schools/" + school_code)
          .Zh("该党组织不属于本校")
          .Field("demonstration_post.party_organization", "not of the school");
    }
    if (p.max_holders() > 0 && p.max_holders() < p.holder_count()) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "BELOW_HOLDERS")
          .Message("max_holders " + std::to_string(p.max_holders()) + " is below the " +
                   std::to_string(p.holder_count()) + " active holders")
          .Zh("人数上限不能低于现有在岗人数（" + std::to_string(p.holder_count()) + "人）")
          .Field("demonstration_post.max_holders", "below active holders");
    }
    *p.mutable_audit()->mutable_update_time() = NowSeconds();
    *p.mutable_audit()->mutable_updater() = w.actor;
    updated = Store(tx, school_code, post_id, std::move(p), paths, w);
    pg::RecordResponse(tx, w.method, w.request_id, updated.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return updated;
}

absl::StatusOr<av1::DemonstrationPost> PartyPostStore::DeletePost(const std::string& school_code,
                                                                  const std::string& post_id, const std::string& etag,
                                                                  const pg::WriteContext& w) {
  av1::DemonstrationPost deleted;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::DemonstrationPost>(tx, w));
    if (replay) {
      deleted = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(Post stored, EditablePost(tx, school_code, post_id, etag, true));
    if (stored.post.holder_count() > 0) {
      return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "POST_HAS_HOLDERS")
          .Message(stored.post.name() + " has " + std::to_string(stored.post.holder_count()) + " active holders")
          .Zh("该示范岗尚有在岗党员（" + std::to_string(stored.post.holder_count()) + "人），请先结束任职")
          .Field("name", "has active holders");
    }
    av1::DemonstrationPost p = stored.post;
    *p.mutable_audit()->mutable_delete_time() = NowSeconds();
    *p.mutable_audit()->mutable_updater() = w.actor;
    deleted = Store(tx, school_code, post_id, std::move(p), {}, w);
    pg::RecordResponse(tx, w.method, w.request_id, deleted.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline);
  if (!s.ok()) return s;
  return deleted;
}

absl::StatusOr<std::vector<av1::PostAssignment>> PartyPostStore::ListAssignments(const std::string& school_code,
                                                                                const std::string& post_id,
                                                                                pg::Deadline deadline) {
  std::vector<av1::PostAssignment> out;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    if (!post_id.empty() && tx.exec_params("SELECT 1 FROM party_demonstration_posts WHERE school_code = $1 AND "
                                           "post_id = $2",
                                           school_code, post_id)
                                .empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "POST_NOT_FOUND")
          .Message("schools/" + school_code + "/demonstrationPosts/" + post_id + " not found")
          .Zh("未找到该党员示范岗")
          .Field("parent", "not found");
    }
    for (const auto& row : tx.exec_params(
             "SELECT body, version FROM party_post_assignments WHERE school_code = $1 AND ($2 = '' OR post_id = $2) "
             "ORDER BY start_date, post_id, assignment_id",
             school_code, post_id)) {
      auto a = ParseBody<av1::PostAssignment>(row[0]);
      a.set_etag(std::to_string(row[1].as<int64_t>()));
      out.push_back(std::move(a));
    }
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return out;
}

}  // namespace gongtong::assessment
