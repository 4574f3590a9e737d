#pragma once
// Reads the change feed (table `changes`, written by RecordChange) for
// ListChanges: changes after a sequence number, in commit order.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/api/list_request.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"

namespace gongtong::registry {

struct ChangeQuery {
  int64_t after_sequence = 0;
  int limit = 100;
  std::vector<api::FilterTerm> filter;  // ChangeFilterFields()
  std::string region_scope;             // region-code prefix ("" = all)
};

struct ChangeBatch {
  std::vector<gongtong::registry::v1::Change> changes;
  int64_t last_sequence = 0;  // of the last change returned, else after_sequence
  bool caught_up = false;
};

const std::vector<api::FilterField>& ChangeFilterFields();

class ChangeFeed {
 public:
  explicit ChangeFeed(pg::Pool* pool) : pool_(pool) {}
  absl::StatusOr<ChangeBatch> Read(const ChangeQuery& query, pg::Deadline deadline);
  // The newest sequence (0 when the feed is empty).
  absl::StatusOr<int64_t> Head(pg::Deadline deadline);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::registry
