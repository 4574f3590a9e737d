#pragma once
// How every registry store maps a resource to and from its row: the message
// itself lives in a `body` column without its output-only fields, which are
// rebuilt from columns on read (name, etag = version, audit times from
// epoch-second columns).

#include <string>

#include <pqxx/pqxx>

#include "gongtong/common/v1/audit.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace gongtong::registry {

google::protobuf::Timestamp FromEpoch(double seconds);

// Fills create/update/delete times from the three float8 epoch columns
// starting at `first` (created_at, updated_at, deleted_at — the last may be NULL).
void FillAudit(gongtong::common::v1::AuditInfo* audit, const pqxx::row& row, int first);

// What is stored in `body`: `m` without name, etag and audit times.
template <typename M>
std::string StoredBody(M m) {
  m.clear_name();
  m.clear_etag();
  m.mutable_audit()->clear_create_time();
  m.mutable_audit()->clear_update_time();
  m.mutable_audit()->clear_delete_time();
  std::string out;
  m.SerializeToString(&out);
  return out;
}

}  // namespace gongtong::registry
