// RegistryService: classes and classrooms of a school (Get, List, Create,
// Update, Delete, Undelete); teachers are in rpc/teacher_methods.cc. Every
// method of RosterMethodNames() is implemented in one of the two files.
// Writes check the role first (before any validation), then validate the
// request, then decide inside the store's transaction with the facts
// (school region and stages, referenced teacher and classroom).
#include <algorithm>

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

const std::vector<std::string>& UpdatableClassPaths() {
  static const auto* kPaths = new std::vector<std::string>{"grade",       "class_number",     "display_name",
                                                           "pupil_count", "homeroom_teacher", "home_classroom"};
  return *kPaths;
}

const std::vector<std::string>& UpdatableClassroomPaths() {
  static const auto* kPaths = new std::vector<std::string>{"display_name",         "kind",    "capacity", "ai_analysis",
                                                           "max_outgoing_streams", "location"};
  return *kPaths;
}

absl::Status CheckClassroom(const auth::Principal& p, const Classroom& room, const ClassroomFacts& f) {
  GT_RETURN_IF_ERROR(CanWriteRoster(p, room.school().substr(std::string("schools/").size()), f.school.region));
  return SchoolLive(f.school, "classroom.name");
}

// The checks of a DeleteSchoolClass / DeleteClassroom and of the undeletes
// (`live` checks the restored resource against the facts).
template <typename M, typename Facts>
RosterCheck<M, Facts> DeleteCheck(const auth::Principal& p, const std::string& code, const char* reason,
                                  const char* zh) {
  return [=](const M& before, const M&, bool was_deleted, const Facts& facts) -> absl::Status {
    GT_RETURN_IF_ERROR(CanWriteRoster(p, code, facts.school.region));
    if (was_deleted) return AlreadyDeleted(reason, before.name(), zh);
    return absl::OkStatus();
  };
}

template <typename M, typename Facts>
RosterCheck<M, Facts> UndeleteCheck(const auth::Principal& p, const std::string& code, const char* reason,
                                    const char* zh,
                                    absl::Status (*live)(const auth::Principal&, const M&, const Facts&)) {
  return [=](const M& before, const M& after, bool was_deleted, const Facts& facts) -> absl::Status {
    GT_RETURN_IF_ERROR(CanWriteRoster(p, code, facts.school.region));
    if (!was_deleted) return NotDeleted(reason, before.name(), zh);
    return live(p, after, facts);
  };
}

RosterListRequest ListArgs(const std::string& parent, int32_t page_size, const std::string& token,
                           const std::string& filter, const std::string& order_by, bool show_deleted) {
  return RosterListRequest{parent, page_size, token, filter, order_by, show_deleted};
}

}  // namespace

const std::set<std::string>& RosterMethodNames() {
  static const auto* kNames = new std::set<std::string>{
      "GetSchoolClass",      "ListSchoolClasses", "CreateSchoolClass", "UpdateSchoolClass", "DeleteSchoolClass",
      "UndeleteSchoolClass", "GetClassroom",      "ListClassrooms",    "CreateClassroom",   "UpdateClassroom",
      "DeleteClassroom",     "UndeleteClassroom", "GetTeacher",        "ListTeachers",      "CreateTeacher",
      "UpdateTeacher",       "DeleteTeacher",     "UndeleteTeacher",   "MoveTeacher"};
  return *kNames;
}

absl::Status RegistryServiceImpl::CountyMayRead(const CallContext& call, const std::string& code) {
  GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
  if (call.principal.role != auth::Role::kCountyBureau) return absl::OkStatus();
  auto school = schools_->Get(code, call.deadline);
  if (!school.ok() && school.status().code() != absl::StatusCode::kNotFound) return school.status();
  // An unknown school lies in no region: denied like one outside the prefix.
  return CanReadRoster(call.principal, school.ok() ? school->region_code() : "-");
}

// ---- classes --------------------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetSchoolClass(grpc::CallbackServerContext* ctx,
                                                              const rv1::GetSchoolClassRequest* req,
                                                              rv1::SchoolClass* resp) {
  return edge_->Unary(ctx, "GetSchoolClass", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseSchoolClassName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CountyMayRead(call, key.school_code));
    GT_ASSIGN_OR_RETURN(auto record, stores_.roster->GetClass(key.school_code, key.id, call.deadline));
    *resp = std::move(record.resource);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListSchoolClasses(grpc::CallbackServerContext* ctx,
                                                                 const rv1::ListSchoolClassesRequest* req,
                                                                 rv1::ListSchoolClassesResponse* resp) {
  return edge_->Unary(ctx, "ListSchoolClasses", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    RosterListQuery q;
    GT_ASSIGN_OR_RETURN(q.school_code, ParseRosterParent(req->parent(), "parent"));
    if (!q.school_code.empty()) GT_RETURN_IF_ERROR(CountyMayRead(call, q.school_code));
    int32_t total = 0;
    GT_ASSIGN_OR_RETURN(
        RosterPage<SchoolClass> page,
        ListRoster<SchoolClass>(
            call,
            ListArgs(req->parent(), req->page_size(), req->page_token(), req->filter(), req->order_by(),
                     req->show_deleted()),
            {&SchoolClassFilterFields(), &SchoolClassOrderFields(), {{"grade", false}, {"class_number", false}}}, q,
            [&](const RosterListQuery& query) { return stores_.roster->ListClasses(query, call.deadline); },
            resp->mutable_next_page_token(), &total));
    for (auto& c : page.items) *resp->add_school_classes() = std::move(c);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSchoolClass(grpc::CallbackServerContext* ctx,
                                                                 const rv1::CreateSchoolClassRequest* req,
                                                                 rv1::SchoolClass* resp) {
  return edge_->Unary(ctx, "CreateSchoolClass", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->parent(), "parent"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, code));
    if (!req->has_school_class()) return InvalidField("school_class", "is required", "缺少班级信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->school_class_id(), "school_class_id", "class"));
    SchoolClass c = req->school_class();
    c.clear_name();  // output-only fields are ignored
    c.clear_school();
    c.clear_etag();
    c.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(SchoolClassViolations(c, code, "school_class"), "SCHOOL_CLASS_INVALID"));
    NormalizeSchoolClass(c);
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->CreateClass(code, id, c, ClassCreateCheck(call.principal),
                                                           Writing(call, "CreateSchoolClass", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateSchoolClass(grpc::CallbackServerContext* ctx,
                                                                 const rv1::UpdateSchoolClassRequest* req,
                                                                 rv1::SchoolClass* resp) {
  return edge_->Unary(ctx, "UpdateSchoolClass", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseSchoolClassName(req->school_class().name(), "school_class.name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatableClassPaths(), {"school"}));
    const SchoolClass& patch = req->school_class();
    auto mutate = [&](SchoolClass& c, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "grade") c.set_grade(patch.grade());
        else if (p == "class_number") c.set_class_number(patch.class_number());
        else if (p == "display_name") c.set_display_name(patch.display_name());
        else if (p == "pupil_count") c.set_pupil_count(patch.pupil_count());
        else if (p == "homeroom_teacher") c.set_homeroom_teacher(patch.homeroom_teacher());
        else if (p == "home_classroom") c.set_home_classroom(patch.home_classroom());
      }
      return absl::OkStatus();
    };
    auto check = ClassUpdateCheck(call.principal, key.school_code);
    const bool renamed = std::find(paths.begin(), paths.end(), "display_name") != paths.end();
    auto normalized = [&](SchoolClass& c, bool& deleted) -> absl::Status {
      const SchoolClass before = c;
      GT_RETURN_IF_ERROR(mutate(c, deleted));
      NormalizeUpdatedClass(before, c, renamed);
      return absl::OkStatus();
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->MutateClass(
                                   key.school_code, key.id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, normalized,
                                   check, Writing(call, "UpdateSchoolClass", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteSchoolClass(grpc::CallbackServerContext* ctx,
                                                                 const rv1::DeleteSchoolClassRequest* req,
                                                                 rv1::SchoolClass* resp) {
  return edge_->Unary(ctx, "DeleteSchoolClass", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseSchoolClassName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    auto check =
        DeleteCheck<SchoolClass, ClassFacts>(call.principal, key.school_code, "SCHOOL_CLASS_NOT_FOUND", "该班级已删除");
    GT_ASSIGN_OR_RETURN(*resp,
                        stores_.roster->MutateClass(key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_DELETED, {},
                                                    SetDeleted<SchoolClass>(true), check,
                                                    Writing(call, "DeleteSchoolClass", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteSchoolClass(grpc::CallbackServerContext* ctx,
                                                                   const rv1::UndeleteSchoolClassRequest* req,
                                                                   rv1::SchoolClass* resp) {
  return edge_->Unary(ctx, "UndeleteSchoolClass", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseSchoolClassName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    auto check = UndeleteCheck<SchoolClass, ClassFacts>(call.principal, key.school_code, "SCHOOL_CLASS_NOT_DELETED",
                                                        "该班级未被删除", &CheckClass);
    GT_ASSIGN_OR_RETURN(
        *resp, stores_.roster->MutateClass(key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                           SetDeleted<SchoolClass>(false), check,
                                           Writing(call, "UndeleteSchoolClass", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

// ---- classrooms -------------------------------------------------------------------

grpc::ServerUnaryReactor* RegistryServiceImpl::GetClassroom(grpc::CallbackServerContext* ctx,
                                                            const rv1::GetClassroomRequest* req, rv1::Classroom* resp) {
  return edge_->Unary(ctx, "GetClassroom", [=](const CallContext& call) -> absl::Status {
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseClassroomName(req->name(), "name"));
    GT_RETURN_IF_ERROR(CountyMayRead(call, key.school_code));
    GT_ASSIGN_OR_RETURN(auto record, stores_.roster->GetClassroom(key.school_code, key.id, call.deadline));
    *resp = std::move(record.resource);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListClassrooms(grpc::CallbackServerContext* ctx,
                                                              const rv1::ListClassroomsRequest* req,
                                                              rv1::ListClassroomsResponse* resp) {
  return edge_->Unary(ctx, "ListClassrooms", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    RosterListQuery q;
    GT_ASSIGN_OR_RETURN(q.school_code, ParseRosterParent(req->parent(), "parent"));
    if (!q.school_code.empty()) GT_RETURN_IF_ERROR(CountyMayRead(call, q.school_code));
    int32_t total = 0;
    GT_ASSIGN_OR_RETURN(
        RosterPage<Classroom> page,
        ListRoster<Classroom>(
            call,
            ListArgs(req->parent(), req->page_size(), req->page_token(), req->filter(), req->order_by(),
                     req->show_deleted()),
            {&ClassroomFilterFields(), &ClassroomOrderFields(), {{"display_name", false}}}, q,
            [&](const RosterListQuery& query) { return stores_.roster->ListClassrooms(query, call.deadline); },
            resp->mutable_next_page_token(), &total));
    for (auto& c : page.items) *resp->add_classrooms() = std::move(c);
    resp->set_total_size(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateClassroom(grpc::CallbackServerContext* ctx,
                                                               const rv1::CreateClassroomRequest* req,
                                                               rv1::Classroom* resp) {
  return edge_->Unary(ctx, "CreateClassroom", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(std::string code, ParseSchoolName(req->parent(), "parent"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, code));
    if (!req->has_classroom()) return InvalidField("classroom", "is required", "缺少教室信息");
    GT_ASSIGN_OR_RETURN(std::string id, IdOrGenerated(req->classroom_id(), "classroom_id", "room"));
    Classroom room = req->classroom();
    room.clear_name();  // output-only fields are ignored
    room.clear_school();
    room.clear_etag();
    room.clear_audit();
    GT_RETURN_IF_ERROR(ToStatus(ClassroomViolations(room, "classroom"), "CLASSROOM_INVALID"));
    NormalizeClassroom(room);
    auto check = [&](const Classroom&, const Classroom& after, bool, const ClassroomFacts& facts) {
      return CheckClassroom(call.principal, after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->CreateClassroom(
                                   code, id, room, check, Writing(call, "CreateClassroom", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateClassroom(grpc::CallbackServerContext* ctx,
                                                               const rv1::UpdateClassroomRequest* req,
                                                               rv1::Classroom* resp) {
  return edge_->Unary(ctx, "UpdateClassroom", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseClassroomName(req->classroom().name(), "classroom.name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    std::vector<std::string> requested(req->update_mask().paths().begin(), req->update_mask().paths().end());
    GT_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                        api::CheckUpdateMask(requested, UpdatableClassroomPaths(), {"school"}));
    const Classroom& patch = req->classroom();
    auto mutate = [&](Classroom& room, bool&) -> absl::Status {
      for (const auto& p : paths) {
        if (p == "display_name") room.set_display_name(patch.display_name());
        else if (p == "kind") room.set_kind(patch.kind());
        else if (p == "capacity") room.set_capacity(patch.capacity());
        else if (p == "ai_analysis") room.set_ai_analysis(patch.ai_analysis());
        else if (p == "max_outgoing_streams") room.set_max_outgoing_streams(patch.max_outgoing_streams());
        else if (p == "location") room.set_location(patch.location());
      }
      if (ClassroomViolations(room, "classroom").empty()) NormalizeClassroom(room);
      return absl::OkStatus();
    };
    auto check = [&](const Classroom& before, const Classroom& after, bool was_deleted, const ClassroomFacts& facts) {
      GT_RETURN_IF_ERROR(CanWriteRoster(call.principal, key.school_code, facts.school.region));
      if (was_deleted) return Deleted("CLASSROOM_DELETED", before.name(), "该教室已删除，请先恢复");
      GT_RETURN_IF_ERROR(ToStatus(ClassroomViolations(after, "classroom"), "CLASSROOM_INVALID"));
      return CheckClassroom(call.principal, after, facts);
    };
    GT_ASSIGN_OR_RETURN(*resp, stores_.roster->MutateClassroom(
                                   key.school_code, key.id, patch.etag(), rv1::CHANGE_KIND_UPDATED, paths, mutate,
                                   check, Writing(call, "UpdateClassroom", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::DeleteClassroom(grpc::CallbackServerContext* ctx,
                                                               const rv1::DeleteClassroomRequest* req,
                                                               rv1::Classroom* resp) {
  return edge_->Unary(ctx, "DeleteClassroom", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseClassroomName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    auto check =
        DeleteCheck<Classroom, ClassroomFacts>(call.principal, key.school_code, "CLASSROOM_NOT_FOUND", "该教室已删除");
    GT_ASSIGN_OR_RETURN(
        *resp, stores_.roster->MutateClassroom(key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_DELETED, {},
                                               SetDeleted<Classroom>(true), check,
                                               Writing(call, "DeleteClassroom", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UndeleteClassroom(grpc::CallbackServerContext* ctx,
                                                                 const rv1::UndeleteClassroomRequest* req,
                                                                 rv1::Classroom* resp) {
  return edge_->Unary(ctx, "UndeleteClassroom", [=](const CallContext& call) -> absl::Status {
    GT_RETURN_IF_ERROR(RosterWired(stores_.roster));
    GT_ASSIGN_OR_RETURN(SchoolChildKey key, ParseClassroomName(req->name(), "name"));
    GT_RETURN_IF_ERROR(MayWriteRoster(call.principal, key.school_code));
    auto check = UndeleteCheck<Classroom, ClassroomFacts>(call.principal, key.school_code, "CLASSROOM_NOT_DELETED",
                                                          "该教室未被删除", &CheckClassroom);
    GT_ASSIGN_OR_RETURN(
        *resp, stores_.roster->MutateClassroom(key.school_code, key.id, req->etag(), rv1::CHANGE_KIND_UNDELETED, {},
                                               SetDeleted<Classroom>(false), check,
                                               Writing(call, "UndeleteClassroom", req->request_id(), *req)));
    return absl::OkStatus();
  });
}

}  // namespace gongtong::registry
