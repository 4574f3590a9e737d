#include "registry/storage/change_log.h"

#include <pqxx/binarystring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/events/event.h"

namespace gongtong::registry {
namespace {

constexpr char kChangesLock[] = "SELECT pg_advisory_xact_lock(hashtext('gongtong.registry.changes'))";

// The DeferredChanges open in this thread, if any.
thread_local DeferredChanges* open_batch = nullptr;

}  // namespace

DeferredChanges::DeferredChanges(pqxx::transaction_base& tx) : tx_(tx), outer_(open_batch) { open_batch = this; }

DeferredChanges::~DeferredChanges() { open_batch = outer_; }

void DeferredChanges::Flush() {
  if (queued_.empty()) return;
  tx_.exec(kChangesLock);
  std::vector<std::string> change_rows, event_rows, change_params, event_params;
  auto param = [](std::vector<std::string>* params, std::string value, const char* cast = "") {
    params->push_back(std::move(value));
    return absl::StrCat("$", params->size(), cast);
  };
  for (auto& q : queued_) {
    change_rows.push_back(absl::StrCat("(", param(&change_params, std::to_string(q.resource_type), "::smallint"), ", ",
                                       param(&change_params, q.region_code), ", ",
                                       param(&change_params, q.school_code), ", decode(",
                                       param(&change_params, absl::BytesToHexString(q.change)), ", 'hex'))"));
    event_rows.push_back(absl::StrCat(
        "(", param(&event_params, q.event.event_id(), "::uuid"), ", ", param(&event_params, kRegistryStream), ", ",
        param(&event_params, q.event.event_type()), ", ", param(&event_params, q.event.aggregate_id()), ", decode(",
        param(&event_params, absl::BytesToHexString(q.event.SerializeAsString())), ", 'hex'))"));
  }
  tx_.exec_params(absl::StrCat("INSERT INTO changes (resource_type, region_code, school_code, change) VALUES ",
                               absl::StrJoin(change_rows, ", ")),
                  pqxx::prepare::make_dynamic_params(change_params));
  tx_.exec_params(absl::StrCat("INSERT INTO outbox (event_id, stream, event_type, aggregate_id, envelope) VALUES ",
                               absl::StrJoin(event_rows, ", ")),
                  pqxx::prepare::make_dynamic_params(event_params));
  queued_.clear();
}

int64_t RecordChange(pqxx::transaction_base& tx, gongtong::registry::v1::Change change,
                     const std::string& region_code, const std::string& school_code,
                     const google::protobuf::Message& payload, int64_t version,
                     const std::string& correlation_id) {
  // aggregate_type: the resource type in lower case, e.g. "school".
  std::string type = gongtong::registry::v1::ResourceType_Name(change.resource_type()).substr(14);
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto event = events::MakeEvent("registry", type, change.name(), version, payload, correlation_id);
  change.set_event_id(event.event_id());
  const std::string bytes = change.SerializeAsString();
  if (open_batch != nullptr && &open_batch->tx_ == &tx) {
    open_batch->queued_.push_back(DeferredChanges::Queued{static_cast<int>(change.resource_type()), region_code,
                                                      school_code, bytes, std::move(event)});
    return 0;
  }
  tx.exec(kChangesLock);
  auto row = tx.exec_params1(
      "INSERT INTO changes (resource_type, region_code, school_code, change) VALUES ($1, $2, $3, $4) "
      "RETURNING sequence",
      static_cast<int>(change.resource_type()), region_code, school_code,
      pqxx::binarystring(bytes.data(), bytes.size()));
  events::AppendToOutbox(tx, kRegistryStream, event);
  return row[0].as<int64_t>();
}

}  // namespace gongtong::registry
