// RegistryService: teachers (Get, List, Create, Update, Delete, Undelete)
// and MoveTeacher, which ends the current school stint the day before the
// effective date and opens one at the target (history kept in
// school_stints; TeacherMoved published besides TeacherChanged). Listed in
// RosterMethodNames() (rpc/roster_methods.cc).
#include "common/status/error.h"
#include "registry/domain/roster_access.h"
#include "registry/domain/roster_rules.h"
#include "registry/domain/school_rules.h"
#include "registry/rpc/call_support.h"
#include "registry/rpc/registry_service.h"
#include "registry/rpc/roster_checks.h"
#include "registry/rpc/roster_paging.h"

namespace gongtong::registry {
namespace {

const std::vector<std::string>& UpdatableTeacherPaths() {
  static const auto* kPaths = new std::vector<std::string>{
      "display_name", "subjects", "title", "honours", "position", "party_membership", "employment_status", "stages"};
  return *kPaths;
}

std::string CodeOf(const Teacher& t) {
  auto code = ParseSchoolName(t.school(), "");
  return code.ok() ? *code : "";
}

absl::Status NotWhileHomeroom(const TeacherFacts& f, const char* action_zh) {
  if (f.homeroom_of.empty()) return absl::OkStatus();
  return PreconditionOn("TEACHER_IS_HOMEROOM", "name", "is the homeroom teacher of " + f.homeroom_of.front(),
                        std::string("该教师是班主任（") + f.homeroom_of.front() + "），请先更换班主任再" + action_zh);
}

}  // namespace

grpc::ServerUnaryReactor* RegistryServiceImpl::GetTeacher(grpc::CallbackServerContext* ctx,
                                                          const rv1::GetTeacherRequest* req, rv1::Teacher* resp) {
  return edge_->Unary(ctx, "GetTeacher", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(std::string id, ParseTeacherName(req->name(), "name"));
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    auto record = stores_.roster->GetTeacher(id, call.deadline);
    // A county bureau cannot tell whether a teacher outside its prefix exists.
    if (!record.ok() && record.status().code() == absl::StatusCode::kNotFound &&
        call.principal.role == auth::Role::kCountyBureau) {
      return CanReadRoster(call.principal, "-");
    }
    if (!record.ok()) return record.status();
    GT_RETURN_IF_ERROR(CanReadRoster(call.principal, record->school_region));
    *resp = std::move(record->resource);
    RedactTeacher(call.principal, *resp);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListTeachers(grpc::CallbackServerContext* ctx,
                                                            const rv1::ListTeachersRequest* req,
                                                            rv1::ListTeachersResponse* resp) {
  return edge_->Unary(ctx, "ListTeachers", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    int32_t total = 0;
    GT_ASSIGN_OR_RETURN(
        RosterPage<Teacher> page,
        ListRoster<Teacher>(
            call,
            RosterListRequest{"", req->page_size(), req->page_token(), req->filter(), req->order_by(),
                              req->show_deleted()},
            {&TeacherFilterFields(), &TeacherOrderFields(), {{"display_name", false}}}, RosterListQuery{},
            [&](const RosterListQuery& query) { return stores_.roster->ListTeachers(query, call.deadline); },
            resp->mutable_next_page_token(), &total));
    for (auto& t : page.items) {
      RedactTeacher(call.principal, t);
      *resp->add_teachers() = std::move(t);
    }
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateTeacher(grpc::CallbackServerContext* ctx,
                                                             const rv1::CreateTeacherRequest* req, rv1::Teacher* resp) {
  return edge_->Unary(ctx, "CreateTeacher", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    Teacher t = req->teacher();
    const std::string code = CodeOf(t);
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, code));
    if (!req->has_teacher()) return InvalidField("teacher", "is required", "缺少教师信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->teacher_id(), "teacher_id", "t"));
    t.clear_name();  // output-only fields are ignored
    t.clear_etag();
    t.clear_audit();
    t.clear_school_stints();
    GT_RETURN_IF_ERROR(ToStatus(TeacherViolations(t, /*creating=*/true, "teacher"), "TEACHER_INVALID"));
    NormalizeTeacher(t);
    StartFirstStint(t, Today());
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->CreateTeacher(id, t, TeacherCreateCheck(call.principal, code),
                                                             Writing(call, "CreateTeacher", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateTeacher(grpc::CallbackServerContext* ctx,
                                                             const rv1::UpdateTeacherRequest* req, rv1::Teacher* resp) {
  return edge_->Unary(ctx, "UpdateTeacher", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, ""));
    GT_ASSIGN_OR_RETURN(std::string id, ParseTeacherName(req->teacher().name(), "teacher.name"));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(
        std::vector<std::string> paths,
        api::CheckUpdateMask(requested, UpdatableTeacherPaths(), {"staff_number", "school", "school_stints"}));
    const Teacher& patch = req->teacher();
    auto mutate = [&](Teacher& t, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "display_name") t.set_display_name(patch.display_name());
        else if (p == "subjects") *t.mutable_subjects() = patch.subjects();
        else if (p == "title") t.set_title(patch.title());
        else if (p == "honours") *t.mutable_honours() = patch.honours();
        else if (p == "position") t.set_position(patch.position());
        else if (p == "party_membership") *t.mutable_party_membership() = patch.party_membership();
        else if (p == "employment_status") t.set_employment_status(patch.employment_status());
        else if (p == "stages") *t.mutable_stages() = patch.stages();
      }
      NormalizeTeacher(t);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->MutateTeacher(id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths,
                                                             mutate, TeacherUpdateCheck(call.principal),
                                                             Writing(call, "UpdateTeacher", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteTeacher(grpc::CallbackServerContext* ctx,
                                                             const rv1::DeleteTeacherRequest* req, rv1::Teacher* resp) {
  return edge_->Unary(ctx, "DeleteTeacher", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, ""));
    GT_ASSIGN_OR_RETURN(std::string id, ParseTeacherName(req->name(), "name"));
    auto check = [&](const Teacher& before, const Teacher&, bool was_deleted,
                     const TeacherFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteRoster(call.principal, CodeOf(before), facts.previous_school.region));
      if (was_deleted) return AlreadyDeleted("TEACHER_NOT_FOUND", before.name(), "该教师已删除");
      return NotWhileHomeroom(facts, "删除");
    };
    GT_ASSIGN_OR_RETURN(
        *resp, stores_.roster->MutateTeacher(id, req->etag(), rv1::CHANGE_KIND_DELETED, {}, SetDeleted<Teacher>(true),
                                             check, Writing(call, "DeleteTeacher", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteTeacher(grpc::CallbackServerContext* ctx,
                                                               const rv1::UndeleteTeacherRequest* req,
                                                               rv1::Teacher* resp) {
  return edge_->Unary(ctx, "UndeleteTeacher", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, ""));
    GT_ASSIGN_OR_RETURN(std::string id, ParseTeacherName(req->name(), "name"));
    auto check = [&](const Teacher& before, const Teacher& after, bool was_deleted,
                     const TeacherFacts& facts) -> absl::Status {
      GT_RETURN_IF_ERROR(CanWriteRoster(call.principal, CodeOf(before), facts.previous_school.region));
      if (!was_deleted) return NotDeleted("TEACHER_NOT_DELETED", before.name(), "该教师未被删除");
      return TeacherFitsSchool(after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->MutateTeacher(
                                   id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {}, SetDeleted<Teacher>(false), check,
                                   Writing(call, "UndeleteTeacher", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::MoveTeacher(grpc::CallbackServerContext* ctx,
                                                           const rv1::MoveTeacherRequest* req, rv1::Teacher* resp) {
  return edge_->Unary(ctx, "MoveTeacher", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_RETURN_IF_ERROR(MayMoveTeachers(call.principal));
    GT_ASSIGN_OR_RETURN(std::string id, ParseTeacherName(req->name(), "name"));
    auto mutate = [&](Teacher& t, bool& deleted) -> absl::Status {
      if (deleted) return Deleted("TEACHER_DELETED", t.name(), "该教师已删除，请先恢复");
      GT_RETURN_IF_ERROR(CheckMove(t, *req));
      t = ApplyMove(std::move(t), *req);
      return absl::OkStatus();
    };
    auto check = [&](const Teacher&, const Teacher&, bool, const TeacherFacts& facts) -> absl::Status {
      if (!facts.school.exists || facts.school.deleted) {
        return PreconditionOn("TARGET_SCHOOL_NOT_LIVE", "target_school", "does not exist or is deleted",
                              "目标学校不存在或已删除");
      }
      GT_RETURN_IF_ERROR(CanMoveTeacher(call.principal, facts.previous_school.region, facts.school.region));
      return NotWhileHomeroom(facts, "调动");
    };
    GT_ASSIGN_OR_RETURN(
        *resp, stores_.roster->MutateTeacher(id, req->etag(), rv1::CHANGE_KIND_UPDATED, {"school", "school_stints"},
                                             mutate, check, Writing(call, "MoveTeacher", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
