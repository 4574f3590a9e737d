#pragma once
// The table mechanics shared by the roster stores (classes, classrooms,
// teachers): each table has key columns, a `school_code` column, derived
// columns that lists filter and sort on, and the stored message in `body`
// (row_codec.h). Every read joins the row's school for its region.
//
// Row layout of Select(): the key columns, body, version, created_at,
// updated_at, deleted_at (epoch seconds), the school's region code and
// whether the school is deleted, then any extra columns the caller asked for.

#include <map>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"
#include "google/protobuf/message.h"
#include "registry/storage/change_log.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry::roster {

struct TableSpec {
  std::string table;             // e.g. "school_classes"
  std::vector<std::string> key;  // e.g. {"school_code", "class_id"}
};

// A derived column and its value (text, converted with `cast`).
struct Column {
  std::string name;
  std::string value;
  std::string cast;  // e.g. "::smallint"; "" for text
};

// Offsets in a Select() row.
inline int BodyAt(const TableSpec& t) { return static_cast<int>(t.key.size()); }
inline int RegionAt(const TableSpec& t) { return static_cast<int>(t.key.size()) + 5; }
inline int ExtraAt(const TableSpec& t) { return static_cast<int>(t.key.size()) + 7; }

// The last segment of a resource name; the code of "schools/{code}" ("" when
// malformed).
std::string IdOf(const std::string& name);
std::string CodeOf(const std::string& school_name);

// Parses the body and fills etag and audit times of `m` from `row`.
void Decode(const TableSpec& t, const pqxx::row& row, google::protobuf::Message* m);

// SELECT ... FROM <table> x JOIN schools s, with `extra` appended.
std::string Select(const TableSpec& t, const std::string& extra = "");

// The row of `keys` (empty result when none); FOR UPDATE OF x when `lock`.
pqxx::result ByKey(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys, bool lock);

// INSERT … ON CONFLICT DO NOTHING; false when a unique key was taken.
bool Insert(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys,
            const std::vector<Column>& columns, const std::string& body);

// Writes a changed row: its columns, body, version + 1, updated_at, and
// deleted_at per `deleted` (kept when already deleted).
void Update(pqxx::transaction_base& tx, const TableSpec& t, const std::vector<std::string>& keys,
            const std::vector<Column>& columns, const std::string& body, bool deleted);

// The school of a roster write, locked against deletion (FOR SHARE).
struct SchoolState {
  bool exists = false;
  bool deleted = false;
  std::string region;
  std::vector<gongtong::common::v1::SchoolStage> stages;
};
SchoolState LockSchool(pqxx::transaction_base& tx, const std::string& code);
// LockSchool for many codes in one statement; unknown codes are absent.
std::map<std::string, SchoolState> LockSchools(pqxx::transaction_base& tx, const std::set<std::string>& codes);

// "(e1, e2) IN (SELECT * FROM unnest($1::text[], $2::smallint[]))" for
// `tuples` (values of `exprs`, of the types `casts`, "" for text), one array
// per column appended to `params`; "false" when none.
std::string TuplesIn(const std::vector<std::string>& exprs, const std::vector<std::string>& casts,
                     const std::vector<std::vector<std::string>>& tuples, std::vector<std::string>* params);

// ---- lists ----------------------------------------------------------------

// WHERE terms and their parameters.
struct SqlBuilder {
  std::vector<std::string> where, params;
  std::string Param(std::string v);
};

// A sort field: its SQL expression and the cast of a page-token value.
struct SortColumn {
  std::string field;
  std::string expr;
  std::string cast;
};

struct ListSpec {
  std::vector<std::string> after;  // sort-key values of the last row seen
  int limit = 50;
  bool count_total = false;
  bool descending = false;
};

struct ListedPage {
  std::vector<std::string> last_key;
  bool more = false;
  int64_t total = -1;
};

// One page of `t` filtered by `b` and sorted by `sort` (whose values of
// the last row become last_key); rows go to `take` in order.
absl::StatusOr<ListedPage> List(pg::Pool& pool, const TableSpec& t, SqlBuilder b, const std::vector<SortColumn>& sort,
                                const ListSpec& spec, const std::function<void(const pqxx::row&)>& take,
                                pg::Deadline deadline);

// The direction of an order_by (all fields alike, INVALID_ARGUMENT otherwise).
absl::StatusOr<bool> Descending(const std::vector<api::OrderField>& order);

// The common filters: region_code (: prefix, of the school) and the scope.
std::string LikePrefix(const std::string& v);

// ---- errors -----------------------------------------------------------------

absl::Status NotFound(const char* reason, const std::string& name, const std::string& zh_what);
absl::Status Stale(const std::string& expected, const std::string& now);
int64_t VersionOf(const std::string& etag);

// ---- change feed ------------------------------------------------------------

// Records a change of roster resource `m` (change.kind, resource_type,
// natural_key and changed_fields set by the caller): for DELETED a tombstone
// event Deleted{name, natural_key, delete_time, actor}, else
// Changed{resource, change_kind, changed_fields, natural_key, actor} and the
// resource in the feed row.
template <typename M, typename Changed, typename Deleted>
void RecordRosterChange(pqxx::transaction_base& tx, gongtong::registry::v1::Change change, const M& m,
                        M* (gongtong::registry::v1::Change::*feed_slot)(), M* (Changed::*event_slot)(),
                        const std::string& region, const std::string& school_code, const WriteContext& ctx) {
  change.set_name(m.name());
  *change.mutable_actor() = ctx.actor;
  const int64_t version = VersionOf(m.etag());
  change.set_version(version);
  if (change.kind() == gongtong::registry::v1::CHANGE_KIND_DELETED) {
    Deleted deleted;
    deleted.set_name(m.name());
    *deleted.mutable_natural_key() = change.natural_key();
    *deleted.mutable_delete_time() = m.audit().delete_time();
    *deleted.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, school_code, deleted, version, ctx.correlation_id);
  } else {
    *(change.*feed_slot)() = m;
    Changed changed;
    *(changed.*event_slot)() = m;
    changed.set_change_kind(change.kind());
    *changed.mutable_changed_fields() = change.changed_fields();
    *changed.mutable_natural_key() = change.natural_key();
    *changed.mutable_actor() = ctx.actor;
    RecordChange(tx, change, region, school_code, changed, version, ctx.correlation_id);
  }
}

}  // namespace gongtong::registry::roster
