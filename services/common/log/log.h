#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
// {"ts":"2026-11-22T08:00:00.123Z","level":"info","service":"booking",
//  "msg":"rpc","method":"CreateSession","code":"OK","ms":3.2}
// Thread-safe; a line is written with one write(2) so lines never interleave.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gongtong::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// A key with a value already encoded as JSON.
struct Field {
  Field(std::string_view key, std::string_view value);
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, int64_t value);
  Field(std::string_view key, int value) : Field(key, static_cast<int64_t>(value)) {}
  Field(std::string_view key, double value);
  Field(std::string_view key, bool value);
  std::string key;
  std::string json;
};

// Sets the service name written on every line and the minimum level.
void Init(std::string_view service, Level min_level);
// Parses "debug" | "info" | "warn" | "error".
bool ParseLevel(std::string_view name, Level* level);

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
// Whether lines of `level` are written; check it before building costly fields.
bool Enabled(Level level);
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, m, f); }

// JSON string literal (with quotes) for `s`; invalid UTF-8 bytes become U+FFFD.
std::string JsonQuote(std::string_view s);

}  // namespace gongtong::log
