#pragma once
// The gRPC RegistryService. Implemented so far: schools, communities and
// pairings, calendars and bell schedules, classes, classrooms and teachers,
// Party organisations
// (each family's methods listed by its <Family>MethodNames()), bulk import
// and the change feed (ListChanges); every other
// method is routed through the edge and answers UNIMPLEMENTED after
// authentication. Handlers only convert, check access and delegate to the
// domain rules and the stores.

#include <memory>
#include <set>
#include <string>

#include "common/cache/near_cache.h"
#include "common/cache/read_through_cache.h"
#include "common/server/rpc_edge.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"
#include "registry/storage/calendar_store.h"
#include "registry/storage/change_feed.h"
#include "registry/storage/community_store.h"
#include "registry/storage/joint_building_store.h"
#include "registry/storage/party_store.h"
#include "registry/storage/roster_store.h"
#include "registry/storage/school_list_cache.h"
#include "registry/storage/school_store.h"
#include "registry/storage/studio_store.h"

namespace gongtong::registry {

namespace rv1 = gongtong::registry::v1;

// Key of a school in the read-through cache of the registry on `schema`
// (registries on different schemas may share one Redis).
std::string SchoolCacheKey(const std::string& schema, const std::string& code);

// The stores the service reads and writes (not owned).
struct RegistryStores {
  SchoolStore* schools = nullptr;
  ChangeFeed* changes = nullptr;
  cache::ReadThroughCache* cache = nullptr;
  // This replica's in-process copies in front of `cache` (schools, keyed
  // like it) and of the ListSchools page cache (keyed by the page's query);
  // both null when disabled (near_cache_ttl_ms=0).
  cache::NearCache* near_cache = nullptr;
  cache::NearCache* near_school_lists = nullptr;
  // ---- stores of further families go here ----
  CommunityStore* communities = nullptr;
  CalendarStore* calendars = nullptr;
  RosterStore* roster = nullptr;  // classes, classrooms, teachers
  PartyStore* party = nullptr;    // Party organisations
  JointBuildingStore* joint_buildings = nullptr;  // Party joint-building relations
  StudioStore* studios = nullptr;                 // secretary studios
  pg::Pool* pool = nullptr;  // for work spanning resources (bulk import); set by name
};

// Methods implemented by each family's file (rpc/<family>_methods.cc); the
// rest answer UNIMPLEMENTED after authentication.
const std::set<std::string>& SchoolMethodNames();
const std::set<std::string>& ImportMethodNames();
const std::set<std::string>& CommunityMethodNames();
const std::set<std::string>& CalendarMethodNames();
const std::set<std::string>& RosterMethodNames();
const std::set<std::string>& PartyMethodNames();

class RegistryServiceImpl final : public rv1::RegistryService::CallbackService {
 public:
  RegistryServiceImpl(RpcEdge* edge, RegistryStores stores);

  // ---- schools (rpc/school_methods.cc) ----

  // GetSchool is the hottest read: served as raw bytes (the cached School as
  // stored, never parsed and re-serialized); see rpc/school_methods.cc.
  grpc::ServerUnaryReactor* GetSchoolRaw(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                         grpc::ByteBuffer* resp);
  // ListSchools too: a page is cached as wire bytes (SchoolListCache) and
  // answered without parsing; only the token and total are added per call.
  grpc::ServerUnaryReactor* ListSchoolsRaw(grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* req,
                                           grpc::ByteBuffer* resp);
  grpc::ServerUnaryReactor* ListSchools(grpc::CallbackServerContext* ctx, const rv1::ListSchoolsRequest* req,
                                        rv1::ListSchoolsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSchool(grpc::CallbackServerContext* ctx, const rv1::CreateSchoolRequest* req,
                                         rv1::School* resp) override;
  grpc::ServerUnaryReactor* UpdateSchool(grpc::CallbackServerContext* ctx, const rv1::UpdateSchoolRequest* req,
                                         rv1::School* resp) override;
  grpc::ServerUnaryReactor* DeleteSchool(grpc::CallbackServerContext* ctx, const rv1::DeleteSchoolRequest* req,
                                         rv1::School* resp) override;
  grpc::ServerUnaryReactor* UndeleteSchool(grpc::CallbackServerContext* ctx,
                                           const rv1::UndeleteSchoolRequest* req, rv1::School* resp) override;

  // ---- bulk import (rpc/import_methods.cc) ----
  grpc::ServerBidiReactor<rv1::ImportRowsRequest, rv1::ImportRowsResponse>* ImportRows(
      grpc::CallbackServerContext* ctx) override;

  // ---- change feed (rpc/registry_service.cc) ----
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* ctx, const rv1::ListChangesRequest* req,
                                        rv1::ListChangesResponse* resp) override;

  // ---- communities, pairings, Party organisations (rpc/community_methods.cc) ----
  grpc::ServerUnaryReactor* GetCommunity(grpc::CallbackServerContext* ctx, const rv1::GetCommunityRequest* req,
                                         rv1::Community* resp) override;
  grpc::ServerUnaryReactor* ListCommunities(grpc::CallbackServerContext* ctx, const rv1::ListCommunitiesRequest* req,
                                            rv1::ListCommunitiesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateCommunity(grpc::CallbackServerContext* ctx, const rv1::CreateCommunityRequest* req,
                                            rv1::Community* resp) override;
  grpc::ServerUnaryReactor* UpdateCommunity(grpc::CallbackServerContext* ctx, const rv1::UpdateCommunityRequest* req,
                                            rv1::Community* resp) override;
  grpc::ServerUnaryReactor* DeleteCommunity(grpc::CallbackServerContext* ctx, const rv1::DeleteCommunityRequest* req,
                                            rv1::Community* resp) override;
  grpc::ServerUnaryReactor* UndeleteCommunity(grpc::CallbackServerContext* ctx,
                                              const rv1::UndeleteCommunityRequest* req, rv1::Community* resp) override;
  grpc::ServerUnaryReactor* GetPairing(grpc::CallbackServerContext* ctx, const rv1::GetPairingRequest* req,
                                       rv1::Pairing* resp) override;
  grpc::ServerUnaryReactor* ListPairings(grpc::CallbackServerContext* ctx, const rv1::ListPairingsRequest* req,
                                         rv1::ListPairingsResponse* resp) override;
  grpc::ServerUnaryReactor* CreatePairing(grpc::CallbackServerContext* ctx, const rv1::CreatePairingRequest* req,
                                          rv1::Pairing* resp) override;
  grpc::ServerUnaryReactor* UpdatePairing(grpc::CallbackServerContext* ctx, const rv1::UpdatePairingRequest* req,
                                          rv1::Pairing* resp) override;
  grpc::ServerUnaryReactor* DeletePairing(grpc::CallbackServerContext* ctx, const rv1::DeletePairingRequest* req,
                                          rv1::Pairing* resp) override;
  grpc::ServerUnaryReactor* UndeletePairing(grpc::CallbackServerContext* ctx, const rv1::UndeletePairingRequest* req,
                                            rv1::Pairing* resp) override;

  // ---- calendars and bell schedules (rpc/calendar_methods.cc) ----
  grpc::ServerUnaryReactor* GetSchoolCalendar(grpc::CallbackServerContext* ctx,
                                              const rv1::GetSchoolCalendarRequest* req,
                                              rv1::SchoolCalendar* resp) override;
  grpc::ServerUnaryReactor* ListSchoolCalendars(grpc::CallbackServerContext* ctx,
                                                const rv1::ListSchoolCalendarsRequest* req,
                                                rv1::ListSchoolCalendarsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                 const rv1::CreateSchoolCalendarRequest* req,
                                                 rv1::SchoolCalendar* resp) override;
  grpc::ServerUnaryReactor* UpdateSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                 const rv1::UpdateSchoolCalendarRequest* req,
                                                 rv1::SchoolCalendar* resp) override;
  grpc::ServerUnaryReactor* DeleteSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                 const rv1::DeleteSchoolCalendarRequest* req,
                                                 rv1::SchoolCalendar* resp) override;
  grpc::ServerUnaryReactor* UndeleteSchoolCalendar(grpc::CallbackServerContext* ctx,
                                                   const rv1::UndeleteSchoolCalendarRequest* req,
                                                   rv1::SchoolCalendar* resp) override;
  grpc::ServerUnaryReactor* GetBellSchedule(grpc::CallbackServerContext* ctx, const rv1::GetBellScheduleRequest* req,
                                            rv1::BellSchedule* resp) override;
  grpc::ServerUnaryReactor* ListBellSchedules(grpc::CallbackServerContext* ctx,
                                              const rv1::ListBellSchedulesRequest* req,
                                              rv1::ListBellSchedulesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateBellSchedule(grpc::CallbackServerContext* ctx,
                                               const rv1::CreateBellScheduleRequest* req,
                                               rv1::BellSchedule* resp) override;
  grpc::ServerUnaryReactor* UpdateBellSchedule(grpc::CallbackServerContext* ctx,
                                               const rv1::UpdateBellScheduleRequest* req,
                                               rv1::BellSchedule* resp) override;
  grpc::ServerUnaryReactor* DeleteBellSchedule(grpc::CallbackServerContext* ctx,
                                               const rv1::DeleteBellScheduleRequest* req,
                                               rv1::BellSchedule* resp) override;
  grpc::ServerUnaryReactor* UndeleteBellSchedule(grpc::CallbackServerContext* ctx,
                                                 const rv1::UndeleteBellScheduleRequest* req,
                                                 rv1::BellSchedule* resp) override;
  grpc::ServerUnaryReactor* ResolveSchoolDays(grpc::CallbackServerContext* ctx,
                                              const rv1::ResolveSchoolDaysRequest* req,
                                              rv1::ResolveSchoolDaysResponse* resp) override;

  // ---- classes, classrooms, teachers (rpc/roster_methods.cc) ----
  grpc::ServerUnaryReactor* GetSchoolClass(grpc::CallbackServerContext* ctx, const rv1::GetSchoolClassRequest* req,
                                          rv1::SchoolClass* resp) override;
  grpc::ServerUnaryReactor* ListSchoolClasses(grpc::CallbackServerContext* ctx, const rv1::ListSchoolClassesRequest* req,
                                             rv1::ListSchoolClassesResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSchoolClass(grpc::CallbackServerContext* ctx, const rv1::CreateSchoolClassRequest* req,
                                             rv1::SchoolClass* resp) override;
  grpc::ServerUnaryReactor* UpdateSchoolClass(grpc::CallbackServerContext* ctx, const rv1::UpdateSchoolClassRequest* req,
                                             rv1::SchoolClass* resp) override;
  grpc::ServerUnaryReactor* DeleteSchoolClass(grpc::CallbackServerContext* ctx, const rv1::DeleteSchoolClassRequest* req,
                                             rv1::SchoolClass* resp) override;
  grpc::ServerUnaryReactor* UndeleteSchoolClass(grpc::CallbackServerContext* ctx, const rv1::UndeleteSchoolClassRequest* req,
                                               rv1::SchoolClass* resp) override;
  grpc::ServerUnaryReactor* GetClassroom(grpc::CallbackServerContext* ctx, const rv1::GetClassroomRequest* req,
                                        rv1::Classroom* resp) override;
  grpc::ServerUnaryReactor* ListClassrooms(grpc::CallbackServerContext* ctx, const rv1::ListClassroomsRequest* req,
                                          rv1::ListClassroomsResponse* resp) override;
  grpc::ServerUnaryReactor* CreateClassroom(grpc::CallbackServerContext* ctx, const rv1::CreateClassroomRequest* req,
                                           rv1::Classroom* resp) override;
  grpc::ServerUnaryReactor* UpdateClassroom(grpc::CallbackServerContext* ctx, const rv1::UpdateClassroomRequest* req,
                                           rv1::Classroom* resp) override;
  grpc::ServerUnaryReactor* DeleteClassroom(grpc::CallbackServerContext* ctx, const rv1::DeleteClassroomRequest* req,
                                           rv1::Classroom* resp) override;
  grpc::ServerUnaryReactor* UndeleteClassroom(grpc::CallbackServerContext* ctx, const rv1::UndeleteClassroomRequest* req,
                                             rv1::Classroom* resp) override;

  // ---- teachers and their moves (rpc/teacher_methods.cc) ----
  grpc::ServerUnaryReactor* GetTeacher(grpc::CallbackServerContext* ctx, const rv1::GetTeacherRequest* req,
                                       rv1::Teacher* resp) override;
  grpc::ServerUnaryReactor* ListTeachers(grpc::CallbackServerContext* ctx, const rv1::ListTeachersRequest* req,
                                         rv1::ListTeachersResponse* resp) override;
  grpc::ServerUnaryReactor* CreateTeacher(grpc::CallbackServerContext* ctx, const rv1::CreateTeacherRequest* req,
                                          rv1::Teacher* resp) override;
  grpc::ServerUnaryReactor* UpdateTeacher(grpc::CallbackServerContext* ctx, const rv1::UpdateTeacherRequest* req,
                                          rv1::Teacher* resp) override;
  grpc::ServerUnaryReactor* DeleteTeacher(grpc::CallbackServerContext* ctx, const rv1::DeleteTeacherRequest* req,
                                          rv1::Teacher* resp) override;
  grpc::ServerUnaryReactor* UndeleteTeacher(grpc::CallbackServerContext* ctx, const rv1::UndeleteTeacherRequest* req,
                                            rv1::Teacher* resp) override;
  grpc::ServerUnaryReactor* MoveTeacher(grpc::CallbackServerContext* ctx, const rv1::MoveTeacherRequest* req,
                                        rv1::Teacher* resp) override;

  // ---- Party organisations (rpc/party_methods.cc) ----
  grpc::ServerUnaryReactor* GetPartyOrganization(grpc::CallbackServerContext* ctx, const rv1::GetPartyOrganizationRequest* req,
      rv1::PartyOrganization* resp) override;
  grpc::ServerUnaryReactor* ListPartyOrganizations(grpc::CallbackServerContext* ctx, const rv1::ListPartyOrganizationsRequest* req,
      rv1::ListPartyOrganizationsResponse* resp) override;
  grpc::ServerUnaryReactor* CreatePartyOrganization(grpc::CallbackServerContext* ctx, const rv1::CreatePartyOrganizationRequest* req,
      rv1::PartyOrganization* resp) override;
  grpc::ServerUnaryReactor* UpdatePartyOrganization(grpc::CallbackServerContext* ctx, const rv1::UpdatePartyOrganizationRequest* req,
      rv1::PartyOrganization* resp) override;
  grpc::ServerUnaryReactor* DeletePartyOrganization(grpc::CallbackServerContext* ctx, const rv1::DeletePartyOrganizationRequest* req,
      rv1::PartyOrganization* resp) override;
  grpc::ServerUnaryReactor* UndeletePartyOrganization(grpc::CallbackServerContext* ctx, const rv1::UndeletePartyOrganizationRequest* req,
      rv1::PartyOrganization* resp) override;

  // ---- Party joint-building relations (rpc/joint_building_methods.cc) ----
  grpc::ServerUnaryReactor* GetPartyJointBuilding(grpc::CallbackServerContext* ctx, const rv1::GetPartyJointBuildingRequest* req,
      rv1::PartyJointBuilding* resp) override;
  grpc::ServerUnaryReactor* ListPartyJointBuildings(grpc::CallbackServerContext* ctx, const rv1::ListPartyJointBuildingsRequest* req,
      rv1::ListPartyJointBuildingsResponse* resp) override;
  grpc::ServerUnaryReactor* CreatePartyJointBuilding(grpc::CallbackServerContext* ctx, const rv1::CreatePartyJointBuildingRequest* req,
      rv1::PartyJointBuilding* resp) override;
  grpc::ServerUnaryReactor* UpdatePartyJointBuilding(grpc::CallbackServerContext* ctx, const rv1::UpdatePartyJointBuildingRequest* req,
      rv1::PartyJointBuilding* resp) override;
  grpc::ServerUnaryReactor* DeletePartyJointBuilding(grpc::CallbackServerContext* ctx, const rv1::DeletePartyJointBuildingRequest* req,
      rv1::PartyJointBuilding* resp) override;
  grpc::ServerUnaryReactor* UndeletePartyJointBuilding(grpc::CallbackServerContext* ctx, const rv1::UndeletePartyJointBuildingRequest* req,
      rv1::PartyJointBuilding* resp) override;

  // ---- secretary studios (rpc/studio_methods.cc) ----
  grpc::ServerUnaryReactor* GetSecretaryStudio(grpc::CallbackServerContext* ctx, const rv1::GetSecretaryStudioRequest* req,
      rv1::SecretaryStudio* resp) override;
  grpc::ServerUnaryReactor* ListSecretaryStudios(grpc::CallbackServerContext* ctx, const rv1::ListSecretaryStudiosRequest* req,
      rv1::ListSecretaryStudiosResponse* resp) override;
  grpc::ServerUnaryReactor* CreateSecretaryStudio(grpc::CallbackServerContext* ctx, const rv1::CreateSecretaryStudioRequest* req,
      rv1::SecretaryStudio* resp) override;
  grpc::ServerUnaryReactor* UpdateSecretaryStudio(grpc::CallbackServerContext* ctx, const rv1::UpdateSecretaryStudioRequest* req,
      rv1::SecretaryStudio* resp) override;
  grpc::ServerUnaryReactor* DeleteSecretaryStudio(grpc::CallbackServerContext* ctx, const rv1::DeleteSecretaryStudioRequest* req,
      rv1::SecretaryStudio* resp) override;
  grpc::ServerUnaryReactor* UndeleteSecretaryStudio(grpc::CallbackServerContext* ctx, const rv1::UndeleteSecretaryStudioRequest* req,
      rv1::SecretaryStudio* resp) override;

 private:
  // The school's serialized bytes, through the cache.
  // One ListSchools page: this replica's near cache, Redis's page cache,
  // PostgreSQL. `query` is the page's canonical query text.
  absl::StatusOr<CachedSchoolPage> ReadSchoolPage(const SchoolListQuery& q, const std::string& query,
                                                  pg::Deadline deadline);
  absl::StatusOr<std::string> ReadSchoolBytes(const std::string& code, pg::Deadline deadline);
  void Forget(const std::string& code);
  // The region of school `code` when the caller is a county bureau (its
  // reads are limited to its prefix): PERMISSION_DENIED outside it or when
  // the school does not exist (nothing leaks); OK for every other role.
  absl::Status CountyMayRead(const CallContext& call, const std::string& code);

  RpcEdge* edge_;
  SchoolStore* schools_;
  ChangeFeed* changes_;
  cache::ReadThroughCache* cache_;
  cache::NearCache* near_cache_;
  cache::NearCache* near_school_lists_;
  std::unique_ptr<SchoolListCache> school_lists_;
  RegistryStores stores_;
};

}  // namespace gongtong::registry
