#include "booking/storage/policy_store.h"

#include <pqxx/binarystring>

#include "absl/strings/str_cat.h"
#include "common/status/error.h"

namespace gongtong::booking {
namespace {

absl::Status Stale(const std::string& current) {
  return ErrorBuilder(absl::StatusCode::kAborted, "ETAG_MISMATCH")
      .Message("changed since it was read (etag " + current + ")")
      .Zh("设置已被他人修改，请重新读取后再操作")
      .Field("etag", "is stale");
}

template <typename M>
M Parse(const pqxx::field& f) {
  pqxx::binarystring bytes(f);
  M m;
  m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  return m;
}

template <typename M>
std::string Body(M m) {
  m.clear_etag();
  return m.SerializeAsString();
}

}  // namespace

bv1::BookingPolicy PolicyStore::Defaults(const std::string& community) const {
  bv1::BookingPolicy p;
  p.set_name(community + "/bookingPolicy");
  p.set_min_lead_days(defaults_.min_lead_days);
  p.mutable_hold_duration()->set_seconds(absl::ToInt64Seconds(defaults_.hold_duration));
  p.set_allow_short_notice(defaults_.allow_short_notice);
  return p;
}

absl::StatusOr<bv1::BookingPolicy> PolicyStore::GetPolicy(const std::string& community, pg::Deadline deadline) {
  bv1::BookingPolicy out = Defaults(community);
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) {
        auto rows = tx.exec_params("SELECT body, version FROM booking_policies WHERE community = $1", community);
        if (!rows.empty()) {
          out = Parse<bv1::BookingPolicy>(rows[0][0]);
          out.set_etag(EtagOf(rows[0][1].as<int64_t>()));
        }
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<bv1::BookingPolicy> PolicyStore::PolicyForBooking(const std::string& community,
                                                                 pg::Deadline deadline) {
  const absl::Time now = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = recent_.find(community);
    if (it != recent_.end() && now - it->second.second < kPolicyFreshness) return it->second.first;
  }
  GT_ASSIGN_OR_RETURN(bv1::BookingPolicy policy, GetPolicy(community, deadline));
  std::lock_guard<std::mutex> lock(mu_);
  recent_[community] = {policy, now};
  return policy;
}

absl::StatusOr<bv1::BookingPolicy> PolicyStore::UpdatePolicy(const std::string& community,
                                                             const bv1::BookingPolicy& values,
                                                             const std::vector<std::string>& paths,
                                                             const std::string& expected_etag,
                                                             const pg::WriteContext& ctx) {
  bv1::BookingPolicy out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<bv1::BookingPolicy>(tx, ctx));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        // Serialize concurrent first updates of the same community.
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "policy:" + community);
        auto rows = tx.exec_params("SELECT body, version FROM booking_policies WHERE community = $1", community);
        bv1::BookingPolicy p = rows.empty() ? Defaults(community) : Parse<bv1::BookingPolicy>(rows[0][0]);
        const int64_t version = rows.empty() ? 0 : rows[0][1].as<int64_t>();
        const std::string current = version == 0 ? "" : EtagOf(version);
        if (!expected_etag.empty() && expected_etag != current) return Stale(current);
        for (const auto& path : paths) {
          if (path == "min_lead_days") p.set_min_lead_days(values.min_lead_days());
          if (path == "hold_duration") *p.mutable_hold_duration() = values.hold_duration();
          if (path == "allow_short_notice") p.set_allow_short_notice(values.allow_short_notice());
        }
        if (!p.audit().has_create_time()) *p.mutable_audit()->mutable_creator() = ctx.actor;
        *p.mutable_audit()->mutable_updater() = ctx.actor;
        p.mutable_audit()->mutable_update_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
        if (!p.audit().has_create_time()) *p.mutable_audit()->mutable_create_time() = p.audit().update_time();
        const std::string body = Body(p);
        tx.exec_params(
            "INSERT INTO booking_policies (community, version, body) VALUES ($1, $2, $3) "
            "ON CONFLICT (community) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, update_time = now()",
            community, version + 1, pqxx::binarystring(body.data(), body.size()));
        out = p;
        out.set_etag(EtagOf(version + 1));
        if (!ctx.request_id.empty()) pg::RecordResponse(tx, ctx.method, ctx.request_id, out.SerializeAsString());
        return absl::OkStatus();
      },
      ctx.deadline));
  std::lock_guard<std::mutex> lock(mu_);
  recent_.erase(community);
  return out;
}

absl::StatusOr<bv1::RegionCapacity> PolicyStore::GetCapacity(const std::string& region, pg::Deadline deadline) {
  bv1::RegionCapacity out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) {
        const CapacityRule rule = sessions_->EffectiveCapacity(tx, region);
        out.set_name("regions/" + region + "/liveCapacity");
        out.set_max_concurrent_sessions(rule.limit);
        out.set_source(rule.source);
        auto rows = tx.exec_params("SELECT body, version FROM region_capacities WHERE region_code = $1", region);
        if (!rows.empty()) {
          *out.mutable_audit() = Parse<bv1::RegionCapacity>(rows[0][0]).audit();
          out.set_etag(EtagOf(rows[0][1].as<int64_t>()));
        }
        return absl::OkStatus();
      },
      deadline));
  return out;
}

absl::StatusOr<bv1::RegionCapacity> PolicyStore::UpdateCapacity(const std::string& region, int max_concurrent,
                                                                 const std::string& expected_etag,
                                                                 const pg::WriteContext& ctx) {
  bv1::RegionCapacity out;
  GT_RETURN_IF_ERROR(pool_->Transact(
      [&](pqxx::work& tx) -> absl::Status {
        GT_ASSIGN_OR_RETURN(auto replay, pg::Replay<bv1::RegionCapacity>(tx, ctx));
        if (replay) {
          out = *replay;
          return absl::OkStatus();
        }
        tx.exec_params("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "capacity:" + region);
        auto rows = tx.exec_params("SELECT body, version FROM region_capacities WHERE region_code = $1", region);
        const int64_t version = rows.empty() ? 0 : rows[0][1].as<int64_t>();
        const std::string current = version == 0 ? "" : EtagOf(version);
        if (!expected_etag.empty() && expected_etag != current) return Stale(current);
        bv1::RegionCapacity c = rows.empty() ? bv1::RegionCapacity() : Parse<bv1::RegionCapacity>(rows[0][0]);
        c.set_name("regions/" + region + "/liveCapacity");
        c.set_max_concurrent_sessions(max_concurrent);
        c.set_source(region);
        if (rows.empty()) *c.mutable_audit()->mutable_creator() = ctx.actor;
        *c.mutable_audit()->mutable_updater() = ctx.actor;
        c.mutable_audit()->mutable_update_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
        if (!c.audit().has_create_time()) *c.mutable_audit()->mutable_create_time() = c.audit().update_time();
        const std::string body = Body(c);
        tx.exec_params(
            "INSERT INTO region_capacities (region_code, max_concurrent_sessions, version, body) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (region_code) DO UPDATE SET max_concurrent_sessions = EXCLUDED.max_concurrent_sessions, "
            "version = EXCLUDED.version, body = EXCLUDED.body, update_time = now()",
            region, max_concurrent, version + 1, pqxx::binarystring(body.data(), body.size()));
        out = c;
        out.set_etag(EtagOf(version + 1));
        if (!ctx.request_id.empty()) pg::RecordResponse(tx, ctx.method, ctx.request_id, out.SerializeAsString());
        return absl::OkStatus();
      },
      ctx.deadline));
  return out;
}

}  // namespace gongtong::booking
