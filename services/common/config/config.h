#pragma once
// Configuration from command-line flags and GONGTONG_* environment variables.
//
// Each key `name` is set by `--name=value` or by the variable
// GONGTONG_<NAME> (upper-cased); a flag wins over the environment, which wins
// over the default. Load() validates every key and reports every bad value at
// once, naming the flag and the variable, so an operator fixes all in one go.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gongtong::config {

// Returns "" when the value is acceptable, else a reason ("must be …").
using Validator = std::function<std::string(std::string_view value)>;

struct Key {
  std::string name;           // snake_case, e.g. "pg_pool_size"
  std::string default_value;  // used when neither flag nor variable is set
  bool required = false;      // true: must be set, default ignored
  std::string help;
  Validator validate;         // may be empty
  bool secret = false;        // never echoed in messages or logs
};

// Validators.
Validator IntIn(int64_t min, int64_t max);
Validator HostPort();  // "host:port" with port 1..65535 (host may be empty, "[::]" ok)
Validator OneOf(std::vector<std::string> allowed);
Validator NonEmpty();
Validator ReadableFile();

class Config {
 public:
  // `env` maps variable names to values (pass CurrentEnvironment() in main).
  // Unknown flags, malformed flags and invalid values are errors; `--help`
  // yields kCancelled with the usage text as message.
  static absl::StatusOr<Config> Load(const std::vector<Key>& keys,
                                     const std::vector<std::string>& args,
                                     const std::map<std::string, std::string>& env);

  const std::string& Get(std::string_view name) const;  // key must exist
  int64_t GetInt(std::string_view name) const;          // key validated as int
  bool Has(std::string_view name) const;                // set or defaulted non-empty

  // One line per key with value (secrets masked), for the start-up log.
  std::vector<std::pair<std::string, std::string>> Describe() const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, bool, std::less<>> secret_;
};

// GONGTONG_<NAME> for key `name`.
std::string EnvName(std::string_view key_name);
// The process environment as a map.
std::map<std::string, std::string> CurrentEnvironment();
// Usage text for `keys`.
std::string Usage(std::string_view program, const std::vector<Key>& keys);

}  // namespace gongtong::config
