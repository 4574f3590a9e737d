#pragma once
// Runs a service whose business RPCs are not built yet: its generated
// CallbackService is registered as is, so reflection lists it and every
// method answers UNIMPLEMENTED — never a fake success — while the process
// already does everything else (config, migrations, health, relay, drain).
// A service replaces this with its own wiring when its issue is built.

#include <memory>

#include "common/server/service_main.h"

namespace gongtong {

template <typename GeneratedService>
int RunSkeletonService(ServiceDefinition def, int argc, char** argv) {
  class Unimplemented final : public GeneratedService::CallbackService {};
  def.wire = [](ServiceRuntime& rt) {
    rt.host->AddService(rt.Own(std::make_unique<Unimplemented>()));
    return absl::OkStatus();
  };
  return RunService(def, argc, argv);
}

}  // namespace gongtong
