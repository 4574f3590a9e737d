#pragma once
// PostgreSQL array literals for passing a list as one parameter
// (`= ANY($1::text[])`, `unnest($1::text[])`): every element double-quoted,
// `"` and `\` escaped, so any text is safe.

#include <string>
#include <vector>

namespace gongtong::pg {

inline std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace gongtong::pg
