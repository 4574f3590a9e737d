#include "common/auth/token_file.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/strip.h"
#include "absl/strings/ascii.h"

namespace gongtong::auth {

std::string TokenFile::Get() {
  if (path_.empty()) return "";
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (mtime_ns_ >= 0 && now - checked_ < std::chrono::seconds(1)) return token_;
  checked_ = now;
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return token_;
  const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (mtime == mtime_ns_) return token_;
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return token_;
  token_ = std::string(absl::StripAsciiWhitespace(text.str()));
  mtime_ns_ = mtime;
  return token_;
}

}  // namespace gongtong::auth
