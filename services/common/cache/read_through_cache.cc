#include "common/cache/read_through_cache.h"

#include "common/log/log.h"

namespace gongtong::cache {
namespace {

// KEYS[1] value key, KEYS[2] generation key; ARGV[1] generation seen before
// loading ("" = none), ARGV[2] value, ARGV[3] ttl seconds.
constexpr char kStoreIfUnchanged[] = R"lua(
local gen = redis.call('GET', KEYS[2]) or ''
if gen == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
)lua";

// Generations outlive any load by far; they expire so idle keys vanish.
constexpr int kGenerationTtlSeconds = 7 * 24 * 3600;

}  // namespace

ReadThroughCache::ReadThroughCache(redis::ClientPool* redis, std::chrono::seconds ttl)
    : redis_(redis), ttl_(ttl) {}

absl::StatusOr<std::string> ReadThroughCache::Get(const std::string& key, const Loader& load) {
  if (ttl_.count() == 0) return load();
  const std::string gen_key = key + ":gen";
  std::string generation;
  bool redis_ok = true;
  {
    // A hit costs one GET; the generation is read only on a miss, before
    // loading (reading it after the miss is still before the load, which is
    // all the compare-and-set needs).
    auto client = redis_->Acquire();
    auto value = client->Command({"GET", key});
    if (value.ok() && !value->is_nil()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return std::move(value->str);
    }
    auto gen = value.ok() ? client->Command({"GET", gen_key}) : value;
    if (gen.ok()) {
      generation = gen->is_nil() ? "" : gen->str;
    } else {
      redis_ok = false;
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  auto value = load();
  if (!value.ok() || !redis_ok) return value;
  auto client = redis_->Acquire();
  auto stored = client->Command({"EVAL", kStoreIfUnchanged, "2", key, gen_key, generation, *value,
                                 std::to_string(ttl_.count())});
  if (!stored.ok()) errors_.fetch_add(1, std::memory_order_relaxed);
  return value;
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
