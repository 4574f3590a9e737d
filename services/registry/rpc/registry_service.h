#pragma once
// The gRPC RegistryService. Implemented so far: schools (Get, List, Create,
// Update, Delete, Undelete) and the change feed (ListChanges); every other
// method is routed through the edge and answers UNIMPLEMENTED after
// authentication. Handlers only convert, check access and delegate to the
// domain rules and the stores.

#include <memory>

#include "common/cache/read_through_cache.h"
#include "common/server/rpc_edge.h"
#include "gongtong/registry/v1/registry_service.grpc.pb.h"
#include "registry/storage/change_feed.h"
#include "registry/storage/school_store.h"

namespace gongtong::registry {

namespace rv1 = gongtong::registry::v1;

// Key of a school in the read-through cache.
std::string SchoolCacheKey(const std::string& code);

class RegistryServiceImpl final : public rv1::RegistryService::CallbackService {
 public:
  RegistryServiceImpl(RpcEdge* edge, SchoolStore* schools, ChangeFeed* changes,
                      cache::ReadThroughCache* cache);

  grpc::ServerUnaryReactor* GetSchool(grpc::CallbackServerContext* ctx, const rv1::GetSchoolRequest* req,
                                      rv1::School* resp) override;
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
  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* ctx, const rv1::ListChangesRequest* req,
                                        rv1::ListChangesResponse* resp) override;

 private:
  absl::StatusOr<rv1::School> ReadSchool(const std::string& code, pg::Deadline deadline);
  void Forget(const std::string& code);

  RpcEdge* edge_;
  SchoolStore* schools_;
  ChangeFeed* changes_;
  cache::ReadThroughCache* cache_;
};

}  // namespace gongtong::registry
