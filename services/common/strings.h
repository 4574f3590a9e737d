#pragma once
// Debian 12's Abseil is built with its own absl::string_view, distinct from
// std::string_view. Our APIs take std::string_view; convert at absl calls.

#include <string_view>

#include "absl/strings/string_view.h"

namespace gongtong {

inline absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace gongtong
