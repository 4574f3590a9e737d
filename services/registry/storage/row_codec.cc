#include "registry/storage/row_codec.h"

#include "google/protobuf/util/time_util.h"

namespace gongtong::registry {

google::protobuf::Timestamp FromEpoch(double seconds) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(static_cast<int64_t>(seconds * 1e9));
}

void FillAudit(gongtong::common::v1::AuditInfo* audit, const pqxx::row& row, int first) {
  *audit->mutable_create_time() = FromEpoch(row[first].as<double>());
  *audit->mutable_update_time() = FromEpoch(row[first + 1].as<double>());
  if (!row[first + 2].is_null()) {
    *audit->mutable_delete_time() = FromEpoch(row[first + 2].as<double>());
  } else {
    audit->clear_delete_time();
  }
}

}  // namespace gongtong::registry
