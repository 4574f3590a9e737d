#include "common/cache/read_through_cache.h"

#include <algorithm>

#include "common/log/log.h"
#include "common/status/error.h"

namespace gongtong::cache {
namespace {

// Stores each of n entries only if its generation is still the one seen
// before loading: KEYS[1..n] value keys, KEYS[n+1..2n] their generation
// keys; ARGV[1..n] generations seen ("" = none), ARGV[n+1..2n] values,
// ARGV[2n+1] ttl seconds. Returns how many were stored.
constexpr char kStoreManyIfUnchanged[] = R"lua(
local n = #KEYS / 2
local stored = 0
for i = 1, n do
  local gen = redis.call('GET', KEYS[n + i]) or ''
  if gen == ARGV[i] then
    redis.call('SET', KEYS[i], ARGV[n + i], 'EX', ARGV[2 * n + 1])
    stored = stored + 1
  end
end
return stored
)lua";

// Generations outlive any load by far; they expire so idle keys vanish.
constexpr int kGenerationTtlSeconds = 7 * 24 * 3600;

}  // namespace

ReadThroughCache::ReadThroughCache(redis::ClientPool* redis, std::chrono::seconds ttl)
    : redis_(redis), ttl_(ttl) {}

absl::StatusOr<std::string> ReadThroughCache::Get(const std::string& key, const Loader& load) {
  if (ttl_.count() == 0) return load();
  bool reachable = true;
  if (auto hit = Lookup(key, &reachable)) return std::move(*hit);  // the hot path: one GET
  GT_ASSIGN_OR_RETURN(std::vector<std::string> values,
                      LoadAndStore({key}, [&]() -> absl::StatusOr<std::vector<std::string>> {
                        GT_ASSIGN_OR_RETURN(std::string value, load());
                        return std::vector<std::string>{std::move(value)};
                      }, reachable));
  return std::move(values[0]);
}

absl::StatusOr<std::string> ReadThroughCache::GetGroup(const std::string& key, const std::vector<std::string>& group,
                                                      const GroupLoader& load) {
  const auto index = std::find(group.begin(), group.end(), key) - group.begin();
  if (index == static_cast<ptrdiff_t>(group.size())) return absl::InternalError("cache group lacks its key " + key);
  auto pick = [&](absl::StatusOr<std::vector<std::string>> values) -> absl::StatusOr<std::string> {
    if (!values.ok()) return values.status();
    if (values->size() != group.size()) return absl::InternalError("cache group loaded the wrong number of entries");
    return std::move((*values)[index]);
  };
  if (ttl_.count() == 0) return pick(load());
  bool reachable = true;
  if (auto hit = Lookup(key, &reachable)) return std::move(*hit);
  return pick(LoadAndStore(group, load, reachable));
}

std::optional<std::string> ReadThroughCache::Lookup(const std::string& key, bool* reachable) {
  auto client = redis_->Acquire();
  auto value = client->Command({"GET", key});
  if (!value.ok()) {
    *reachable = false;
    errors_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  if (value->is_nil()) return std::nullopt;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return std::move(value->str);
}

absl::StatusOr<std::vector<std::string>> ReadThroughCache::LoadAndStore(const std::vector<std::string>& group,
                                                                        const GroupLoader& load, bool reachable) {
  misses_.fetch_add(1, std::memory_order_relaxed);
  // The generations are read after the miss and before the load, which is
  // all the compare-and-set needs.
  std::vector<std::string> generations;
  if (reachable) {
    std::vector<std::string> args = {"MGET"};
    for (const auto& k : group) args.push_back(k + ":gen");
    auto client = redis_->Acquire();
    auto gens = client->Command(args);
    if (gens.ok() && gens->elements.size() == group.size()) {
      for (const auto& g : gens->elements) generations.push_back(g.is_nil() ? "" : g.str);
    } else {
      reachable = false;
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  auto values = load();
  if (!values.ok() || values->size() != group.size() || !reachable) return values;
  std::vector<std::string> args = {"EVAL", kStoreManyIfUnchanged, std::to_string(2 * group.size())};
  args.insert(args.end(), group.begin(), group.end());
  for (const auto& k : group) args.push_back(k + ":gen");
  args.insert(args.end(), generations.begin(), generations.end());
  args.insert(args.end(), values->begin(), values->end());
  args.push_back(std::to_string(ttl_.count()));
  auto client = redis_->Acquire();
  if (!client->Command(args).ok()) errors_.fetch_add(1, std::memory_order_relaxed);
  return values;
}

std::vector<std::optional<std::string>> ReadThroughCache::Peek(const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> out(keys.size());
  if (ttl_.count() == 0 || keys.empty()) return out;
  std::vector<std::string> args = {"MGET"};
  args.insert(args.end(), keys.begin(), keys.end());
  auto client = redis_->Acquire();
  auto reply = client->Command(args);
  if (!reply.ok() || reply->elements.size() != keys.size()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return out;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (reply->elements[i].is_nil()) continue;
    hits_.fetch_add(1, std::memory_order_relaxed);
    out[i] = std::move(reply->elements[i].str);
  }
  return out;
}

absl::Status ReadThroughCache::Invalidate(const std::string& key) {
  const std::string gen_key = key + ":gen";
  auto client = redis_->Acquire();
  auto r = client->Pipeline({{"INCR", gen_key},
                             {"EXPIRE", gen_key, std::to_string(kGenerationTtlSeconds)},
                             {"DEL", key}});
  if (!r.ok()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return r.status();
  }
  return absl::OkStatus();
}

}  // namespace gongtong::cache
