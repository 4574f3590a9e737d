#include "common/api/list_request.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/error.h"
#include "common/strings.h"

namespace gongtong::api {
namespace {

// ---- errors ---------------------------------------------------------------
// Every error here is INVALID_ARGUMENT with one BadRequest field violation.

absl::Status Invalid(const char* reason, const std::string& field, const std::string& description,
                     std::string zh) {
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, reason)
      .Message(absl::StrCat(field, ": ", description))
      .Zh(std::move(zh))
      .Field(field, description);
}

absl::Status FilterError(const std::string& description, const std::string& zh_detail) {
  return Invalid("FILTER_INVALID", "filter", description, "筛选条件有误：" + zh_detail);
}

absl::Status OrderByError(const std::string& description, const std::string& zh_detail) {
  return Invalid("ORDER_BY_INVALID", "order_by", description, "排序条件有误：" + zh_detail);
}

absl::Status PageTokenError(const char* reason, const std::string& description, std::string zh) {
  return Invalid(reason, "page_token", description, std::move(zh));
}

absl::Status MalformedPageToken() {
  return PageTokenError("PAGE_TOKEN_INVALID", "malformed page token",
                        "翻页令牌无效，请从第一页重新查询");
}

// ---- filter lexing --------------------------------------------------------

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
// Characters of a bare value: letters, digits, _ - . /
bool IsBareChar(char c) { return IsNameChar(c) || c == '-' || c == '.' || c == '/'; }

// The text at `pos` for error messages: the rest of the filter, shortened.
std::string Near(std::string_view s, size_t pos) {
  std::string_view rest = s.substr(std::min(pos, s.size()));
  if (rest.empty()) return "end of filter";
  if (rest.size() > 20) {
    size_t cut = 20;  // not inside a UTF-8 sequence: messages must stay valid UTF-8
    while (cut > 0 && (static_cast<unsigned char>(rest[cut]) & 0xc0) == 0x80) --cut;
    return absl::StrCat("\"", Absl(rest.substr(0, cut)), "...\"");
  }
  return absl::StrCat("\"", Absl(rest), "\"");
}

class FilterParser {
 public:
  explicit FilterParser(std::string_view s) : s_(s) {}

  absl::StatusOr<std::vector<FilterTerm>> Parse() {
    std::vector<FilterTerm> terms;
    SkipSpace();
    if (AtEnd()) return terms;  // empty (or blank) filter: everything
    while (true) {
      FilterTerm term;
      GT_RETURN_IF_ERROR(ParseTerm(&term));
      terms.push_back(std::move(term));
      SkipSpace();
      if (AtEnd()) return terms;
      // Between terms only the keyword AND, upper case, as a whole word.
      size_t word_start = pos_;
      while (!AtEnd() && IsBareChar(s_[pos_])) ++pos_;
      std::string_view word = s_.substr(word_start, pos_ - word_start);
      if (word != "AND") {
        if (word.size() == 3 && (word[0] == 'a' || word[0] == 'A') &&
            (word[1] == 'n' || word[1] == 'N') && (word[2] == 'd' || word[2] == 'D')) {
          return FilterError(
              absl::StrCat("\"", Absl(word), "\" between terms: AND must be upper case"),
              "连接条件须用大写 AND");
        }
        return FilterError(
            absl::StrCat("expected AND between terms, got ", Near(s_, word_start)),
            "条件之间须用 AND 连接");
      }
      SkipSpace();
      if (AtEnd()) return FilterError("filter ends after AND", "AND 之后缺少条件");
    }
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
  }

  absl::Status ParseTerm(FilterTerm* term) {
    // field = name { "." name }
    size_t start = pos_;
    while (true) {
      if (AtEnd() || !(IsAlpha(s_[pos_]) || s_[pos_] == '_')) {
        return FilterError(absl::StrCat("expected a field name at ", Near(s_, start)),
                           absl::StrCat("缺少字段名（位置 ", start, "）"));
      }
      while (!AtEnd() && IsNameChar(s_[pos_])) ++pos_;
      if (AtEnd() || s_[pos_] != '.') break;
      ++pos_;
    }
    term->field = std::string(s_.substr(start, pos_ - start));
    SkipSpace();

    // op = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
    size_t op_start = pos_;
    if (!AtEnd()) {
      char c = s_[pos_];
      if (c == '=' || c == ':') {
        ++pos_;
      } else if (c == '<' || c == '>') {
        ++pos_;
        if (!AtEnd() && s_[pos_] == '=') ++pos_;
      } else if (c == '!' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=') {
        pos_ += 2;
      }
    }
    if (pos_ == op_start) {
      return FilterError(absl::StrCat("missing operator after field ", term->field, " at ",
                                      Near(s_, op_start)),
                         absl::StrCat("字段 ", term->field, " 之后缺少运算符"));
    }
    term->op = std::string(s_.substr(op_start, pos_ - op_start));
    SkipSpace();

    // value = bare | quoted
    if (!AtEnd() && s_[pos_] == '"') return ParseQuoted(term);
    size_t value_start = pos_;
    while (!AtEnd() && IsBareChar(s_[pos_])) ++pos_;
    std::string_view value = s_.substr(value_start, pos_ - value_start);
    // A bare AND where a value belongs is the next term's keyword, not a value
    // ("a= AND b=1"); a literal AND must be quoted.
    if (value.empty() || value == "AND") {
      if (!AtEnd() && value.empty() && !IsSpace(s_[pos_])) {
        return FilterError(
            absl::StrCat("invalid value for ", term->field, term->op, " at ",
                         Near(s_, value_start),
                         ": bare values are letters, digits, _ - . /; quote anything else"),
            absl::StrCat("字段 ", term->field, " 的值无效，含其他字符的值须加双引号"));
      }
      return FilterError(absl::StrCat("missing value after ", term->field, term->op),
                         absl::StrCat("字段 ", term->field, " 缺少值"));
    }
    term->value = std::string(value);
    return absl::OkStatus();
  }

  absl::Status ParseQuoted(FilterTerm* term) {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (AtEnd()) {
        return FilterError(absl::StrCat("unterminated quoted value for ", term->field),
                           absl::StrCat("字段 ", term->field, " 的值缺少右引号"));
      }
      char c = s_[pos_++];
      if (c == '"') break;
      if (c == '\\') {
        if (AtEnd() || (s_[pos_] != '"' && s_[pos_] != '\\')) {
          return FilterError(
              absl::StrCat("invalid escape in value for ", term->field,
                           ": only \\\" and \\\\ are allowed"),
              absl::StrCat("字段 ", term->field, " 的值含无效转义，只允许 \\\" 和 \\\\"));
        }
        c = s_[pos_++];
      }
      out.push_back(c);
    }
    term->value = std::move(out);
    return absl::OkStatus();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---- order_by -------------------------------------------------------------

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

// ---- page token encoding --------------------------------------------------
// Bytes before base64: version (1), fingerprint (8, little-endian),
// issued_unix and total_size (zigzag varints), the number of `after` values
// (varint), each value as varint length + bytes, then a 4-byte checksum
// (FNV-1a of everything before it, folded to 32 bits) so that a mangled
// token fails cleanly instead of decoding into a different position. The
// checksum detects accidents, not forgery: the token is opaque, not secret.

constexpr uint8_t kTokenVersion = 1;
constexpr int64_t kTokenLifetimeSeconds = 24 * 60 * 60;
// Tokens issued slightly "in the future" are tolerated (clock skew between
// replicas); anything further ahead was not issued by us.
constexpr int64_t kTokenClockSkewSeconds = 5 * 60;
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t Fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

uint32_t Checksum(std::string_view bytes) {
  uint64_t h = Fnv1a(kFnvOffset, bytes);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutFixed(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= s_.size()) return false;
      uint8_t b = static_cast<uint8_t>(s_[pos_++]);
      if (shift == 63 && b > 1) return false;  // overflows 64 bits
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Fixed(uint64_t* v, int bytes) {
    if (s_.size() - pos_ < static_cast<size_t>(bytes)) return false;
    *v = 0;
    for (int i = 0; i < bytes; ++i) *v |= static_cast<uint64_t>(static_cast<uint8_t>(s_[pos_++])) << (8 * i);
    return true;
  }
  bool Bytes(size_t n, std::string* out) {
    if (s_.size() - pos_ < n) return false;
    out->assign(s_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return s_.size() - pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

// ---- filter ---------------------------------------------------------------

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(std::string_view filter,
                                                    const std::vector<FilterField>& allowed) {
  GT_ASSIGN_OR_RETURN(std::vector<FilterTerm> terms, FilterParser(filter).Parse());
  for (const FilterTerm& term : terms) {
    auto field = std::find_if(allowed.begin(), allowed.end(),
                              [&](const FilterField& f) { return f.name == term.field; });
    if (field == allowed.end()) {
      return FilterError(absl::StrCat("unknown field ", term.field),
                         absl::StrCat("未知字段 ", term.field));
    }
    if (std::find(field->ops.begin(), field->ops.end(), term.op) == field->ops.end()) {
      return FilterError(
          absl::StrCat("operator ", term.op, " is not allowed on field ", term.field,
                       " (allowed: ", absl::StrJoin(field->ops, " "), ")"),
          absl::StrCat("字段 ", term.field, " 不支持运算符 ", term.op));
    }
  }
  return terms;
}

// ---- order_by -------------------------------------------------------------

absl::StatusOr<std::vector<OrderField>> ParseOrderBy(std::string_view order_by,
                                                     const std::vector<std::string>& allowed,
                                                     const std::vector<OrderField>& default_order) {
  if (Trim(order_by).empty()) return default_order;
  std::vector<OrderField> out;
  size_t start = 0;
  while (true) {
    size_t comma = order_by.find(',', start);
    std::string_view item =
        order_by.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                               : comma - start);
    std::vector<std::string_view> words = Words(item);
    if (words.empty()) {
      return OrderByError("empty item (stray comma)", "多余的逗号");
    }
    std::string field(words[0]);
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      return OrderByError(absl::StrCat("unknown field ", field),
                          absl::StrCat("未知字段 ", field));
    }
    OrderField f{field, false};
    if (words.size() >= 2) {
      if (words[1] == "desc") {
        f.descending = true;
      } else if (words[1] != "asc") {
        return OrderByError(
            absl::StrCat("direction of ", field, " must be \"asc\" or \"desc\", got \"",
                         Absl(words[1]), "\""),
            absl::StrCat("字段 ", field, " 的排序方向只能是 asc 或 desc"));
      }
    }
    if (words.size() > 2) {
      return OrderByError(
          absl::StrCat("unexpected \"", Absl(words[2]), "\" after ", field,
                       " (separate fields with commas)"),
          absl::StrCat("字段 ", field, " 之后有多余内容，多个字段须用逗号分隔"));
    }
    for (const OrderField& seen : out) {
      if (seen.field == field) {
        return OrderByError(absl::StrCat("field ", field, " listed twice"),
                            absl::StrCat("字段 ", field, " 重复"));
      }
    }
    out.push_back(std::move(f));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// ---- page size ------------------------------------------------------------

absl::StatusOr<int> EffectivePageSize(int32_t requested) {
  constexpr int kDefault = 50;
  constexpr int kMax = 1000;
  if (requested < 0) {
    return Invalid("PAGE_SIZE_INVALID", "page_size", "must not be negative",
                   "每页条数不能为负数");
  }
  if (requested == 0) return kDefault;
  return std::min<int>(requested, kMax);
}

// ---- page token -----------------------------------------------------------

uint64_t RequestFingerprint(const std::vector<std::string>& parts) {
  // Each part as its length (8 bytes) then its bytes then a separator, so
  // {"ab", "c"} and {"a", "bc"} differ and so do {} and {""}.
  uint64_t h = kFnvOffset;
  for (const std::string& part : parts) {
    std::string len;
    PutFixed(&len, part.size(), 8);
    h = Fnv1a(h, len);
    h = Fnv1a(h, part);
    h = Fnv1a(h, std::string_view("\x1f", 1));
  }
  return h;
}

std::string EncodePageToken(const PageCursor& cursor) {
  std::string raw;
  raw.push_back(static_cast<char>(kTokenVersion));
  PutFixed(&raw, cursor.fingerprint, 8);
  PutVarint(&raw, ZigZag(cursor.issued_unix));
  PutVarint(&raw, ZigZag(cursor.total_size));
  PutVarint(&raw, cursor.after.size());
  for (const std::string& value : cursor.after) {
    PutVarint(&raw, value.size());
    raw += value;
  }
  PutFixed(&raw, Checksum(raw), 4);
  return absl::WebSafeBase64Escape(Absl(raw));
}

absl::StatusOr<PageCursor> DecodePageToken(std::string_view token, uint64_t fingerprint,
                                           int64_t now_unix) {
  std::string raw;
  if (token.empty() || !absl::WebSafeBase64Unescape(Absl(token), &raw)) {
    return MalformedPageToken();
  }
  // A token re-encoded from `raw` must be the one we were given: rejects
  // padding, whitespace and other spellings absl tolerates.
  if (absl::WebSafeBase64Escape(raw) != Absl(token)) return MalformedPageToken();
  if (raw.size() < 1 + 8 + 4) return MalformedPageToken();
  std::string_view body(raw.data(), raw.size() - 4);
  Reader sum(std::string_view(raw).substr(body.size()));
  uint64_t checksum = 0;
  if (!sum.Fixed(&checksum, 4) || checksum != Checksum(body)) return MalformedPageToken();

  Reader r(body);
  uint64_t version = 0, fp = 0, issued = 0, total = 0, count = 0;
  if (!r.Fixed(&version, 1) || version != kTokenVersion) return MalformedPageToken();
  if (!r.Fixed(&fp, 8) || !r.Varint(&issued) || !r.Varint(&total) || !r.Varint(&count)) {
    return MalformedPageToken();
  }
  PageCursor cursor;
  cursor.fingerprint = fp;
  cursor.issued_unix = UnZigZag(issued);
  cursor.total_size = UnZigZag(total);
  if (count > r.remaining()) return MalformedPageToken();  // each value takes ≥ 1 byte
  cursor.after.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len = 0;
    std::string value;
    if (!r.Varint(&len) || len > r.remaining() || !r.Bytes(len, &value)) {
      return MalformedPageToken();
    }
    cursor.after.push_back(std::move(value));
  }
  if (r.remaining() != 0 || cursor.total_size < 0) return MalformedPageToken();

  if (cursor.fingerprint != fingerprint) {
    return PageTokenError(
        "PAGE_TOKEN_MISMATCH",
        "page token was issued for a different request (filter, order_by or other fields changed)",
        "翻页令牌与当前查询条件不符，请从第一页重新查询");
  }
  if (cursor.issued_unix > now_unix + kTokenClockSkewSeconds) return MalformedPageToken();
  if (now_unix - cursor.issued_unix > kTokenLifetimeSeconds) {
    return PageTokenError("PAGE_TOKEN_EXPIRED", "page token expired (valid for 24 hours)",
                          "翻页令牌已过期（有效期24小时），请从第一页重新查询");
  }
  return cursor;
}

absl::StatusOr<PageStart> StartPage(std::string_view page_token, uint64_t fingerprint, int64_t now_unix) {
  PageStart start;
  if (page_token.empty()) {
    start.count_total = true;
    return start;
  }
  auto cursor = DecodePageToken(page_token, fingerprint, now_unix);
  if (!cursor.ok()) return cursor.status();
  start.after = std::move(cursor->after);
  start.total = cursor->total_size;
  return start;
}

std::string NextPageToken(bool more, const std::vector<std::string>& last_key, int64_t total,
                          uint64_t fingerprint, int64_t now_unix) {
  if (!more) return "";
  return EncodePageToken({last_key, total, now_unix, fingerprint});
}

// ---- update mask ----------------------------------------------------------

absl::StatusOr<std::vector<std::string>> CheckUpdateMask(const std::vector<std::string>& paths,
                                                         const std::vector<std::string>& updatable,
                                                         const std::vector<std::string>& immutable) {
  if (paths.empty()) {
    return Invalid("UPDATE_MASK_INVALID", "update_mask",
                   "required: list the fields to update, or \"*\" for every updatable field",
                   "必须提供更新掩码：列出要修改的字段，或用 \"*\" 表示全部可修改字段");
  }
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < paths.size(); ++i) {
    const std::string& path = paths[i];
    std::string field = absl::StrCat("update_mask.paths[", i, "]");
    if (path == "*") {
      // "*" means everything, so it cannot be combined with named paths
      // (repeating "*" itself is harmless, like any duplicate).
      if (std::any_of(paths.begin(), paths.end(), [](const std::string& p) { return p != "*"; })) {
        return Invalid("UPDATE_MASK_INVALID", field, "\"*\" must be the only path",
                       "更新掩码中的 \"*\" 不能与其他字段同时出现");
      }
      return updatable;
    }
    if (contains(immutable, path)) {
      return Invalid("UPDATE_MASK_INVALID", field,
                     absl::StrCat(path, " is immutable"),
                     absl::StrCat("字段 ", path, " 创建后不可修改"));
    }
    if (!contains(updatable, path)) {
      return Invalid("UPDATE_MASK_INVALID", field,
                     absl::StrCat("unknown or not updatable path \"", path, "\""),
                     absl::StrCat("未知或不可修改的字段 ", path));
    }
    // A path listed twice means the same as once.
    if (!contains(out, path)) out.push_back(path);
  }
  return out;
}

}  // namespace gongtong::api
