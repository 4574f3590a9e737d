// EvaluationStore: reading, listing and editing evaluation inputs
// (declarations, self-assessments, review scores), listing runs, and the
// facts of ListSubmissionStatuses. Listings are restricted in SQL to what
// the caller may read (evaluation_access.h in SQL form); values are quoted by
// the driver (tx.quote), never spliced raw. Edits run in one transaction with
// their idempotency claim; a refused edit writes nothing.
#include <pqxx/binarystring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "assessment/storage/evaluation_rows.h"
#include "assessment/storage/evaluation_store.h"
#include "common/events/event.h"
#include "common/status/error.h"
#include "gongtong/events/v1/assessment_events.pb.h"
#include "common/strings.h"

namespace gongtong::assessment {
namespace {

pqxx::binarystring Bytes(const std::string& s) { return pqxx::binarystring(s.data(), s.size()); }

std::string After(const std::string& name, const std::string& prefix) {
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "";
}

absl::Status BadValue(const api::FilterTerm& t) {
  return InvalidField("filter", "unknown value \"" + t.value + "\" for " + t.field,
                      "筛选条件 " + t.field + " 的取值无效", "FILTER_INVALID");
}

// One kind of input: its table, id column, collection and zh name.
struct Table {
  const char* table;
  const char* id;
  const char* collection;
  const char* zh;
  bool soft_deleted;  // has deleted_at
};
constexpr Table kDeclarations{"eval_declarations", "declaration_id", "declarations", "申报表", true};
constexpr Table kSelfAssessments{"eval_self_assessments", "self_assessment_id", "selfAssessments", "自评", false};
constexpr Table kReviewScores{"eval_review_scores", "review_score_id", "reviewScores", "评审得分", true};

std::string Deleted(const Table& t) { return t.soft_deleted ? "x.deleted_at IS NOT NULL" : "false"; }
std::string Filed(const Table& t) { return &t == &kReviewScores ? "false" : "x.filed"; }

// body, version, deleted, filed, school, region, deleted_at (epoch), used by a
// finalised run of the community's region and year (review scores: same scheme).
std::string Columns(const Table& t) {
  return std::string("x.body, x.version, ") + Deleted(t) + ", " + Filed(t) +
         ", x.school_code, coalesce(c.region_code, ''), " +
         (t.soft_deleted ? "coalesce(extract(epoch from x.deleted_at)::bigint, 0)" : "0") +
         ", EXISTS (SELECT 1 FROM eval_runs r WHERE r.state = 2 AND r.region_code = c.region_code AND r.school_year = "
         "x.school_year" +
         (&t == &kReviewScores ? std::string(" AND r.scheme_id = x.scheme_id") : "") + ") FROM " + t.table +
         " x LEFT JOIN eval_community_facts c USING (community_id)";
}

template <typename M>
EvaluationStore::Located<M> LocatedFrom(const Table& t, const pqxx::row& row) {
  EvaluationStore::Located<M> out;
  out.item = ParseBody<M>(row[0]);
  out.item.set_etag(std::to_string(row[1].as<int64_t>()));
  out.deleted = row[2].as<bool>();
  out.filed = row[3].as<bool>();
  out.school_code = row[4].as<std::string>();
  out.region_code = row[5].as<std::string>();
  if (out.deleted) out.item.mutable_audit()->mutable_delete_time()->set_seconds(row[6].as<int64_t>());
  out.used_by_finalised_run = row[7].as<bool>();
  (void)t;
  return out;
}

template <typename M>
absl::StatusOr<EvaluationStore::Located<M>> LoadInput(pqxx::transaction_base& tx, const Table& t,
                                                      const std::string& id, bool lock) {
  auto rows = tx.exec_params("SELECT " + Columns(t) + " WHERE x." + t.id + " = $1" + (lock ? " FOR UPDATE OF x" : ""),
                             id);
  if (rows.empty()) {
    return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
        .Message(std::string(t.collection) + "/" + id + " not found")
        .Zh(std::string("未找到") + t.zh + "：" + id)
        .Field("name", "not found");
  }
  return LocatedFrom<M>(t, rows[0]);
}

// The inputs (alias x, communities c) `who` may read. Schools read their own
// review scores once a finalised run of their region and year exists.
std::string ScopeSql(pqxx::transaction_base& tx, const Table& t, const auth::Principal& who) {
  switch (who.role) {
    case auth::Role::kProvinceAdmin:
    case auth::Role::kService:
      return "TRUE";
    case auth::Role::kCountyBureau:
      return who.region_prefix.empty() ? "FALSE" : "c.region_code LIKE " + tx.quote(who.region_prefix + "%");
    case auth::Role::kSchoolAdmin:
    case auth::Role::kTeacher: {
      if (who.school_code.empty()) return "FALSE";
      std::string own = "x.school_code = " + tx.quote(who.school_code);
      if (&t == &kReviewScores) {
        own += " AND EXISTS (SELECT 1 FROM eval_runs r WHERE r.state = 2 AND r.region_code = c.region_code AND "
               "r.school_year = x.school_year)";
      }
      return own;
    }
    default:
      return "FALSE";
  }
}

template <typename Enum>
absl::StatusOr<int> EnumValue(const api::FilterTerm& t, bool (*parse)(const std::string&, Enum*)) {
  Enum e;
  if (!parse(t.value, &e) || static_cast<int>(e) == 0) return BadValue(t);
  return static_cast<int>(e);
}

// The where-clause of one filter term on inputs.
absl::StatusOr<std::string> TermSql(pqxx::transaction_base& tx, const Table& t, const api::FilterTerm& f) {
  if (f.field == "kind") {
    GT_ASSIGN_OR_RETURN(int kind, EnumValue<av1::DeclarationKind>(f, av1::DeclarationKind_Parse));
    return "x.kind = " + std::to_string(kind);
  }
  if (f.field == "community") {
    const std::string id = After(f.value, "communities/");
    if (id.empty()) return BadValue(f);
    return "x.community_id = " + tx.quote(id);
  }
  if (f.field == "school") {
    const std::string code = After(f.value, "schools/");
    if (code.size() != 10 || code.find_first_not_of("0123456789") != std::string::npos) return BadValue(f);
    return "x.school_code = " + tx.quote(code);
  }
  if (f.field == "scheme") {
    const std::string id = After(f.value, "evaluationSchemes/");
    if (id.empty()) return BadValue(f);
    return "x.scheme_id = " + tx.quote(id);
  }
  if (f.field == "component_id") return "x.component_id = " + tx.quote(f.value);
  if (f.field == "school_year") {
    int year = 0;
    if (!absl::SimpleAtoi(Absl(f.value), &year)) return BadValue(f);
    return "x.school_year = " + std::to_string(year);
  }
  if (f.field == "state") {
    GT_ASSIGN_OR_RETURN(int state, EnumValue<av1::FilingState>(f, av1::FilingState_Parse));
    return std::string(state == av1::FILING_STATE_FILED ? "" : "NOT ") + "x.filed";
  }
  if (f.field == "late") {
    if (f.value != "true" && f.value != "false") return BadValue(f);
    return std::string(f.value == "true" ? "" : "NOT ") + "x.late";
  }
  if (f.field == "region_code") return "c.region_code LIKE " + tx.quote(f.value + "%");
  (void)t;
  return BadValue(f);
}

template <typename M>
absl::StatusOr<std::vector<M>> ListInputs(pg::Pool* pool, const Table& t, const EvaluationStore::InputQuery& q,
                                          const auth::Principal& who, pg::Deadline deadline) {
  std::vector<M> out;
  GT_RETURN_IF_ERROR(pool->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<std::string> where{ScopeSql(tx, t, who)};
    if (!q.show_deleted && t.soft_deleted) where.push_back("x.deleted_at IS NULL");
    for (const auto& f : q.filter) {
      GT_ASSIGN_OR_RETURN(std::string sql, TermSql(tx, t, f));
      where.push_back(sql);
    }
    std::vector<std::string> order;
    for (const auto& o : q.order) {
      const std::string column = o.field == "school" ? "x.school_code" : "x." + o.field;  // school_year, component_id
      order.push_back(column + (o.descending ? " DESC" : ""));
    }
    order.push_back(std::string("x.") + t.id);
    for (const auto& row : tx.exec("SELECT " + Columns(t) + " WHERE " + absl::StrJoin(where, " AND ") +
                                   " ORDER BY " + absl::StrJoin(order, ", "))) {
      out.push_back(LocatedFrom<M>(t, row).item);
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

template <typename M>
absl::StatusOr<EvaluationStore::Located<M>> GetInput(pg::Pool* pool, const Table& t, const std::string& id,
                                                     pg::Deadline deadline) {
  EvaluationStore::Located<M> out;
  GT_RETURN_IF_ERROR(pool->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(out, LoadInput<M>(tx, t, id, false));
    return absl::OkStatus();
  }, deadline));
  return out;
}

// The shared shape of an edit: replay, lock and load, check access, etag and
// editability, apply `change` (which returns the new message and writes its
// columns), record the answer.
template <typename M>
absl::StatusOr<M> EditInput(pg::Pool* pool, const Table& t, InputKind kind, const std::string& id,
                            const std::string& etag, const std::vector<std::string>& paths, bool deleting,
                            const EvaluationStore::Check<M>& check, const pg::WriteContext& w,
                            const std::function<absl::StatusOr<M>(pqxx::transaction_base&, M)>& change) {
  M out;
  GT_RETURN_IF_ERROR(pool->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<M>(tx, w));
    if (replay) {
      out = *replay;
      return absl::OkStatus();
    }
    GT_ASSIGN_OR_RETURN(auto stored, LoadInput<M>(tx, t, id, true));
    GT_RETURN_IF_ERROR(check(stored));
    if (stored.deleted && deleting) {  // already deleted: gone
      return ErrorBuilder(absl::StatusCode::kNotFound, "NOT_FOUND")
          .Message(std::string(t.collection) + "/" + id + " is already deleted")
          .Zh(std::string(t.zh) + "已删除：" + id)
          .Field("name", "deleted");
    }
    if (!etag.empty() && etag != stored.item.etag()) return StaleEtag(etag, stored.item.etag());
    GT_RETURN_IF_ERROR(InputEditable(kind, stored.deleted, stored.filed, stored.used_by_finalised_run));
    M next = stored.item;
    next.set_etag(std::to_string(std::stoll(stored.item.etag()) + 1));
    *next.mutable_audit()->mutable_update_time() = NowSeconds();
    *next.mutable_audit()->mutable_updater() = w.actor;
    GT_ASSIGN_OR_RETURN(out, change(tx, std::move(next)));
    gongtong::events::v1::EvaluationInputChanged event;
    event.set_name(out.name());
    event.set_school(out.school());
    event.set_community(out.community());
    event.set_school_year(out.school_year());
    event.set_deleted(out.audit().has_delete_time());
    for (const auto& p : paths) event.mutable_changed_fields()->add_paths(p);
    *event.mutable_actor() = w.actor;
    events::AppendToOutbox(tx, events::StreamFor("assessment"),
                           events::MakeEvent("assessment", "evaluation_input", out.name(), std::stoll(out.etag()), event,
                                             w.correlation_id));
    pg::RecordResponse(tx, w.method, w.request_id, out.SerializeAsString());
    return absl::OkStatus();
  }, w.deadline));
  return out;
}

// Soft delete: deleted_at and the body, as of now.
template <typename M>
absl::StatusOr<M> SoftDelete(pqxx::transaction_base& tx, const Table& t, const std::string& id, M m) {
  *m.mutable_audit()->mutable_delete_time() = NowSeconds();
  tx.exec_params(std::string("UPDATE ") + t.table + " SET deleted_at = now(), body = $2, version = version + 1, "
                     "updated_at = now() WHERE " + t.id + " = $1",
                 id, Bytes(m.SerializeAsString()));
  return m;
}

// A scheme's component for recomputing a total (the stored input's scheme is
// published or superseded, so immutable).
absl::StatusOr<av1::SchemeComponent> ComponentOf(pqxx::transaction_base& tx, const std::string& scheme_name,
                                                 const std::string& component_id) {
  av1::EvaluationScheme scheme;
  if (scheme_name == kDefaultSchemeName) {
    scheme = DefaultScheme();
  } else {
    auto rows = tx.exec_params("SELECT body FROM eval_schemes WHERE scheme_id = $1",
                               After(scheme_name, "evaluationSchemes/"));
    if (!rows.empty()) scheme = ParseBody<av1::EvaluationScheme>(rows[0][0]);
  }
  GT_ASSIGN_OR_RETURN(const av1::SchemeComponent* c, ComponentForInput(scheme, component_id, "name"));
  return *c;
}

// A self-assessment or review score with its total recomputed from its
// scores (ScoreTotal, INVALID_ARGUMENT naming `field`), stored.
template <typename M>
absl::StatusOr<M> Rescored(pqxx::transaction_base& tx, const Table& t, const std::string& id, M m,
                           const std::string& field, bool complete) {
  GT_ASSIGN_OR_RETURN(av1::SchemeComponent c, ComponentOf(tx, m.scheme(), m.component_id()));
  GT_ASSIGN_OR_RETURN(Decimal total, ScoreTotal(c, m.scores(), field, complete));
  m.mutable_total()->set_value(total.ToString());
  tx.exec_params(std::string("UPDATE ") + t.table + " SET total = $2, body = $3, version = version + 1, updated_at = "
                     "now() WHERE " + t.id + " = $1",
                 id, total.ToString(), Bytes(m.SerializeAsString()));
  return m;
}

}  // namespace

absl::StatusOr<EvaluationStore::Located<av1::Declaration>> EvaluationStore::GetDeclaration(const std::string& id,
                                                                                           pg::Deadline deadline) {
  return GetInput<av1::Declaration>(pool_, kDeclarations, id, deadline);
}
absl::StatusOr<EvaluationStore::Located<av1::SelfAssessment>> EvaluationStore::GetSelfAssessment(
    const std::string& id, pg::Deadline deadline) {
  return GetInput<av1::SelfAssessment>(pool_, kSelfAssessments, id, deadline);
}
absl::StatusOr<EvaluationStore::Located<av1::ReviewScore>> EvaluationStore::GetReviewScore(const std::string& id,
                                                                                           pg::Deadline deadline) {
  return GetInput<av1::ReviewScore>(pool_, kReviewScores, id, deadline);
}

absl::StatusOr<std::vector<av1::Declaration>> EvaluationStore::ListDeclarations(const InputQuery& q,
                                                                                const auth::Principal& who,
                                                                                pg::Deadline deadline) {
  return ListInputs<av1::Declaration>(pool_, kDeclarations, q, who, deadline);
}
absl::StatusOr<std::vector<av1::SelfAssessment>> EvaluationStore::ListSelfAssessments(const InputQuery& q,
                                                                                      const auth::Principal& who,
                                                                                      pg::Deadline deadline) {
  return ListInputs<av1::SelfAssessment>(pool_, kSelfAssessments, q, who, deadline);
}
absl::StatusOr<std::vector<av1::ReviewScore>> EvaluationStore::ListReviewScores(const InputQuery& q,
                                                                                const auth::Principal& who,
                                                                                pg::Deadline deadline) {
  return ListInputs<av1::ReviewScore>(pool_, kReviewScores, q, who, deadline);
}

absl::StatusOr<av1::Declaration> EvaluationStore::UpdateDeclaration(const std::string& id,
                                                                    const av1::Declaration& patch,
                                                                    const std::vector<std::string>& paths,
                                                                    const Check<av1::Declaration>& check,
                                                                    const pg::WriteContext& w) {
  return EditInput<av1::Declaration>(
      pool_, kDeclarations, InputKind::kDeclaration, id, patch.etag(), paths, false, check, w,
      [&](pqxx::transaction_base& tx, av1::Declaration d) -> absl::StatusOr<av1::Declaration> {
        for (const auto& p : paths) {
          if (p == "title") d.set_title(patch.title());
          if (p == "description") d.set_description(patch.description());
          if (p == "document") *d.mutable_document() = patch.document();
        }
        if (d.title().empty()) return InvalidField("declaration.title", "required", "申报名称必填");
        tx.exec_params("UPDATE eval_declarations SET body = $2, version = version + 1, updated_at = now() WHERE "
                       "declaration_id = $1",
                       id, Bytes(d.SerializeAsString()));
        return d;
      });
}

absl::StatusOr<av1::Declaration> EvaluationStore::DeleteDeclaration(const std::string& id, const std::string& etag,
                                                                    const Check<av1::Declaration>& check,
                                                                    const pg::WriteContext& w) {
  return EditInput<av1::Declaration>(pool_, kDeclarations, InputKind::kDeclaration, id, etag, {}, true, check, w,
                                     [&](pqxx::transaction_base& tx, av1::Declaration d) {
                                       return SoftDelete(tx, kDeclarations, id, std::move(d));
                                     });
}

absl::StatusOr<av1::SelfAssessment> EvaluationStore::UpdateSelfAssessment(const std::string& id,
                                                                          const av1::SelfAssessment& patch,
                                                                          const std::vector<std::string>& paths,
                                                                          const Check<av1::SelfAssessment>& check,
                                                                          const pg::WriteContext& w) {
  return EditInput<av1::SelfAssessment>(
      pool_, kSelfAssessments, InputKind::kSelfAssessment, id, patch.etag(), paths, false, check, w,
      [&](pqxx::transaction_base& tx, av1::SelfAssessment sa) -> absl::StatusOr<av1::SelfAssessment> {
        for (const auto& p : paths) {
          if (p == "scores") *sa.mutable_scores() = patch.scores();
          if (p == "report") *sa.mutable_report() = patch.report();
        }
        return Rescored(tx, kSelfAssessments, id, std::move(sa), "self_assessment.scores", false);
      });
}

absl::StatusOr<av1::ReviewScore> EvaluationStore::UpdateReviewScore(const std::string& id,
                                                                    const av1::ReviewScore& patch,
                                                                    const std::vector<std::string>& paths,
                                                                    const Check<av1::ReviewScore>& check,
                                                                    const pg::WriteContext& w) {
  return EditInput<av1::ReviewScore>(
      pool_, kReviewScores, InputKind::kReviewScore, id, patch.etag(), paths, false, check, w,
      [&](pqxx::transaction_base& tx, av1::ReviewScore rs) -> absl::StatusOr<av1::ReviewScore> {
        for (const auto& p : paths) {
          if (p == "scores") *rs.mutable_scores() = patch.scores();
          if (p == "method") rs.set_method(patch.method());
          if (p == "reviewers") *rs.mutable_reviewers() = patch.reviewers();
          if (p == "review_date") *rs.mutable_review_date() = patch.review_date();
        }
        if (rs.method() == av1::REVIEW_METHOD_UNSPECIFIED || !av1::ReviewMethod_IsValid(rs.method())) {
          return InvalidField("review_score.method", "required", "评审方式必填");
        }
        return Rescored(tx, kReviewScores, id, std::move(rs), "review_score.scores", true);
      });
}

absl::StatusOr<av1::ReviewScore> EvaluationStore::DeleteReviewScore(const std::string& id, const std::string& etag,
                                                                    const Check<av1::ReviewScore>& check,
                                                                    const pg::WriteContext& w) {
  return EditInput<av1::ReviewScore>(pool_, kReviewScores, InputKind::kReviewScore, id, etag, {}, true, check, w,
                                     [&](pqxx::transaction_base& tx, av1::ReviewScore rs) {
                                       return SoftDelete(tx, kReviewScores, id, std::move(rs));
                                     });
}

absl::StatusOr<std::vector<av1::EvaluationRun>> EvaluationStore::ListRuns(const std::vector<api::FilterTerm>& filter,
                                                                         bool newest_first,
                                                                         const std::string& region_prefix,
                                                                         pg::Deadline deadline) {
  std::vector<av1::EvaluationRun> out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    std::vector<std::string> where{"region_code LIKE " + tx.quote(region_prefix + "%")};
    for (const auto& f : filter) {
      if (f.field == "region_code") {
        where.push_back(f.op == ":" ? "region_code LIKE " + tx.quote(f.value + "%") : "region_code = " + tx.quote(f.value));
      } else if (f.field == "school_year") {
        int year = 0;
        if (!absl::SimpleAtoi(Absl(f.value), &year)) return BadValue(f);
        where.push_back("school_year = " + std::to_string(year));
      } else {
        GT_ASSIGN_OR_RETURN(int state, EnumValue<av1::RunState>(f, av1::RunState_Parse));
        where.push_back("state = " + std::to_string(state));
      }
    }
    const std::string dir = newest_first ? " DESC" : "";
    for (const auto& row : tx.exec("SELECT body, state, version FROM eval_runs WHERE " + absl::StrJoin(where, " AND ") +
                                   " ORDER BY created_at" + dir + ", run_id" + dir)) {
      auto run = ParseBody<av1::EvaluationRun>(row[0]);
      run.set_state(static_cast<av1::RunState>(row[1].as<int>()));
      run.set_etag(std::to_string(row[2].as<int64_t>()));
      out.push_back(std::move(run));
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

absl::StatusOr<EvaluationStore::SubmissionFacts> EvaluationStore::LoadSubmissionFacts(Scope scope,
                                                                                      const std::string& key,
                                                                                      int school_year,
                                                                                      const std::string& scheme_name,
                                                                                      pg::Deadline deadline) {
  SubmissionFacts out;
  GT_RETURN_IF_ERROR(pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    const std::string where = scope == Scope::kRegion      ? "region_code LIKE " + tx.quote(key + "%")
                              : scope == Scope::kCommunity ? "community_id = " + tx.quote(key)
                                                           : "(core_school_code = " + tx.quote(key) + " OR " +
                                                                 tx.quote(key) + " = ANY (member_school_codes))";
    std::vector<std::string> ids;
    for (const auto& row :
         tx.exec(std::string("SELECT ") + kCommunityFactColumns + " WHERE NOT deleted AND " + where +
                 " ORDER BY community_id")) {
      CommunityFact c = CommunityFactFrom(row);
      ids.push_back(c.community_id);
      out.communities.push_back(std::move(c));
    }
    if (scope == Scope::kCommunity && ids.empty()) {
      return ErrorBuilder(absl::StatusCode::kNotFound, "COMMUNITY_UNKNOWN")
          .Message("communities/" + key + " is not a live community")
          .Zh("共同体不存在或已删除：" + key)
          .Field("scope", "not found");
    }
    // The scheme: the one named (published or superseded), else the one in
    // force for the scope's region.
    const std::string region = scope == Scope::kRegion ? key
                               : out.communities.empty() ? ""
                                                         : out.communities.front().region_code;
    if (!scheme_name.empty() && scheme_name != kDefaultSchemeName) {
      auto rows = tx.exec_params("SELECT body, scheme_version, state FROM eval_schemes WHERE scheme_id = $1 AND "
                                 "state IN (2, 3)",
                                 After(scheme_name, "evaluationSchemes/"));
      if (rows.empty()) {
        return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHEME_NOT_PUBLISHED")
            .Message(scheme_name + " is not a published scheme")
            .Zh("考核评价方案不存在或尚未发布")
            .Field("scheme", "not published");
      }
      out.scheme = ParseBody<av1::EvaluationScheme>(rows[0][0]);
      out.scheme.set_name(scheme_name);
    } else if (scheme_name == kDefaultSchemeName) {
      out.scheme = DefaultScheme();
    } else {
      std::vector<av1::EvaluationScheme> stored;
      for (const auto& row : tx.exec_params("SELECT scheme_id, body, scheme_version FROM eval_schemes WHERE state = 2 "
                                            "AND $1 LIKE region_code || '%'",
                                            region)) {
        auto s = ParseBody<av1::EvaluationScheme>(row[1]);
        s.set_name("evaluationSchemes/" + row[0].as<std::string>());
        s.set_version(row[2].as<int>());
        s.set_state(av1::SCHEME_STATE_PUBLISHED);
        stored.push_back(std::move(s));
      }
      out.scheme = *SelectScheme(stored, region, school_year);
    }
    if (ids.empty()) return absl::OkStatus();
    std::vector<std::string> quoted;
    for (const auto& id : ids) quoted.push_back(tx.quote(id));
    const std::string in = "community_id IN (" + absl::StrJoin(quoted, ", ") + ") AND school_year = " +
                           std::to_string(school_year);
    for (const auto& row : tx.exec("SELECT community_id, school_code, declaration_id, filed, kind, body FROM "
                                   "eval_declarations WHERE deleted_at IS NULL AND " + in +
                                   " ORDER BY filed DESC, declaration_id")) {
      const std::string k = row[0].as<std::string>() + "/" + row[1].as<std::string>();
      if (out.declarations.count(k)) continue;  // a filed one first
      FiledInput f;
      f.name = "declarations/" + row[2].as<std::string>();
      f.filed = row[3].as<bool>();
      f.declared = static_cast<av1::DeclarationKind>(row[4].as<int>());
      f.filing = ParseBody<av1::Declaration>(row[5]).filing();
      out.declarations[k] = std::move(f);
    }
    const std::string scheme_id = After(out.scheme.name(), "evaluationSchemes/");
    for (const auto& row : tx.exec("SELECT community_id, school_code, component_id, self_assessment_id, filed, body "
                                   "FROM eval_self_assessments WHERE scheme_id = " + tx.quote(scheme_id) + " AND " +
                                   in)) {
      FiledInput f;
      f.name = "selfAssessments/" + row[3].as<std::string>();
      f.filed = row[4].as<bool>();
      f.filing = ParseBody<av1::SelfAssessment>(row[5]).filing();
      out.self_assessments[row[0].as<std::string>() + "/" + row[1].as<std::string>() + "/" +
                           row[2].as<std::string>()] = std::move(f);
    }
    return absl::OkStatus();
  }, deadline));
  return out;
}

}  // namespace gongtong::assessment
