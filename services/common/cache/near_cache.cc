#include "common/cache/near_cache.h"

#include <algorithm>
#include <functional>

namespace gongtong::cache {

NearCache::NearCache(size_t capacity, std::chrono::milliseconds ttl)
    : per_shard_capacity_(std::max<size_t>(1, capacity / kShards)), ttl_(ttl) {}

NearCache::Shard& NearCache::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

const NearCache::Shard& NearCache::ShardOf(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

std::optional<std::string> NearCache::Lookup(const std::string& key) {
  if (!open()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  Shard& shard = ShardOf(key);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.entries.find(key);
    if (it != shard.entries.end()) {
      if (it->second.expires > now) {
        hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second.value;
      }
      shard.entries.erase(it);
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return std::nullopt;
}

uint64_t NearCache::Ticket(const std::string& key) const {
  return ShardOf(key).generation.load(std::memory_order_acquire);
}

bool NearCache::Fill(const std::string& key, std::string value, uint64_t ticket) {
  if (!open()) return false;
  Shard& shard = ShardOf(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  // Invalidations bump the generation under the shard's lock, so checking
  // it here (under the same lock) orders this store before or after them.
  if (shard.generation.load(std::memory_order_relaxed) != ticket || !open()) return false;
  const auto now = std::chrono::steady_clock::now();
  if (shard.entries.size() >= per_shard_capacity_ && shard.entries.count(key) == 0) {
    auto victim = std::find_if(shard.entries.begin(), shard.entries.end(),
                               [&](const auto& kv) { return kv.second.expires <= now; });
    shard.entries.erase(victim != shard.entries.end() ? victim : shard.entries.begin());
  }
  shard.entries[key] = Entry{std::move(value), now + ttl_};
  return true;
}

void NearCache::Invalidate(const std::string& key) {
  invalidations_.fetch_add(1, std::memory_order_relaxed);
  Shard& shard = ShardOf(key);
  std::lock_guard<std::mutex> lock(shard.mu);
  shard.generation.fetch_add(1, std::memory_order_acq_rel);
  shard.entries.erase(key);
}

void NearCache::SetOpen(bool open) {
  // Closing first stops new stores; dropping bumps every generation so a
  // load in flight across the change cannot store.
  if (!open) open_.store(false, std::memory_order_release);
  InvalidateAll();
  if (open) open_.store(true, std::memory_order_release);
}

void NearCache::InvalidateAll() {
  invalidations_.fetch_add(1, std::memory_order_relaxed);
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.generation.fetch_add(1, std::memory_order_acq_rel);
    shard.entries.clear();
  }
}

size_t NearCache::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    n += shard.entries.size();
  }
  return n;
}

}  // namespace gongtong::cache
