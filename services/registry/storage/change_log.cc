#include "registry/storage/change_log.h"

#include <pqxx/binarystring>

#include "common/events/event.h"

namespace gongtong::registry {

int64_t RecordChange(pqxx::transaction_base& tx, gongtong::registry::v1::Change change,
                     const std::string& region_code, const std::string& school_code,
                     const google::protobuf::Message& payload, int64_t version,
                     const std::string& correlation_id) {
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('gongtong.registry.changes'))");
  // aggregate_type: the resource type in lower case, e.g. "school".
  std::string type = gongtong::registry::v1::ResourceType_Name(change.resource_type()).substr(14);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto event = events::MakeEvent("registry", type, change.name(), version, payload, correlation_id);
  change.set_event_id(event.event_id());
  const std::string bytes = change.SerializeAsString();
  auto row = tx.exec_params1(
      "INSERT INTO changes (resource_type, region_code, school_code, change) VALUES ($1, $2, $3, $4) "
      "RETURNING sequence",
      static_cast<int>(change.resource_type()), region_code, school_code,
      pqxx::binarystring(bytes.data(), bytes.size()));
  events::AppendToOutbox(tx, kRegistryStream, event);
  return row[0].as<int64_t>();
}

}  // namespace gongtong::registry
