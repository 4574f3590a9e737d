#pragma once
// The write and read paths every roster resource shares (classes,
// classrooms, teachers), parameterised by a Resource: how a row maps to the
// message, which columns it derives, which facts a check needs, which live
// uniqueness rule applies and how the change is recorded. Internal to
// storage/roster_*.cc.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/idempotency.h"
#include "common/status/error.h"
#include "registry/domain/school_rules.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/roster_table.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry::roster {

using gongtong::registry::v1::ChangeKind;

template <typename M, typename Facts>
struct Resource {
  const TableSpec* table = nullptr;
  std::string what_zh;           // e.g. "班级"
  std::string not_found_reason;  // e.g. "SCHOOL_CLASS_NOT_FOUND"
  std::string id_field;          // the create request's id field, e.g. "school_class_id"
  std::string school_field;      // the request field naming the school, e.g. "parent"
  std::function<M(const pqxx::row&)> from_row;
  std::function<std::string(const std::vector<std::string>& keys)> name_of;
  std::function<std::string(const M&)> school_of;
  std::function<std::vector<Column>(const M&)> columns;
  std::function<std::string(const M&)> body;
  std::function<Facts(pqxx::transaction_base&, const M& before, const M& after, const SchoolState& before_school,
                      const SchoolState& after_school)>
      facts;
  // A live `after` must not take a natural key another live row holds.
  std::function<absl::Status(pqxx::transaction_base&, const std::vector<std::string>& keys, const M& after,
                             ChangeKind kind)>
      unique;
  std::function<void(pqxx::transaction_base&, ChangeKind, const M& before, const M& after,
                     const std::vector<std::string>& paths, const SchoolState& school, const WriteContext&)>
      record;
};

// Runs `work` in one transaction with the request_id claim: a retry returns
// the first answer; a first call's answer is recorded for retries.
template <typename M>
absl::StatusOr<M> Idempotent(pg::Pool& pool, const WriteContext& ctx,
                             const std::function<absl::StatusOr<M>(pqxx::transaction_base&)>& work) {
  M out;
  absl::Status s = pool.Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, Replay<M>(tx, ctx));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        GT_ASSIGN_OR_RETURN(out, work(tx));
        pg::RecordResponse(tx, ctx.method, ctx.request_id, out.SerializeAsString());
        return absl::OkStatus();
      },
      ctx.deadline);
  if (!s.ok()) return s;
  return out;
}

inline absl::Status SchoolUsable(const SchoolState& school, const std::string& code, const std::string& field) {
  if (!school.exists) return NotFound("SCHOOL_NOT_FOUND", SchoolName(code), "学校");
  if (!school.deleted) return absl::OkStatus();
  return ErrorBuilder(absl::StatusCode::kFailedPrecondition, "SCHOOL_DELETED")
      .Message(SchoolName(code) + " is deleted; undelete it first")
      .Zh("该学校已删除")
      .Field(field, "the school is deleted");
}

// A unique key taken between the check and the insert.
inline absl::Status ConcurrentCreate(const std::string& name) {
  return ErrorBuilder(absl::StatusCode::kAborted, "CONCURRENT_CREATE")
      .Message(name + " was created concurrently; retry")
      .Zh("并发创建冲突，请重试");
}

template <typename M, typename Facts>
absl::StatusOr<RosterRecord<M>> GetRow(pg::Pool& pool, const Resource<M, Facts>& r,
                                       const std::vector<std::string>& keys, pg::Deadline deadline) {
  RosterRecord<M> out;
  absl::Status s = pool.Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        auto rows = ByKey(tx, *r.table, keys, false);
        if (rows.empty()) return NotFound(r.not_found_reason.c_str(), r.name_of(keys), r.what_zh);
        out.resource = r.from_row(rows[0]);
        out.school_region = rows[0][RegionAt(*r.table)].template as<std::string>();
        return absl::OkStatus();
      },
      deadline);
  if (!s.ok()) return s;
  return out;
}

// `input` is the resource to create, its name set. Runs in the caller's
// transaction (bulk import: a savepoint) without the request_id claim;
// CreateRow is the unary write.
template <typename M, typename Facts>
absl::StatusOr<M> CreateRowIn(pqxx::transaction_base& tx, const Resource<M, Facts>& r,
                              const std::vector<std::string>& keys, const M& input,
                              const RosterCheck<M, Facts>& check, const WriteContext& ctx) {
  const std::string code = r.school_of(input);
  const SchoolState school = LockSchool(tx, code);
  GT_RETURN_IF_ERROR(SchoolUsable(school, code, r.school_field));
  M m = input;
  *m.mutable_audit()->mutable_creator() = ctx.actor;
  *m.mutable_audit()->mutable_updater() = ctx.actor;
  GT_RETURN_IF_ERROR(check(M(), m, false, r.facts(tx, M(), m, school, school)));
  if (!ByKey(tx, *r.table, keys, false).empty()) {
    return ErrorBuilder(absl::StatusCode::kAlreadyExists, "ID_TAKEN")
        .Message(r.name_of(keys) + " exists (ids are not reused, also after deletion)")
        .Zh(r.what_zh + "编号已存在：" + keys.back())
        .Field(r.id_field, "already exists");
  }
  GT_RETURN_IF_ERROR(r.unique(tx, keys, m, gongtong::registry::v1::CHANGE_KIND_CREATED));
  if (!Insert(tx, *r.table, keys, r.columns(m), r.body(m))) return ConcurrentCreate(r.name_of(keys));
  M created = r.from_row(ByKey(tx, *r.table, keys, false)[0]);
  r.record(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, M(), created, {}, school, ctx);
  return created;
}

template <typename M, typename Facts>
absl::StatusOr<M> CreateRow(pg::Pool& pool, const Resource<M, Facts>& r, const std::vector<std::string>& keys,
                            const M& input, const RosterCheck<M, Facts>& check, const WriteContext& ctx) {
  return Idempotent<M>(pool, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<M> {
    return CreateRowIn(tx, r, keys, input, check, ctx);
  });
}

// The mutation inside the caller's transaction (see CreateRowIn).
template <typename M, typename Facts>
absl::StatusOr<M> MutateRowIn(pqxx::transaction_base& tx, const Resource<M, Facts>& r,
                              const std::vector<std::string>& keys, const std::string& expected_etag, ChangeKind kind,
                              const std::vector<std::string>& paths, const RosterMutation<M>& mutate,
                              const RosterCheck<M, Facts>& check, const WriteContext& ctx) {
  auto rows = ByKey(tx, *r.table, keys, true);
  if (rows.empty()) return NotFound(r.not_found_reason.c_str(), r.name_of(keys), r.what_zh);
  M m = r.from_row(rows[0]);
  const M before = m;
  bool deleted = m.audit().has_delete_time();
  const bool was_deleted = deleted;
  GT_RETURN_IF_ERROR(mutate(m, deleted));
  const SchoolState before_school = LockSchool(tx, r.school_of(before));
  const SchoolState after_school =
      r.school_of(m) == r.school_of(before) ? before_school : LockSchool(tx, r.school_of(m));
  GT_RETURN_IF_ERROR(check(before, m, was_deleted, r.facts(tx, before, m, before_school, after_school)));
  if (!expected_etag.empty() && expected_etag != before.etag()) return Stale(expected_etag, before.etag());
  if (!deleted) GT_RETURN_IF_ERROR(r.unique(tx, keys, m, kind));
  *m.mutable_audit()->mutable_updater() = ctx.actor;
  Update(tx, *r.table, keys, r.columns(m), r.body(m), deleted);
  M result = r.from_row(ByKey(tx, *r.table, keys, false)[0]);
  r.record(tx, kind, before, result, paths, after_school, ctx);
  return result;
}

template <typename M, typename Facts>
absl::StatusOr<M> MutateRow(pg::Pool& pool, const Resource<M, Facts>& r, const std::vector<std::string>& keys,
                            const std::string& expected_etag, ChangeKind kind, const std::vector<std::string>& paths,
                            const RosterMutation<M>& mutate, const RosterCheck<M, Facts>& check,
                            const WriteContext& ctx) {
  return Idempotent<M>(pool, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<M> {
    return MutateRowIn(tx, r, keys, expected_etag, kind, paths, mutate, check, ctx);
  });
}

// A live row holding the natural key: ALREADY_EXISTS naming `field`, or
// FAILED_PRECONDITION when the write is an undelete.
inline absl::Status KeyTaken(ChangeKind kind, const std::string& other, const std::string& field,
                             const std::string& zh) {
  const bool undelete = kind == gongtong::registry::v1::CHANGE_KIND_UNDELETED;
  return ErrorBuilder(undelete ? absl::StatusCode::kFailedPrecondition : absl::StatusCode::kAlreadyExists,
                      undelete ? "UNDELETE_CONFLICT" : "ALREADY_EXISTS")
      .Message(field + " is taken by live " + other)
      .Zh(zh)
      .Field(field, "taken by " + other);
}

}  // namespace gongtong::registry::roster
