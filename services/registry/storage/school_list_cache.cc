#include "registry/storage/school_list_cache.h"

#include <cstdlib>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gongtong::registry {
namespace {

std::string Prefix(const std::string& schema) { return "gongtong:registry:school-lists:" + schema + ":"; }
std::string GenerationKey(const std::string& schema) { return Prefix(schema) + "gen"; }

// KEYS[1] the generation key; ARGV[1] entry prefix, ARGV[2] query hash.
// Returns {generation, entry or false}.
constexpr char kLookup[] = R"lua(
local gen = redis.call('GET', KEYS[1]) or '0'
local entry = redis.call('GET', ARGV[1] .. gen .. ':' .. ARGV[2])
return {gen, entry}
)lua";

std::string QueryHash(const std::string& query) {
  // Two independent 64-bit hashes; the query inside the entry settles the rest.
  return absl::StrFormat("%016x%016x", absl::HashOf(query), absl::HashOf(query, 0x9e3779b97f4a7c15ULL));
}

// Lengths are 4 bytes little-endian, whatever the host.
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutBytes(std::string* out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

class Reader {
 public:
  explicit Reader(const std::string& s) : s_(s) {}
  bool U32(uint32_t* v) {
    if (s_.size() - pos_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(static_cast<unsigned char>(s_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool Bytes(std::string* out) {
    uint32_t n;
    if (!U32(&n) || s_.size() - pos_ < n) return false;
    out->assign(s_, pos_, n);
    pos_ += n;
    return true;
  }
  std::string Rest() { return s_.substr(pos_); }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

std::string EncodeCachedSchoolPage(const std::string& query, const CachedSchoolPage& page) {
  std::string out;
  PutBytes(&out, query);
  PutU32(&out, page.more ? 1 : 0);
  PutBytes(&out, std::to_string(page.total));
  PutU32(&out, static_cast<uint32_t>(page.last_key.size()));
  for (const auto& k : page.last_key) PutBytes(&out, k);
  out.append(page.schools_wire);
  return out;
}

std::optional<CachedSchoolPage> DecodeCachedSchoolPage(const std::string& query, const std::string& bytes) {
  Reader r(bytes);
  CachedSchoolPage page;
  std::string stored_query, total;
  uint32_t more = 0, keys = 0;
  if (!r.Bytes(&stored_query) || stored_query != query || !r.U32(&more) || !r.Bytes(&total) || !r.U32(&keys) ||
      keys > 16) {
    return std::nullopt;
  }
  page.more = more != 0;
  page.total = std::atoll(total.c_str());
  page.last_key.resize(keys);
  for (auto& k : page.last_key) {
    if (!r.Bytes(&k)) return std::nullopt;
  }
  page.schools_wire = r.Rest();
  return page;
}

std::optional<CachedSchoolPage> SchoolListCache::Lookup(const std::string& query, std::string* generation) {
  generation->clear();
  if (ttl_.count() == 0) return std::nullopt;
  auto client = redis_->Acquire();
  auto reply = client->Command({"EVAL", kLookup, "1", GenerationKey(schema_), Prefix(schema_), QueryHash(query)});
  if (!reply.ok() || reply->elements.empty()) return std::nullopt;
  *generation = reply->elements[0].str;
  if (reply->elements.size() < 2 || reply->elements[1].type != redis::Reply::Type::kString) return std::nullopt;
  return DecodeCachedSchoolPage(query, reply->elements[1].str);
}

void SchoolListCache::Store(const std::string& query, const std::string& generation, const CachedSchoolPage& page) {
  if (ttl_.count() == 0 || generation.empty()) return;  // disabled, or Redis was unreachable at lookup
  auto client = redis_->Acquire();
  (void)client->Command({"SET", absl::StrCat(Prefix(schema_), generation, ":", QueryHash(query)),
                         EncodeCachedSchoolPage(query, page), "EX", std::to_string(ttl_.count())});
}

absl::Status SchoolListsChanged(redis::ClientPool& redis, const std::string& schema) {
  auto client = redis.Acquire();
  auto reply = client->Command({"INCR", GenerationKey(schema)});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

}  // namespace gongtong::registry
