#pragma once
// The registry's facts the evaluation and Party families need, taken from
// its events (stream "gongtong:registry:events") inside the consumer's
// transaction:
//   CommunityChanged  → eval_community_facts (type, region, core, members)
//   CommunityDeleted  → the fact marked deleted (runs skip it)
//   TeacherChanged    → party_members (school, organisation, membership,
//                       serving = employment ACTIVE); the region is the one
//                       of a live community the school belongs to ("" when
//                       none: then only the school and the province act)
//   TeacherDeleted    → the member marked not serving
// Other events are ignored. Applying an event again changes nothing.

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "gongtong/events/v1/envelope.pb.h"

namespace gongtong::assessment {

absl::Status ApplyRegistryEvent(pqxx::transaction_base& tx, const gongtong::events::v1::EventEnvelope& e);

}  // namespace gongtong::assessment
