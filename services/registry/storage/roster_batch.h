#pragma once
// Bulk import a batch at a time (ImportRows): the set-based look-ups of a
// batch's rows and the multi-row create path of roster resources. The
// checks and the change recorded per row are the single write's
// (roster_write.h: SchoolUsable, the caller's RosterCheck, Resource::record);
// only the statements are shared by the batch. Internal to storage/roster_*.cc.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "registry/storage/change_log.h"
#include "registry/storage/roster_write.h"

namespace gongtong::registry::roster {

// A row to create: its keys and resource (name and school set), the facts
// its check sees (loaded by the caller for the whole batch) and the check.
template <typename M, typename Facts>
struct NewRow {
  std::vector<std::string> keys;
  M resource;
  Facts facts;
  RosterCheck<M, Facts> check;
};

// CreateRowIn for many rows: each row's SchoolUsable (facts.school) and
// check as the single create; the rows that pass are inserted with one
// statement (a key taken meanwhile: ABORTED CONCURRENT_CREATE, as CreateRowIn),
// read back with one, and their changes recorded through one DeferredChanges.
// The caller makes sure no two rows share a natural key and none exists.
template <typename M, typename Facts>
std::vector<absl::StatusOr<M>> CreateRowsIn(pqxx::transaction_base& tx, const Resource<M, Facts>& r,
                                            const std::vector<NewRow<M, Facts>>& rows, const WriteContext& ctx) {
  std::vector<absl::StatusOr<M>> out(rows.size(), absl::UnknownError("not created"));
  std::vector<size_t> passed;
  std::vector<std::string> params, values;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::string code = r.school_of(rows[i].resource);
    if (absl::Status s = SchoolUsable(rows[i].facts.school, code, r.school_field); !s.ok()) {
      out[i] = s;
      continue;
    }
    M m = rows[i].resource;
    *m.mutable_audit()->mutable_creator() = ctx.actor;
    *m.mutable_audit()->mutable_updater() = ctx.actor;
    if (absl::Status s = rows[i].check(M(), m, false, rows[i].facts); !s.ok()) {
      out[i] = s;
      continue;
    }
    passed.push_back(i);
    std::vector<std::string> row;
    for (const auto& k : rows[i].keys) {
      params.push_back(k);
      row.push_back(absl::StrCat("$", params.size()));
    }
    for (const auto& c : r.columns(m)) {
      params.push_back(c.value);
      row.push_back(absl::StrCat("$", params.size(), c.cast));
    }
    params.push_back(absl::BytesToHexString(r.body(m)));
    row.push_back(absl::StrCat("decode($", params.size(), ", 'hex')"));
    values.push_back("(" + absl::StrJoin(row, ", ") + ")");
  }
  if (passed.empty()) return out;
  std::vector<std::string> names = r.table->key;
  for (const auto& c : r.columns(M())) names.push_back(c.name);
  names.push_back("body");
  auto inserted = tx.exec_params(absl::StrCat("INSERT INTO ", r.table->table, " (", absl::StrJoin(names, ", "),
                                              ") VALUES ", absl::StrJoin(values, ", "), " ON CONFLICT DO NOTHING ",
                                              "RETURNING ", absl::StrJoin(r.table->key, ", ")),
                                 pqxx::prepare::make_dynamic_params(params));
  std::vector<std::vector<std::string>> keys;
  for (const auto& row : inserted) {
    std::vector<std::string> k;
    for (const auto& field : row) k.push_back(field.template as<std::string>());
    keys.push_back(std::move(k));
  }
  std::vector<std::string> key_exprs, casts(r.table->key.size()), read_params;
  for (const auto& k : r.table->key) key_exprs.push_back("x." + k);
  std::map<std::vector<std::string>, M> created;
  const std::string read = absl::StrCat(Select(*r.table), " WHERE ", TuplesIn(key_exprs, casts, keys, &read_params));
  for (const auto& row : tx.exec_params(read, pqxx::prepare::make_dynamic_params(read_params))) {
    std::vector<std::string> k;
    for (size_t j = 0; j < r.table->key.size(); ++j) k.push_back(row[static_cast<int>(j)].template as<std::string>());
    created.emplace(std::move(k), r.from_row(row));
  }
  DeferredChanges changes(tx);
  for (size_t i : passed) {
    auto found = created.find(rows[i].keys);
    if (found == created.end()) {
      out[i] = ConcurrentCreate(r.name_of(rows[i].keys));
      continue;
    }
    r.record(tx, gongtong::registry::v1::CHANGE_KIND_CREATED, M(), found->second, {}, rows[i].facts.school, ctx);
    out[i] = found->second;
  }
  changes.Flush();
  return out;
}

}  // namespace gongtong::registry::roster
