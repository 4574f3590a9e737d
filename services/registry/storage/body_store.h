#pragma once
// The store of a resource kept as its serialized body beside a text id
// (storage/body_table.h: party_joint_buildings, secretary_studios). Every
// write runs in one transaction with its idempotency claim, its change-feed
// row and its outbox event; the caller's check decides with the facts the
// resource loads in that transaction. JointBuildingStore and StudioStore
// derive from it and say what differs (BodyResource).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "gongtong/registry/v1/change.pb.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

template <typename M, typename Facts>
struct BodyResource;  // storage/body_table.h

template <typename M, typename Facts>
class BodyStore {
 public:
  // NOT_FOUND when none (deleted ones are returned).
  absl::StatusOr<M> Get(const std::string& id, pg::Deadline deadline);
  // Filter <Resource>FilterFields(); school_code and region_scope unused.
  absl::StatusOr<RosterPage<M>> List(const RosterListQuery& q, pg::Deadline deadline);

  using Check = std::function<absl::Status(const M& before, const M& after, bool was_deleted, const Facts& facts)>;
  using Mutation = std::function<absl::Status(M& resource, bool& deleted)>;

  absl::StatusOr<M> Create(const std::string& id, const M& resource, const Check& check, const WriteContext& ctx);
  absl::StatusOr<M> Mutate(const std::string& id, const std::string& expected_etag,
                           gongtong::registry::v1::ChangeKind kind, const std::vector<std::string>& changed_paths,
                           const Mutation& mutate, const Check& check, const WriteContext& ctx);

 protected:
  BodyStore(pg::Pool* pool, const BodyResource<M, Facts>* resource) : pool_(pool), r_(resource) {}

 private:
  pg::Pool* pool_;
  const BodyResource<M, Facts>* r_;
};

}  // namespace gongtong::registry
