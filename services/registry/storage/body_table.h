#pragma once
// The tables that keep a resource as its serialized body beside a text id,
// a version, timestamps and display_name, listed by display_name then id
// (party_joint_buildings, secretary_studios): their reads, and the write
// paths of BodyStore (storage/body_store.h) parameterised by a BodyResource.
// Internal to storage/.

#include <functional>
#include <string>
#include <string_view>

#include <pqxx/binarystring>
#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "common/status/error.h"
#include "registry/storage/body_store.h"
#include "registry/storage/page_fetch.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/roster_table.h"
#include "registry/storage/roster_write.h"
#include "registry/storage/row_codec.h"

namespace gongtong::registry {

struct BodyTable {
  std::string table;      // e.g. "secretary_studios"
  std::string alias;      // e.g. "s"; the filter's SQL uses it
  std::string id_column;  // e.g. "studio_id"
  std::function<std::string(std::string_view id)> name_of;  // id → resource name
};

// Row layout: id, body, version, created/updated/deleted epochs, display_name.
std::string BodyColumns(const BodyTable& t);
// The row of `id` (none when absent), locked FOR UPDATE when asked.
pqxx::result SelectBody(pqxx::transaction_base& tx, const BodyTable& t, const std::string& id, bool lock);

// The message of a row: its body, its name, etag (the version) and audit.
template <typename M>
M BodyFromRow(const BodyTable& t, const pqxx::row& row) {
  M m;
  pqxx::binarystring body(row[1]);
  m.ParseFromString(body.str());
  m.set_name(t.name_of(row[0].as<std::string>()));
  m.set_etag(row[2].as<std::string>());
  FillAudit(m.mutable_audit(), row, 3);
  return m;
}

// The SQL and paging of one page: `b` holds the filter's conditions; the
// page is ordered by display_name then id (q.order: display_name [desc]).
struct BodyPageQuery {
  std::string sql;
  std::vector<std::string> params;
  std::string count_sql;
  std::vector<std::string> count_params;
};
absl::StatusOr<BodyPageQuery> BodyPageSql(const BodyTable& t, roster::SqlBuilder b, const RosterListQuery& q);

// One page of `t` (deleted rows only with q.show_deleted).
template <typename M>
absl::StatusOr<RosterPage<M>> ListBodies(pg::Pool& pool, const BodyTable& t, roster::SqlBuilder b,
                                         const RosterListQuery& q, pg::Deadline deadline) {
  GT_ASSIGN_OR_RETURN(BodyPageQuery page_sql, BodyPageSql(t, std::move(b), q));
  RosterPage<M> page;
  GT_ASSIGN_OR_RETURN(FetchedPage fetched,
                      FetchPage(
                          pool, page_sql.sql, page_sql.params, q.limit, page_sql.count_sql,
                          page_sql.count_params,
                          [&](const pqxx::row& row) {
                            page.items.push_back(BodyFromRow<M>(t, row));
                            page.last_key = {row[6].as<std::string>(), row[0].as<std::string>()};
                          },
                          deadline));
  page.more = fetched.more;
  if (q.count_total) page.total = fetched.total;
  return page;
}

// What differs between two body tables' stores: the table, how NOT_FOUND
// names it, the filter, the facts a check needs, how a row is written and
// how the change is recorded.
template <typename M, typename Facts>
struct BodyResource {
  BodyTable table;
  std::string what_zh;           // e.g. "书记工作室"
  std::string not_found_reason;  // e.g. "SECRETARY_STUDIO_NOT_FOUND"
  // The filter's conditions, on table.alias.
  std::function<absl::Status(const std::vector<api::FilterTerm>& terms, roster::SqlBuilder* b)> filter;
  // The facts the check decides with, loaded in the write's transaction.
  std::function<Facts(pqxx::transaction_base&, const M& before, const M& after)> facts;
  // Inserts the new row (name and audit set): ALREADY_EXISTS when the id
  // (ids are not reused, also after deletion) or a live natural key is taken.
  std::function<absl::Status(pqxx::transaction_base&, const std::string& id, const M& m, const Facts& facts)> insert;
  // Rewrites the row (version + 1, deleted_at per `deleted`); may refuse a
  // live natural key another row holds.
  std::function<absl::Status(pqxx::transaction_base&, const std::string& id, roster::ChangeKind kind, const M& m,
                             bool deleted, const Facts& facts)>
      update;
  std::function<void(pqxx::transaction_base&, roster::ChangeKind, const M& m, const std::vector<std::string>& paths,
                     const Facts& facts, const WriteContext&)>
      record;
};

// BodyStore's members; each user instantiates its own
// (template class BodyStore<M, Facts>;).
template <typename M, typename Facts>
absl::StatusOr<M> BodyStore<M, Facts>::Get(const std::string& id, pg::Deadline deadline) {
  M out;
  absl::Status s = pool_->Transact(
      [&](pqxx::transaction_base& tx) -> absl::Status {
        auto rows = SelectBody(tx, r_->table, id, false);
        if (rows.empty()) return roster::NotFound(r_->not_found_reason.c_str(), r_->table.name_of(id), r_->what_zh);
        out = BodyFromRow<M>(r_->table, rows[0]);
        return absl::OkStatus();
      },
      deadline);
  if (!s.ok()) return s;
  return out;
}

template <typename M, typename Facts>
absl::StatusOr<RosterPage<M>> BodyStore<M, Facts>::List(const RosterListQuery& q, pg::Deadline deadline) {
  roster::SqlBuilder b;
  GT_RETURN_IF_ERROR(r_->filter(q.filter, &b));
  return ListBodies<M>(*pool_, r_->table, std::move(b), q, deadline);
}

template <typename M, typename Facts>
absl::StatusOr<M> BodyStore<M, Facts>::Create(const std::string& id, const M& input, const Check& check,
                                              const WriteContext& ctx) {
  return roster::Idempotent<M>(*pool_, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<M> {
    M m = input;
    m.set_name(r_->table.name_of(id));
    const Facts facts = r_->facts(tx, M(), m);
    GT_RETURN_IF_ERROR(check(M(), m, false, facts));
    *m.mutable_audit()->mutable_creator() = ctx.actor;
    *m.mutable_audit()->mutable_updater() = ctx.actor;
    GT_RETURN_IF_ERROR(r_->insert(tx, id, m, facts));
    M created = BodyFromRow<M>(r_->table, SelectBody(tx, r_->table, id, false)[0]);
    r_->record(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, created, {}, facts, ctx);
    return created;
  });
}

template <typename M, typename Facts>
absl::StatusOr<M> BodyStore<M, Facts>::Mutate(const std::string& id, const std::string& expected_etag,
                                              roster::ChangeKind kind, const std::vector<std::string>& changed_paths,
                                              const Mutation& mutate, const Check& check, const WriteContext& ctx) {
  return roster::Idempotent<M>(*pool_, ctx, [&](pqxx::transaction_base& tx) -> absl::StatusOr<M> {
    auto rows = SelectBody(tx, r_->table, id, true);
    if (rows.empty()) return roster::NotFound(r_->not_found_reason.c_str(), r_->table.name_of(id), r_->what_zh);
    const M before = BodyFromRow<M>(r_->table, rows[0]);
    M m = before;
    bool deleted = before.audit().has_delete_time();
    const bool was_deleted = deleted;
    GT_RETURN_IF_ERROR(mutate(m, deleted));
    const Facts facts = r_->facts(tx, before, m);
    GT_RETURN_IF_ERROR(check(before, m, was_deleted, facts));
    if (!expected_etag.empty() && expected_etag != before.etag()) return roster::Stale(expected_etag, before.etag());
    *m.mutable_audit()->mutable_updater() = ctx.actor;
    GT_RETURN_IF_ERROR(r_->update(tx, id, kind, m, deleted, facts));
    M result = BodyFromRow<M>(r_->table, SelectBody(tx, r_->table, id, false)[0]);
    r_->record(tx, kind, result, changed_paths, facts, ctx);
    return result;
  });
}

}  // namespace gongtong::registry
