#include "common/api/offset_page.h"

#include <ctime>

#include "absl/strings/numbers.h"
#include "common/status/error.h"

namespace gongtong::api {
namespace {

int64_t NowUnix() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

absl::StatusOr<OffsetPage> StartOffsetPage(int32_t page_size, int32_t default_size, const std::string& page_token,
                                           const std::vector<std::string>& pinned) {
  OffsetPage page;
  GT_ASSIGN_OR_RETURN(page.limit, EffectivePageSize(page_size == 0 ? default_size : page_size));
  page.fingerprint = RequestFingerprint(pinned);
  if (page_token.empty()) return page;
  GT_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token, page.fingerprint, NowUnix()));
  if (cursor.after.size() != 1 || !absl::SimpleAtoi(cursor.after[0], &page.offset) || page.offset < 0) {
    return InvalidField("page_token", "malformed page token", "翻页令牌无效，请从第一页重新查询", "PAGE_TOKEN_INVALID");
  }
  return page;
}

std::string NextOffsetToken(const OffsetPage& page, int64_t total) {
  if (page.offset + page.limit >= total) return "";
  return EncodePageToken({{std::to_string(page.offset + page.limit)}, total, NowUnix(), page.fingerprint});
}

}  // namespace gongtong::api
