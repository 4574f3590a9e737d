#include "registry/storage/change_feed.h"
#include "registry/storage/row_codec.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"

namespace gongtong::registry {

const std::vector<api::FilterField>& ChangeFilterFields() {
  static const auto* kFields = new std::vector<api::FilterField>{
      {"resource_type", {"=", "!="}}, {"region_code", {":"}}, {"school_code", {"="}}};
  return *kFields;
}

absl::StatusOr<ChangeBatch> ChangeFeed::Read(const ChangeQuery& q, pg::Deadline deadline) {
  std::vector<std::string> where = {"sequence > $1"};
  std::vector<std::string> params = {std::to_string(q.after_sequence)};
  auto param = [&](std::string v) {
    params.push_back(std::move(v));
    return absl::StrCat("$", params.size());
  };
  for (const auto& t : q.filter) {
    if (t.field == "resource_type") {
      gongtong::registry::v1::ResourceType type;
      if (!gongtong::registry::v1::ResourceType_Parse(t.value, &type)) {
        return InvalidField("filter", "resource_type must be a ResourceType name, e.g. RESOURCE_TYPE_SCHOOL",
                            "资源类型筛选值无效");
      }
      where.push_back(absl::StrCat("resource_type ", t.op, " ", param(std::to_string(type)), "::smallint"));
    } else if (t.field == "region_code") {
      where.push_back(absl::StrCat("starts_with(region_code, ", param(t.value), ")"));
    } else if (t.field == "school_code") {
      where.push_back(absl::StrCat("school_code = ", param(t.value)));
    }
  }
  if (!q.region_scope.empty()) where.push_back(absl::StrCat("starts_with(region_code, ", param(q.region_scope), ")"));
  const std::string sql = absl::StrCat(
      "SELECT sequence, extract(epoch from commit_time)::float8, change FROM changes WHERE ",
      absl::StrJoin(where, " AND "), " ORDER BY sequence LIMIT ", q.limit + 1);
  ChangeBatch batch;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) -> absl::Status {
    batch = ChangeBatch();
    batch.last_sequence = q.after_sequence;
    auto rows = tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
    for (const auto& row : rows) {
      if (static_cast<int>(batch.changes.size()) == q.limit) break;
      gongtong::registry::v1::Change c;
      pqxx::binarystring bytes(row[2]);
      c.ParseFromString(bytes.str());
      c.set_sequence(row[0].as<int64_t>());
      *c.mutable_commit_time() = FromEpoch(row[1].as<double>());
      batch.last_sequence = c.sequence();
      batch.changes.push_back(std::move(c));
    }
    batch.caught_up = static_cast<int>(rows.size()) <= q.limit;
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return batch;
}

absl::StatusOr<int64_t> ChangeFeed::Head(pg::Deadline deadline) {
  int64_t head = 0;
  absl::Status s = pool_->Transact([&](pqxx::transaction_base& tx) {
    head = tx.exec1("SELECT coalesce(max(sequence), 0) FROM changes")[0].as<int64_t>();
    return absl::OkStatus();
  }, deadline);
  if (!s.ok()) return s;
  return head;
}

}  // namespace gongtong::registry
