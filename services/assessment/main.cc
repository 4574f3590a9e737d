// gongtong-assessment: wiring only (issue 5). The service is a chain of
// method families (rpc/assessment_service.h); methods not built yet answer
// UNIMPLEMENTED after authentication.
#include "assessment/rpc/assessment_service.h"
#include "common/server/service_main.h"

namespace gongtong::pg {
const std::vector<Migration>& AssessmentMigrations();
}  // namespace gongtong::pg

namespace {

using namespace gongtong;

absl::Status Wire(ServiceRuntime& rt) {
  assessment::AssessmentDeps deps;
  deps.edge = rt.edge;
  deps.pool = rt.pool;
  deps.redis_pool = rt.redis_pool;
  deps.config = rt.config;
  rt.host->AddService(rt.Own(std::make_unique<assessment::AssessmentServiceImpl>(deps)));
  return assessment::WireSupportTasks(rt);
}

}  // namespace

int main(int argc, char** argv) {
  ServiceDefinition def;
  def.name = "assessment";
  def.default_port = 50054;
  def.grpc_service = "gongtong.assessment.v1.AssessmentService";
  def.migrations = &pg::AssessmentMigrations();
  def.wire = Wire;
  return RunService(def, argc, argv);
}
