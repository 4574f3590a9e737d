#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gongtong::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};
std::mutex g_service_mu;
std::string g_service = "gongtong";

const char* LevelName(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

std::string NowUtc() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = ms / 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

}  // namespace

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else {
          // Copy a well-formed UTF-8 sequence; replace anything else.
          int len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
          bool ok = len > 0 && i + len <= s.size();
          for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
          if (ok) {
            out.append(s.substr(i, len));
            i += len - 1;
          } else {
            out += "\xEF\xBF\xBD";
          }
        }
    }
  }
  return out + "\"";
}

Field::Field(std::string_view k, std::string_view value) : key(k), json(JsonQuote(value)) {}
Field::Field(std::string_view k, int64_t value) : key(k), json(absl::StrCat(value)) {}
Field::Field(std::string_view k, double value)
    : key(k), json(std::isfinite(value) ? absl::StrFormat("%.3f", value) : "null") {}
Field::Field(std::string_view k, bool value) : key(k), json(value ? "true" : "false") {}

void Init(std::string_view service, Level min_level) {
  std::lock_guard<std::mutex> lock(g_service_mu);
  g_service = std::string(service);
  g_min_level = static_cast<int>(min_level);
}

bool ParseLevel(std::string_view name, Level* level) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == LevelName(l)) {
      *level = l;
      return true;
    }
  }
  return false;
}

bool Enabled(Level level) { return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string service;
  {
    std::lock_guard<std::mutex> lock(g_service_mu);
    service = g_service;
  }
  std::string line = absl::StrCat("{\"ts\":\"", NowUtc(), "\",\"level\":\"", LevelName(level),
                                  "\",\"service\":", JsonQuote(service), ",\"msg\":", JsonQuote(msg));
  for (const auto& f : fields) absl::StrAppend(&line, ",", JsonQuote(f.key), ":", f.json);
  line += "}\n";
  // One write(2): concurrent lines never interleave. Logging never fails the caller.
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace gongtong::log
