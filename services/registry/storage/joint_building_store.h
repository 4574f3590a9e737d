#pragma once
// PostgreSQL adapter for Party joint-building relations (党建结对共建). Like
// PartyStore: every write runs in one transaction with its idempotency claim,
// its change-feed row and its outbox event (aggregate type
// "party_joint_building"); the caller's check decides with the facts loaded
// under lock (both organisations, the schools of the school side); one live
// relation per pair is ALREADY_EXISTS (FAILED_PRECONDITION on undelete).

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/storage/body_store.h"
#include "registry/storage/party_store.h"

namespace gongtong::registry {

struct JointBuildingFacts {
  PartyOrgFacts orgs;  // the organisation and partner organisation after the change
  PartyReach reach;    // the schools of the school-side organisation, before and after
};

const std::vector<api::FilterField>& PartyJointBuildingFilterFields();
const std::vector<std::string>& PartyJointBuildingOrderFields();

// Get and List as BodyStore; List's filter: PartyJointBuildingFilterFields().
class JointBuildingStore : public BodyStore<PartyJointBuilding, JointBuildingFacts> {
 public:
  explicit JointBuildingStore(pg::Pool* pool);
};

}  // namespace gongtong::registry
