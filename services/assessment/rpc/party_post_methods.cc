// AssessmentService: demonstration posts (党员示范岗, R-PARTY-2) — create and
// read posts, assign a serving member to one post at a time, end an
// assignment, list the members without a post. Listed in PartyMethodNames().
#include "assessment/domain/party_access.h"
#include "assessment/domain/party_rules.h"
#include "assessment/rpc/evaluation_call.h"
#include "assessment/rpc/party_methods.h"
#include "common/status/error.h"

namespace gongtong::assessment {
absl::Status CheckPostFields(const av1::DemonstrationPost& p) {
  const size_t title = p.display_name().size();
  if (title == 0 || title > 40 * 3) {
    return InvalidField("demonstration_post.display_name", "1-40 characters", "岗位名称须为1到40个字符");
  }
  GT_RETURN_IF_ERROR(
      ParseEvalName(p.party_organization(), "partyOrganizations", "demonstration_post.party_organization").status());
  if (p.max_holders() < 0) {
    return InvalidField("demonstration_post.max_holders", "must be >= 0", "人数上限不能为负");
  }
  return absl::OkStatus();
}

absl::Status PartyMethods::MayAdministerSchool(const CallContext& call, const std::string& school) {
  GT_ASSIGN_OR_RETURN(std::string region, posts_.SchoolRegion(school, call.deadline));
  return MayWritePartyPoints(call.principal, MemberScope{"", school, region, ""});
}

grpc::ServerUnaryReactor* PartyMethods::CreateDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                                const av1::CreateDemonstrationPostRequest* req,
                                                                av1::DemonstrationPost* resp) {
  return deps_.edge->Unary(ctx, "CreateDemonstrationPost", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->parent(), 1, "parent"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    const auto& p = req->demonstration_post();
    GT_RETURN_IF_ERROR(CheckPostFields(p));
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->demonstration_post_id(), "demonstration_post_id", "post"));
    av1::DemonstrationPost input = p;
    input.clear_name();
    input.clear_holder_count();
    input.clear_audit();
    input.clear_etag();
    GT_ASSIGN_OR_RETURN(*resp, posts_.CreatePost(key.school, id, input,
                                                 pg::Writing(call, "CreateDemonstrationPost", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::GetDemonstrationPost(grpc::CallbackServerContext* ctx,
                                                             const av1::GetDemonstrationPostRequest* req,
                                                             av1::DemonstrationPost* resp) {
  return deps_.edge->Unary(ctx, "GetDemonstrationPost", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->name(), 2, "name"));
    GT_ASSIGN_OR_RETURN(*resp, posts_.GetPost(key.school, key.post, call.deadline));  // every role reads
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::CreatePostAssignment(grpc::CallbackServerContext* ctx,
                                                             const av1::CreatePostAssignmentRequest* req,
                                                             av1::PostAssignment* resp) {
  return deps_.edge->Unary(ctx, "CreatePostAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->parent(), 2, "parent"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    const auto& a = req->post_assignment();
    if (TeacherIdOf(a.member()).empty()) {
      return InvalidField("post_assignment.member", "must be \"teachers/{id}\"", "党员须写作“teachers/{编号}”");
    }
    if (a.start_date().year() < 2000 || a.start_date().month() < 1 || a.start_date().month() > 12 ||
        a.start_date().day() < 1 || a.start_date().day() > 31) {
      return InvalidField("post_assignment.start_date", "required date", "开始日期必填");
    }
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated("", "post_assignment", "pa"));
    av1::PostAssignment input = a;
    input.clear_name();
    input.clear_end_date();
    input.clear_audit();
    input.clear_etag();
    GT_ASSIGN_OR_RETURN(*resp, posts_.CreateAssignment(key.school, key.post, id, input,
                                                       pg::Writing(call, "CreatePostAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::EndPostAssignment(grpc::CallbackServerContext* ctx,
                                                          const av1::EndPostAssignmentRequest* req,
                                                          av1::PostAssignment* resp) {
  return deps_.edge->Unary(ctx, "EndPostAssignment", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->name(), 3, "name"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    google::type::Date end = req->end_date();
    if (end.year() == 0) end = TodayInChina();
    GT_ASSIGN_OR_RETURN(*resp, posts_.EndAssignment(key.school, key.post, key.assignment, end, req->etag(),
                                                    pg::Writing(call, "EndPostAssignment", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PartyMethods::ListUnassignedMembers(grpc::CallbackServerContext* ctx,
                                                              const av1::ListUnassignedMembersRequest* req,
                                                              av1::ListUnassignedMembersResponse* resp) {
  return deps_.edge->Unary(ctx, "ListUnassignedMembers", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(PostKey key, ParsePostName(req->school(), 1, "school"));
    GT_RETURN_IF_ERROR(MayAdministerSchool(call, key.school));
    if (req->page_size() < 0) return InvalidField("page_size", "must be >= 0", "每页数量不能为负");
    GT_ASSIGN_OR_RETURN(auto members, posts_.Unassigned(key.school, call.deadline));
    for (const auto& m : members) {  // a school's members fit one page
      auto* u = resp->add_members();
      u->set_member("teachers/" + m.teacher_id);
      u->mutable_person()->set_display_name(m.display_name);
    }
    return absl::OkStatus();
  });
}

}  // namespace gongtong::assessment
