#pragma once
// PostgreSQL adapter for Party points (R-PARTY-1 New Long March checkpoints).
// Every write runs in one transaction with its idempotency claim
// (common/pg/idempotency.h) and its outbox event (common/events/event.h), so
// all of them commit or none. The rules live in assessment/domain/
// party_rules.h; this layer loads the facts, applies them and stores. Etags
// are the row version.
//
// Member facts (party_members) are what the registry says about teachers'
// Party membership; UpsertMember is how they arrive (the consumer of the
// registry's TeacherChanged events, or a test standing in for it).

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "assessment/domain/party_rules.h"
#include "common/auth/principal.h"
#include "common/pg/pool.h"
#include "common/pg/write_context.h"
#include "gongtong/common/v1/audit.pb.h"

namespace gongtong::assessment {

// A teacher as the Party rules see her.
struct PartyMember {
  std::string teacher_id;
  std::string display_name;
  std::string school_code;
  std::string region_code;
  std::string party_organization;  // "partyOrganizations/{id}" or ""
  int membership = 0;              // registry PartyMembershipStatus
  bool serving = true;             // employment ACTIVE

  // PROBATIONARY (2) or FULL (3).
  bool IsPartyMember() const { return membership == 2 || membership == 3; }
};

// Checks run inside the write transaction with the member's facts (access,
// then Party membership), before anything is written.
using MemberCheck = std::function<absl::Status(const PartyMember&)>;

struct CheckpointRow {
  av1::CheckpointRecord record;  // name, etag, points, audit filled
  PartyMember member;
};

struct CheckpointListQuery {
  std::string teacher_id, party_organization, school_code;  // "" = any
  int campaign_year = 0;                                    // 0 = any
  int ordinal = 0, min_ordinal = 0;                         // 0 = any
  std::string region_scope;  // only members whose region starts with it
  std::string own_school;    // only members of this school ("" = any)
  bool by_ordinal = false, descending = false, show_deleted = false;
  int offset = 0, limit = 50;
};

struct CheckpointPage {
  std::vector<av1::CheckpointRecord> records;
  int64_t total = 0;
  bool more = false;
};

// Records what the registry says about a teacher, inside `tx` (the
// registry-event consumer's transaction).
void UpsertPartyMember(pqxx::transaction_base& tx, const PartyMember& m);

class PartyStore {
 public:
  explicit PartyStore(pg::Pool* pool) : pool_(pool) {}

  absl::Status UpsertMember(const PartyMember& m, pg::Deadline deadline);
  // NOT_FOUND "MEMBER_UNKNOWN" naming `field` when the registry never told us.
  absl::StatusOr<PartyMember> GetMember(const std::string& teacher_id, const std::string& field,
                                        pg::Deadline deadline);

  // R-PARTY-1: the member's row is locked, so two concurrent passes of one
  // member are decided one after the other (and the unique index backs it).
  absl::StatusOr<av1::CheckpointRecord> CreateCheckpoint(const std::string& record_id,
                                                         const av1::CheckpointRecord& input,
                                                         const MemberCheck& check,
                                                         const pg::WriteContext& w);
  absl::StatusOr<CheckpointRow> GetCheckpoint(const std::string& record_id, pg::Deadline deadline);
  absl::StatusOr<CheckpointPage> ListCheckpoints(const CheckpointListQuery& q, pg::Deadline deadline);
  // Soft delete (revocation); only the member's latest checkpoint may go
  // (FAILED_PRECONDITION otherwise, so the route stays in order).
  absl::StatusOr<av1::CheckpointRecord> DeleteCheckpoint(const std::string& record_id,
                                                         const std::string& etag,
                                                         const MemberCheck& check,
                                                         const pg::WriteContext& w);
  // Every Party member of `party_organization` with their live checkpoint
  // count in `campaign_year` (members without any included).
  struct MemberCount {
    PartyMember member;
    int checkpoints_passed = 0;
  };
  absl::StatusOr<std::vector<MemberCount>> Progress(const std::string& party_organization, int campaign_year,
                                                    pg::Deadline deadline);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::assessment
