#pragma once
// ListSchoolClasses, ListClassrooms and ListTeachers: their filter fields
// (school_requests.proto, teacher_requests.proto) as SQL over the roster
// tables (alias x) joined with schools (alias s), their sort columns, and
// the listing itself. Internal to storage/roster_*.cc.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/status/error.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/roster_table.h"

namespace gongtong::registry::roster {

using FilterSql = absl::Status (*)(const std::vector<api::FilterTerm>& terms, SqlBuilder* b);

absl::Status AddClassFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b);
absl::Status AddClassroomFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b);
absl::Status AddTeacherFilter(const std::vector<api::FilterTerm>& terms, SqlBuilder* b);

// The requested sort fields, then the rest of a unique key.
std::vector<SortColumn> ClassSort(const std::vector<api::OrderField>& order);
std::vector<SortColumn> ClassroomSort(const std::vector<api::OrderField>& order);
std::vector<SortColumn> TeacherSort(const std::vector<api::OrderField>& order);

// A page of `t` per `q`: parent school, deletion, region scope, filter.
template <typename M>
absl::StatusOr<RosterPage<M>> ListResource(pg::Pool& pool, const TableSpec& t,
                                           const std::function<M(const pqxx::row&)>& from_row, const RosterListQuery& q,
                                           FilterSql filter, const std::vector<SortColumn>& sort,
                                           pg::Deadline deadline) {
  SqlBuilder b;
  if (!q.school_code.empty()) b.where.push_back("x.school_code = " + b.Param(q.school_code));
  if (!q.show_deleted) b.where.push_back("x.deleted_at IS NULL");
  if (!q.region_scope.empty()) b.where.push_back("s.region_code LIKE " + b.Param(LikePrefix(q.region_scope)));
  GT_RETURN_IF_ERROR(filter(q.filter, &b));
  ListSpec spec;
  spec.after = q.after;
  spec.limit = q.limit;
  spec.count_total = q.count_total;
  GT_ASSIGN_OR_RETURN(spec.descending, Descending(q.order));
  RosterPage<M> page;
  GT_ASSIGN_OR_RETURN(ListedPage listed,
                      List(
                          pool, t, std::move(b), sort, spec,
                          [&](const pqxx::row& row) { page.items.push_back(from_row(row)); }, deadline));
  page.last_key = std::move(listed.last_key);
  page.more = listed.more;
  page.total = listed.total;
  return page;
}

}  // namespace gongtong::registry::roster
