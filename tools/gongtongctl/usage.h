// Help texts of gongtongctl.
#pragma once

#include <string>
#include "absl/strings/string_view.h"

namespace gongtongctl {

// The full usage text with examples (`gongtongctl help`).
std::string UsageText();

// The usage of one command, or the full text for an unknown one.
std::string CommandUsage(absl::string_view command);

}  // namespace gongtongctl
