// gongtong-assessment: wiring only (issue 5). The service is a chain of
// method families (rpc/assessment_service.h); methods not built yet answer
// UNIMPLEMENTED after authentication. Background work: the consumers of
// booking events (delivered sessions → support records and indicators) and
// of registry events (community and Party-member facts).
#include "assessment/rpc/assessment_service.h"
#include "assessment/rpc/evaluation_tasks.h"
#include "common/server/service_main.h"
#include "common/status/error.h"

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
  GT_RETURN_IF_ERROR(assessment::WireSupportTasks(rt));
  return assessment::WireEvaluationTasks(rt);
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
