#pragma once
// Read-only: the sessions a set of pairings received in a school year, for
// ListPairingDeliveryCounts (R-SYNC-5). A session counts once per pairing
// however many of the member school's classes received it.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pool.h"
#include "gongtong/booking/v1/session.pb.h"

namespace gongtong::booking {

// (pairing, session) once per pairing and session, for sessions whose local
// date lies in school year `year` (1 September year .. 31 August year+1).
absl::StatusOr<std::vector<std::pair<std::string, v1::Session>>> SessionsOfPairings(
    pg::Pool* pool, const std::vector<std::string>& pairings, int year, pg::Deadline deadline);

}  // namespace gongtong::booking
