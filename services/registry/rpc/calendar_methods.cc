// RegistryService: calendars and bell schedules. Each method listed in CalendarMethodNames() is
// implemented in this file; the others of the family still answer
// UNIMPLEMENTED through the edge.
#include "registry/rpc/registry_service.h"

namespace gongtong::registry {

const std::set<std::string>& CalendarMethodNames() {
  static const auto* kNames = new std::set<std::string>{};
  return *kNames;
}

}  // namespace gongtong::registry
