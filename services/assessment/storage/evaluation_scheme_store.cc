// EvaluationStore: listing and editing evaluation schemes. Only a live DRAFT
// changes: a published scheme is in force and immutable (changes need a new
// version), so no run's scheme ever moves under it. Edits run in one
// transaction with their idempotency claim; a refused edit writes nothing.
#include <pqxx/binarystring>

#include "assessment/storage/evaluation_rows.h"
#include "assessment/storage/evaluation_store.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"

namespace gongtong::assessment {
namespace {

constexpr char kColumns[] = "scheme_id, scheme_version, state, body, version, deleted_at IS NOT NULL FROM eval_schemes";

av1::EvaluationScheme SchemeOf(const pqxx::row& row) {
  auto s = ParseBody<av1::EvaluationScheme>(row[3]);
  s.set_name("evaluationSchemes/" + row[0].as<std::string>());
  s.set_version(row[1].as<int>());
  s.set_state(static_cast<av1::SchemeState>(row[2].as<int>()));
  s.set_etag(std::to_string(row[4].as<int64_t>()));
  return s;
}

absl::Status NotDraft(const av1::EvaluationScheme& s, const char* why, const char* zh) {
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHEME_READ_ONLY")
      .Message(s.name() + " " + why)
      .Zh(zh)
      .Field("name", why);
}

// Loads the scheme for an edit, locked, and applies the checks every edit
// shares: access, built-in, deletion (`deleted_is_missing`: NOT_FOUND), etag,
// DRAFT.
absl::StatusOr<av1::EvaluationScheme> EditableScheme(
    pqxx::transaction_base& tx, const std::string& id, const std::string& etag, bool deleted_is_missing,
    const std::function<absl::Status(const av1::EvaluationScheme&)>& check) {
  if ("evaluationSchemes/" + id == kDefaultSchemeName) {
    GT_RETURN_IF_ERROR(check(DefaultScheme()));
    return NotDraft(DefaultScheme(), "is built in", "内置的默认方案不能修改或删除");
  }
  auto rows = tx.exec_params(std::string("SELECT ") + kColumns + " WHERE scheme_id = $1 FOR UPDATE", id);
  const bool deleted = !rows.empty() && rows[0][5].as<bool>();
  if (rows.empty() || (deleted && deleted_is_missing)) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "SCHEME_NOT_FOUND")
        .Message("evaluationSchemes/" + id + " not found")
        .Zh("未找到考核评价方案：" + id)
        .Field("name", "not found");
  }
  av1::EvaluationScheme s = SchemeOf(rows[0]);
  GT_RETURN_IF_ERROR(check(s));
  if (!etag.empty() && etag != s.etag()) return StaleEtag(etag, s.etag());
  if (deleted) return NotDraft(s, "is deleted", "方案已删除，不能修改");
  if (s.state() != av1::SCHEME_STATE_DRAFT) {
    return NotDraft(s, "is published (immutable)", "方案已发布，不能修改或删除；请新建版本");
  }
  return s;
}

// Stores `s` as the scheme's new body (output-only fields are columns) with
// EvaluationSchemeChanged in the outbox.
av1::EvaluationScheme Store(pqxx::transaction_base& tx, const std::string& id, av1::EvaluationScheme s,
                            const std::vector<std::string>& paths, const pg::WriteContext& w) {
  const bool deleted = s.audit().has_delete_time();
  av1::EvaluationScheme body = s;
  body.clear_name();
  body.clear_etag();
  body.clear_version();
  body.clear_state();
  const std::string bytes = body.SerializeAsString();
  tx.exec_params(std::string("UPDATE eval_schemes SET body = $2, version = version + 1, updated_at = now()") +
                     (deleted ? ", deleted_at = now()" : "") + " WHERE scheme_id = $1",
                 id, pqxx::binarystring(bytes.data(), bytes.size()));
  s.set_etag(std::to_string(std::stoll(s.etag()) + 1));
  gongtong::events::v1::EvaluationSchemeChanged event;
  *event.mutable_evaluation_scheme() = s;
  event.set_deleted(deleted);
  for (const auto& p : paths) event.mutable_changed_fields()->add_paths(p);
  *event.mutable_actor() = w.actor;
  events::AppendToOutbox(tx, events::StreamFor("assessment"),
                         events::MakeEvent("assessment", "evaluation_scheme", s.name(), std::stoll(s.etag()), event,
                                           w.correlation_id));
  return s;
}

}  // namespace

absl::StatusOr<std::vector<av1::EvaluationScheme>> EvaluationStore::ListSchemes(bool show_deleted,
                                                                               pg::Deadline deadline) {
  std::vector<av1::EvaluationScheme> out{DefaultScheme()};
  out.front().set_etag("1");
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec(std::string("SELECT ") + kColumns + (show_deleted ? "" : " WHERE deleted_at IS NULL"))) {
      out.push_back(SchemeOf(row));
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<av1::EvaluationScheme> EvaluationStore::UpdateScheme(
    const std::string& scheme_id, const av1::EvaluationScheme& patch, const std::vector<std::string>& paths,
    const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w) {
  av1::EvaluationScheme updated;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationScheme>(tx, w));
    if (replay) {
      updated = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(av1::EvaluationScheme s, EditableScheme(tx, scheme_id, patch.etag(), false, check));
    for (const auto& p : paths) {
      if (p == "display_name") s.set_display_name(patch.display_name());
      if (p == "components") *s.mutable_components() = patch.components();
      if (p == "type_rules") *s.mutable_type_rules() = patch.type_rules();
      if (p == "rounding") *s.mutable_rounding() = patch.rounding();
      if (p == "school_assessment_share") *s.mutable_school_assessment_share() = patch.school_assessment_share();
      if (p == "based_on") s.set_based_on(patch.based_on());
    }
    GT_RETURN_IF_ERROR(ValidateScheme(s, "evaluation_scheme"));
    *s.mutable_audit()->mutable_update_time() = NowSeconds();
    *s.mutable_audit()->mutable_updater() = w.actor;
    updated = Store(tx, scheme_id, std::move(s), paths, w);
    pg::RecordResponse(tx, w.method, w.request_id, updated.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return updated;
}

absl::StatusOr<av1::EvaluationScheme> EvaluationStore::DeleteScheme(
    const std::string& scheme_id, const std::string& etag,
    const std::function<absl::Status(const av1::EvaluationScheme&)>& check, const pg::WriteContext& w) {
  av1::EvaluationScheme deleted;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<av1::EvaluationScheme>(tx, w));
    if (replay) {
      deleted = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(av1::EvaluationScheme s, EditableScheme(tx, scheme_id, etag, true, check));
    *s.mutable_audit()->mutable_delete_time() = NowSeconds();
    *s.mutable_audit()->mutable_updater() = w.actor;
    deleted = Store(tx, scheme_id, std::move(s), {}, w);
    pg::RecordResponse(tx, w.method, w.request_id, deleted.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return deleted;
}

}  // namespace gongtong::assessment
