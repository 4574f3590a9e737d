#pragma once
// PostgreSQL adapter for demonstration posts (党员示范岗, R-PARTY-2;
// migration 0003_party_points). Every serving member holds one active post
// at a time: an assignment locks the member's row, checks her active
// assignment and the post's holder cap (domain CheckPostAssignment) under the
// post's row lock, and a unique index on active assignments backs it. Writes
// carry their idempotency claim and outbox event (PostAssigned,
// PostAssignmentEnded) in the same transaction.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "assessment/storage/party_store.h"
#include "common/pg/pool.h"
#include "common/pg/write_context.h"
#include "google/type/date.pb.h"

namespace gongtong::assessment {

class PartyPostStore {
 public:
  explicit PartyPostStore(pg::Pool* pool) : pool_(pool) {}

  // The region of a school as the registry's community facts give it, else as
  // its Party members' facts do ("" when neither knows it).
  absl::StatusOr<std::string> SchoolRegion(const std::string& school_code, pg::Deadline deadline);

  // The post's party_organization must be the organisation of at least one
  // Party member of the school (FAILED_PRECONDITION "ORGANIZATION_NOT_OF_SCHOOL").
  absl::StatusOr<av1::DemonstrationPost> CreatePost(const std::string& school_code, const std::string& post_id,
                                                    const av1::DemonstrationPost& input, const pg::WriteContext& w);
  absl::StatusOr<av1::DemonstrationPost> GetPost(const std::string& school_code, const std::string& post_id,
                                                 pg::Deadline deadline);
  // The member must be a serving Party member of the school
  // (FAILED_PRECONDITION "NOT_A_SERVING_MEMBER").
  absl::StatusOr<av1::PostAssignment> CreateAssignment(const std::string& school_code, const std::string& post_id,
                                                       const std::string& assignment_id,
                                                       const av1::PostAssignment& input, const pg::WriteContext& w);
  // end_date before start_date is INVALID_ARGUMENT; an ended assignment is
  // FAILED_PRECONDITION "ASSIGNMENT_ENDED".
  absl::StatusOr<av1::PostAssignment> EndAssignment(const std::string& school_code, const std::string& post_id,
                                                    const std::string& assignment_id,
                                                    const google::type::Date& end_date, const std::string& etag,
                                                    const pg::WriteContext& w);
  // ---- listings and edits (party_post_list_store.cc) ----
  // Posts (holder_count and etag set; soft-deleted ones when asked, with
  // audit.delete_time) of one school, or ("" ) of every school whose region
  // (as SchoolRegion) starts with `region_prefix`, or of `only_school` when
  // set; each with its school's region.
  struct PostRow {
    av1::DemonstrationPost post;
    std::string region_code;
  };
  absl::StatusOr<std::vector<PostRow>> ListPosts(const std::string& school_code, const std::string& region_prefix,
                                                 bool show_deleted, pg::Deadline deadline);
  // Changes a live post's `paths`; the merged post must pass `validate`
  // (field checks); party_organization must be of the school,
  // max_holders (when not 0 = no cap) at least its active holders
  // (FAILED_PRECONDITION). Deleted: FAILED_PRECONDITION.
  absl::StatusOr<av1::DemonstrationPost> UpdatePost(const std::string& school_code, const std::string& post_id,
                                                    const av1::DemonstrationPost& patch,
                                                    const std::vector<std::string>& paths,
                                                    const std::function<absl::Status(const av1::DemonstrationPost&)>&
                                                        validate,
                                                    const pg::WriteContext& w);
  // Soft-deletes a post without active holders (FAILED_PRECONDITION
  // "POST_HAS_HOLDERS" otherwise; NOT_FOUND when already deleted).
  absl::StatusOr<av1::DemonstrationPost> DeletePost(const std::string& school_code, const std::string& post_id,
                                                    const std::string& etag, const pg::WriteContext& w);
  // Assignments of one post ("" = every post) of a school, etag set.
  absl::StatusOr<std::vector<av1::PostAssignment>> ListAssignments(const std::string& school_code,
                                                                   const std::string& post_id,
                                                                   pg::Deadline deadline);

  // Serving Party members of the school without an active post, by name.
  absl::StatusOr<std::vector<PartyMember>> Unassigned(const std::string& school_code, pg::Deadline deadline);

 private:
  pg::Pool* pool_;
};

}  // namespace gongtong::assessment
