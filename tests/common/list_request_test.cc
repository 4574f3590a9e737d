// AIP list and update helpers (common/api/list_request.h): filter, order_by,
// page size, page tokens, update masks. One row per case; every error row
// also checks the status is INVALID_ARGUMENT with the BadRequest field it
// names, a reason, and a zh-CN message, decoded the way a client sees them.
//
// Decisions pinned here:
//  - AND is upper case only. A lowercase (or mixed-case) "and" between terms
//    is an error that says so; inside a quoted value it is just text.
//  - Bare values are ASCII letters, digits, _ - . /; anything else
//    (spaces, Chinese, punctuation) must be double-quoted. A bare AND where a
//    value belongs is read as a missing value.
//  - order_by directions are lower-case "asc"/"desc"; a field listed twice
//    is an error.
//  - A duplicate update_mask path is removed (first occurrence kept);
//    "*" may not be combined with named paths.
//  - An empty page token is not a token: callers treat "" as the first page
//    and never decode it.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/api/list_request.h"
#include "common/status/error.h"
#include "common/status/grpc_status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace gongtong::api {
namespace {

// ---- error decoding -------------------------------------------------------

struct Decoded {
  google::rpc::Status status;
  google::rpc::ErrorInfo info;
  google::rpc::LocalizedMessage zh;
  google::rpc::BadRequest bad;
  bool has_info = false, has_zh = false, has_bad = false;
};

Decoded Decode(const absl::Status& in) {
  grpc::Status s = ToGrpcStatus(in);
  Decoded d;
  EXPECT_TRUE(d.status.ParseFromString(s.error_details()));
  for (const auto& any : d.status.details()) {
    if (any.UnpackTo(&d.info)) d.has_info = true;
    else if (any.UnpackTo(&d.zh)) d.has_zh = true;
    else if (any.UnpackTo(&d.bad)) d.has_bad = true;
  }
  return d;
}

// `status` is INVALID_ARGUMENT with exactly one field violation on `field`,
// ErrorInfo reason `reason`, and a zh-CN message containing `zh`.
void ExpectInvalid(const absl::Status& status, const std::string& field, const std::string& reason,
                   const std::string& zh) {
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  Decoded d = Decode(status);
  EXPECT_EQ(d.status.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_TRUE(d.has_info);
  EXPECT_EQ(d.info.reason(), reason);
  ASSERT_TRUE(d.has_bad) << status;
  ASSERT_EQ(d.bad.field_violations_size(), 1);
  EXPECT_EQ(d.bad.field_violations(0).field(), field);
  EXPECT_FALSE(d.bad.field_violations(0).description().empty());
  ASSERT_TRUE(d.has_zh);
  EXPECT_EQ(d.zh.locale(), "zh-CN");
  EXPECT_NE(d.zh.message().find(zh), std::string::npos)
      << "zh-CN message \"" << d.zh.message() << "\" lacks \"" << zh << "\"";
  EXPECT_FALSE(status.message().empty());
}

template <typename Row>
std::string RowName(const ::testing::TestParamInfo<Row>& info) {
  return info.param.name;
}

// ---- filter ---------------------------------------------------------------

const std::vector<FilterField>& FilterFields() {
  static const auto* fields = new std::vector<FilterField>{
      {"state", {"=", "!="}},
      {"region_code", {"=", ":"}},
      {"display_name", {"=", ":"}},
      {"date", {"=", "<", "<=", ">", ">="}},
      {"code", {"=", "!=", "<", "<=", ">", ">=", ":"}},
      {"parent", {"="}},
      {"audit.create_time", {"<", ">="}},
  };
  return *fields;
}

std::string Render(const std::vector<FilterTerm>& terms) {
  std::string out;
  for (const auto& t : terms) out += "[" + t.field + "|" + t.op + "|" + t.value + "]";
  return out;
}

struct FilterRow {
  std::string name;
  std::string filter;
  std::vector<FilterTerm> want;  // when ok
  std::string zh;                // error rows: part of the zh-CN message; "" = ok row
};

class ListFilterTest : public ::testing::TestWithParam<FilterRow> {};

TEST_P(ListFilterTest, Parses) {
  const FilterRow& row = GetParam();
  auto got = ParseFilter(row.filter, FilterFields());
  if (row.zh.empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(Render(*got), Render(row.want));
  } else {
    ExpectInvalid(got.status(), "filter", "FILTER_INVALID", row.zh);
    if (!got.ok()) {
      EXPECT_EQ(Decode(got.status()).zh.message().rfind("筛选条件有误：", 0), 0u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ListFilterTest,
    ::testing::Values(
        FilterRow{"Empty", "", {}, ""},
        FilterRow{"Blank", "  \t ", {}, ""},
        FilterRow{"OneTerm", "state=SESSION_STATE_CONFIRMED",
                  {{"state", "=", "SESSION_STATE_CONFIRMED"}}, ""},
        FilterRow{"AndOfThree", R"(region_code:"3310" AND date>=2024-09-01 AND date<=2024-09-30)",
                  {{"region_code", ":", "3310"}, {"date", ">=", "2024-09-01"},
                   {"date", "<=", "2024-09-30"}},
                  ""},
        FilterRow{"FreeWhitespace", "  state = X   AND\tdate >2024-09-01  ",
                  {{"state", "=", "X"}, {"date", ">", "2024-09-01"}}, ""},
        FilterRow{"QuotedWithSpaces", R"(display_name:"first middle  school")",
                  {{"display_name", ":", "first middle  school"}}, ""},
        FilterRow{"QuotedChineseAndEscapedQuote", R"(display_name="杭州市\"实验\"小学 分校")",
                  {{"display_name", "=", "杭州市\"实验\"小学 分校"}}, ""},
        FilterRow{"QuotedEscapedBackslash", R"(display_name="a\\b")",
                  {{"display_name", "=", "a\\b"}}, ""},
        FilterRow{"QuotedEmpty", R"(display_name="")", {{"display_name", "=", ""}}, ""},
        FilterRow{"QuotedUpperAndIsText", R"(display_name:"x AND y")",
                  {{"display_name", ":", "x AND y"}}, ""},
        FilterRow{"QuotedLowerAndIsText", R"(display_name:"x and y" AND state=X)",
                  {{"display_name", ":", "x and y"}, {"state", "=", "X"}}, ""},
        FilterRow{"QuotedThenAndWithoutSpace", R"(display_name="x"AND state=X)",
                  {{"display_name", "=", "x"}, {"state", "=", "X"}}, ""},
        FilterRow{"OpEq", "code=1", {{"code", "=", "1"}}, ""},
        FilterRow{"OpNe", "code!=1", {{"code", "!=", "1"}}, ""},
        FilterRow{"OpLt", "code<1", {{"code", "<", "1"}}, ""},
        FilterRow{"OpLe", "code<=1", {{"code", "<=", "1"}}, ""},
        FilterRow{"OpGt", "code>1", {{"code", ">", "1"}}, ""},
        FilterRow{"OpGe", "code>=1", {{"code", ">=", "1"}}, ""},
        FilterRow{"OpHas", "code:1", {{"code", ":", "1"}}, ""},
        FilterRow{"DottedField", "audit.create_time>=2024-01-01",
                  {{"audit.create_time", ">=", "2024-01-01"}}, ""},
        FilterRow{"BareValueChars", "parent=schools/-", {{"parent", "=", "schools/-"}}, ""},
        FilterRow{"BareValueAllKinds", "code=a_B-9.x/y", {{"code", "=", "a_B-9.x/y"}}, ""},
        FilterRow{"FieldRepeatsForRange", "code>1 AND code<9",
                  {{"code", ">", "1"}, {"code", "<", "9"}}, ""},
        // errors
        FilterRow{"MissingValueAtEnd", "state=", {}, "缺少值"},
        FilterRow{"MissingValueBeforeAnd", "state= AND date>2024-09-01", {}, "缺少值"},
        FilterRow{"MissingOperator", "state SESSION_STATE_CONFIRMED", {}, "缺少运算符"},
        FilterRow{"MissingOperatorAtEnd", "state", {}, "缺少运算符"},
        FilterRow{"BangAlone", "state!X", {}, "缺少运算符"},
        FilterRow{"DanglingAnd", "state=X AND", {}, "AND 之后缺少条件"},
        FilterRow{"DanglingAndWithSpace", "state=X AND   ", {}, "AND 之后缺少条件"},
        FilterRow{"DoubleAnd", "state=X AND AND date>1", {}, "缺少运算符"},
        FilterRow{"LeadingAnd", "AND state=X", {}, "缺少运算符"},
        FilterRow{"UnknownField", "foo=1", {}, "筛选条件有误：未知字段 foo"},
        FilterRow{"UnknownDottedField", "audit.delete_time<1", {}, "未知字段 audit.delete_time"},
        FilterRow{"UnknownFieldInThirdTerm", "state=X AND code=1 AND foo=2", {}, "未知字段 foo"},
        FilterRow{"OperatorNotAllowed", "state<X", {}, "字段 state 不支持运算符 <"},
        FilterRow{"HasNotAllowed", "date:2024", {}, "字段 date 不支持运算符 :"},
        FilterRow{"LowercaseAnd", "state=X and date>1", {}, "大写 AND"},
        FilterRow{"MixedCaseAnd", "state=X And date>1", {}, "大写 AND"},
        FilterRow{"MissingAnd", "state=X date>1", {}, "AND 连接"},
        FilterRow{"OrIsNotSupported", "state=X OR state=Y", {}, "AND 连接"},
        FilterRow{"JunkAfterQuoted", R"(state="X"Y)", {}, "AND 连接"},
        FilterRow{"AndGluedToWord", "state=X ANDdate>1", {}, "AND 连接"},
        FilterRow{"UnterminatedQuote", R"(display_name:"实验)", {}, "缺少右引号"},
        FilterRow{"EscapeAtEnd", R"(display_name:"a\)", {}, "无效转义"},
        FilterRow{"BadEscape", R"(display_name:"a\nb")", {}, "无效转义"},
        FilterRow{"UnquotedChinese", "display_name:实验", {}, "须加双引号"},
        FilterRow{"UnquotedSpaceIsTwoWords", "display_name=first school", {}, "AND 连接"},
        FilterRow{"DoubleEquals", "state==X", {}, "须加双引号"},
        FilterRow{"Parenthesis", "(state=X)", {}, "缺少字段名"},
        FilterRow{"FieldStartsWithDigit", "1code=2", {}, "缺少字段名"},
        FilterRow{"TrailingDotInField", "audit.=1", {}, "缺少字段名"}),
    RowName<FilterRow>);

// ---- order_by -------------------------------------------------------------

struct OrderRow {
  std::string name;
  std::string order_by;
  std::vector<OrderField> want;
  std::string zh;  // "" = ok row
};

std::string Render(const std::vector<OrderField>& fields) {
  std::string out;
  for (const auto& f : fields) out += f.field + (f.descending ? " desc;" : " asc;");
  return out;
}

class ListOrderByTest : public ::testing::TestWithParam<OrderRow> {};

TEST_P(ListOrderByTest, Parses) {
  const OrderRow& row = GetParam();
  const std::vector<std::string> allowed = {"display_name", "code", "audit.create_time"};
  const std::vector<OrderField> default_order = {{"code", false}, {"display_name", true}};
  auto got = ParseOrderBy(row.order_by, allowed, default_order);
  if (row.zh.empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(Render(*got), Render(row.want));
  } else {
    ExpectInvalid(got.status(), "order_by", "ORDER_BY_INVALID", row.zh);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ListOrderByTest,
    ::testing::Values(
        OrderRow{"EmptyIsDefault", "", {{"code", false}, {"display_name", true}}, ""},
        OrderRow{"BlankIsDefault", "  ", {{"code", false}, {"display_name", true}}, ""},
        OrderRow{"OneField", "display_name", {{"display_name", false}}, ""},
        OrderRow{"TwoFields", "display_name, code desc",
                 {{"display_name", false}, {"code", true}}, ""},
        OrderRow{"Desc", "code desc", {{"code", true}}, ""},
        OrderRow{"Asc", "code asc", {{"code", false}}, ""},
        OrderRow{"NoSpaceAfterComma", "code,display_name",
                 {{"code", false}, {"display_name", false}}, ""},
        OrderRow{"ExtraWhitespace", "  audit.create_time   desc ,  code  ",
                 {{"audit.create_time", true}, {"code", false}}, ""},
        OrderRow{"UnknownField", "foo", {}, "排序条件有误：未知字段 foo"},
        OrderRow{"UnknownSecondField", "code, foo desc", {}, "未知字段 foo"},
        OrderRow{"BadDirection", "code descending", {}, "asc 或 desc"},
        OrderRow{"UpperCaseDirection", "code DESC", {}, "asc 或 desc"},
        OrderRow{"TrailingComma", "code desc,", {}, "多余的逗号"},
        OrderRow{"LeadingComma", ",code", {}, "多余的逗号"},
        OrderRow{"DoubleComma", "code,,display_name", {}, "多余的逗号"},
        OrderRow{"MissingComma", "code desc display_name", {}, "逗号分隔"},
        OrderRow{"DuplicateField", "code, code desc", {}, "字段 code 重复"}),
    RowName<OrderRow>);

// ---- page size ------------------------------------------------------------

struct PageSizeRow {
  std::string name;
  int32_t requested;
  int want;  // -1 = error
};

class ListPageSizeTest : public ::testing::TestWithParam<PageSizeRow> {};

TEST_P(ListPageSizeTest, Effective) {
  const PageSizeRow& row = GetParam();
  auto got = EffectivePageSize(row.requested);
  if (row.want >= 0) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, row.want);
  } else {
    ExpectInvalid(got.status(), "page_size", "PAGE_SIZE_INVALID", "不能为负数");
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, ListPageSizeTest,
                         ::testing::Values(PageSizeRow{"Minus1", -1, -1},
                                           PageSizeRow{"Int32Min", INT32_MIN, -1},
                                           PageSizeRow{"ZeroIsDefault", 0, 50},
                                           PageSizeRow{"One", 1, 1},
                                           PageSizeRow{"Max", 1000, 1000},
                                           PageSizeRow{"AboveMaxCoerced", 1001, 1000},
                                           PageSizeRow{"Int32MaxCoerced", INT32_MAX, 1000}),
                         RowName<PageSizeRow>);

// ---- page token -----------------------------------------------------------

constexpr int64_t kIssued = 1725148800;  // 2024-09-01T00:00:00Z
constexpr int64_t kDay = 24 * 60 * 60;

uint64_t TestFingerprint() {
  return RequestFingerprint({"schools/-", "region_code:\"3310\"", "display_name", "false"});
}

PageCursor Cursor(std::vector<std::string> after, int64_t total = 1234) {
  PageCursor c;
  c.after = std::move(after);
  c.total_size = total;
  c.issued_unix = kIssued;
  c.fingerprint = TestFingerprint();
  return c;
}

// Replaces the character at `i` (negative: from the end) with another valid
// web-safe base64 character.
std::string FlipChar(std::string token, int i) {
  size_t at = i >= 0 ? static_cast<size_t>(i) : token.size() + i;
  token[at] = token[at] == 'A' ? 'B' : 'A';
  return token;
}

struct TokenRow {
  std::string name;
  PageCursor cursor;
  std::function<std::string(const std::string&)> mangle;  // token as sent
  uint64_t fingerprint;                                  // of the request decoding it
  int64_t now;
  std::string reason;  // "" = round trip
  std::string zh;
};

std::string AsIs(const std::string& t) { return t; }

class ListPageTokenTest : public ::testing::TestWithParam<TokenRow> {};

TEST_P(ListPageTokenTest, Decodes) {
  const TokenRow& row = GetParam();
  std::string token = EncodePageToken(row.cursor);
  EXPECT_FALSE(token.empty());
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
      << token;
  auto got = DecodePageToken(row.mangle(token), row.fingerprint, row.now);
  if (row.reason.empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->after, row.cursor.after);
    EXPECT_EQ(got->total_size, row.cursor.total_size);
    EXPECT_EQ(got->issued_unix, row.cursor.issued_unix);
    EXPECT_EQ(got->fingerprint, row.cursor.fingerprint);
  } else {
    ExpectInvalid(got.status(), "page_token", row.reason, row.zh);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ListPageTokenTest,
    ::testing::Values(
        TokenRow{"RoundTrip", Cursor({"2024-09-01", "schools/3310240001"}), AsIs,
                 TestFingerprint(), kIssued + 60, "", ""},
        TokenRow{"RoundTripEmptyAfter", Cursor({}), AsIs, TestFingerprint(), kIssued, "", ""},
        TokenRow{"RoundTripZeroTotal", Cursor({"x"}, 0), AsIs, TestFingerprint(), kIssued, "", ""},
        TokenRow{"RoundTripOddValues",
                 Cursor({"", std::string("\0\xff\x01", 3), "杭州市实验小学", std::string(300, 'z')},
                        INT64_MAX),
                 AsIs, TestFingerprint(), kIssued, "", ""},
        TokenRow{"ValidAtExactly24h", Cursor({"a"}), AsIs, TestFingerprint(), kIssued + kDay, "",
                 ""},
        TokenRow{"ToleratesSmallClockSkew", Cursor({"a"}), AsIs, TestFingerprint(), kIssued - 60,
                 "", ""},
        TokenRow{"ExpiredAt24hPlus1s", Cursor({"a"}), AsIs, TestFingerprint(), kIssued + kDay + 1,
                 "PAGE_TOKEN_EXPIRED", "已过期"},
        TokenRow{"IssuedFarInFuture", Cursor({"a"}), AsIs, TestFingerprint(), kIssued - 3600,
                 "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"WrongFingerprint", Cursor({"a"}), AsIs,
                 RequestFingerprint({"schools/-", "region_code:\"3311\"", "display_name", "false"}),
                 kIssued, "PAGE_TOKEN_MISMATCH", "查询条件不符"},
        TokenRow{"TamperedInvalidBase64Char", Cursor({"a", "b"}),
                 [](const std::string& t) { return "*" + t.substr(1); }, TestFingerprint(),
                 kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TamperedStandardBase64Char", Cursor({"a", "b"}),
                 [](const std::string& t) { return t.substr(0, 4) + "+" + t.substr(5); },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TamperedFirstChar", Cursor({"a", "b"}),
                 [](const std::string& t) { return FlipChar(t, 0); }, TestFingerprint(), kIssued,
                 "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TamperedMiddleChar", Cursor({"2024-09-01", "schools/3310240001"}),
                 [](const std::string& t) { return FlipChar(t, static_cast<int>(t.size() / 2)); },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TruncatedByOne", Cursor({"a", "b"}),
                 [](const std::string& t) { return t.substr(0, t.size() - 1); }, TestFingerprint(),
                 kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TruncatedByFour", Cursor({"a", "b"}),
                 [](const std::string& t) { return t.substr(0, t.size() - 4); }, TestFingerprint(),
                 kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"TruncatedToHalf", Cursor({"2024-09-01", "schools/3310240001"}),
                 [](const std::string& t) { return t.substr(0, t.size() / 2); }, TestFingerprint(),
                 kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"ExtraChars", Cursor({"a"}), [](const std::string& t) { return t + "AAAA"; },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"Padded", Cursor({"a"}), [](const std::string& t) { return t + "="; },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"Empty", Cursor({"a"}), [](const std::string&) { return std::string(); },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"},
        TokenRow{"NotOurs", Cursor({"a"}),
                 [](const std::string&) { return std::string("aGVsbG8gd29ybGQ"); },
                 TestFingerprint(), kIssued, "PAGE_TOKEN_INVALID", "无效"}),
    RowName<TokenRow>);

TEST(ListPageToken, TokensDifferWhenCursorsDo) {
  PageCursor a = Cursor({"a", "b"});
  PageCursor b = Cursor({"ab"});
  PageCursor c = Cursor({"a", "b"}, 7);
  EXPECT_NE(EncodePageToken(a), EncodePageToken(b));
  EXPECT_NE(EncodePageToken(a), EncodePageToken(c));
  EXPECT_EQ(EncodePageToken(a), EncodePageToken(Cursor({"a", "b"})));
}

TEST(ListPageToken, StartPageAndNextPageToken) {
  // No token: the first page, counted.
  auto first = StartPage("", TestFingerprint(), kIssued);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->count_total);
  EXPECT_TRUE(first->after.empty());
  EXPECT_EQ(first->total, -1);
  // The last page has no next token; any other page's token starts the next.
  EXPECT_EQ(NextPageToken(false, {"a", "b"}, 7, TestFingerprint(), kIssued), "");
  const std::string token = NextPageToken(true, {"a", "b"}, 7, TestFingerprint(), kIssued);
  EXPECT_EQ(token, EncodePageToken(Cursor({"a", "b"}, 7)));
  auto next = StartPage(token, TestFingerprint(), kIssued + 60);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_FALSE(next->count_total);
  EXPECT_EQ(next->after, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(next->total, 7);
  // DecodePageToken's checks apply.
  ExpectInvalid(StartPage(token, TestFingerprint() + 1, kIssued).status(), "page_token", "PAGE_TOKEN_MISMATCH",
                "查询条件不符");
  ExpectInvalid(StartPage("x", TestFingerprint(), kIssued).status(), "page_token", "PAGE_TOKEN_INVALID", "无效");
}

TEST(ListPageToken, FingerprintIsStableFnv1a) {
  // Pinned values: changing the hash would invalidate every live token.
  EXPECT_EQ(RequestFingerprint({}), 14695981039346656037ULL);  // FNV-1a offset basis
  EXPECT_EQ(RequestFingerprint({"schools/-", "state=X"}), 0x852331292C359AF0ULL);
  // The parts are delimited, ordered, and an empty part counts.
  EXPECT_NE(RequestFingerprint({"ab", "c"}), RequestFingerprint({"a", "bc"}));
  EXPECT_NE(RequestFingerprint({"a", "b"}), RequestFingerprint({"b", "a"}));
  EXPECT_NE(RequestFingerprint({}), RequestFingerprint({""}));
  EXPECT_NE(RequestFingerprint({""}), RequestFingerprint({"", ""}));
  EXPECT_EQ(TestFingerprint(), TestFingerprint());
}

// ---- update mask ----------------------------------------------------------

struct MaskRow {
  std::string name;
  std::vector<std::string> paths;
  std::vector<std::string> want;  // when ok
  std::string field;              // error rows: the BadRequest field; "" = ok row
  std::string zh;
};

class ListUpdateMaskTest : public ::testing::TestWithParam<MaskRow> {};

TEST_P(ListUpdateMaskTest, Checks) {
  const MaskRow& row = GetParam();
  const std::vector<std::string> updatable = {"display_name", "contact", "region_code"};
  const std::vector<std::string> immutable = {"code", "name"};
  auto got = CheckUpdateMask(row.paths, updatable, immutable);
  if (row.field.empty()) {
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, row.want);
  } else {
    ExpectInvalid(got.status(), row.field, "UPDATE_MASK_INVALID", row.zh);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ListUpdateMaskTest,
    ::testing::Values(
        MaskRow{"EmptyIsError", {}, {}, "update_mask", "必须提供更新掩码"},
        MaskRow{"StarIsEveryUpdatable", {"*"}, {"display_name", "contact", "region_code"}, "", ""},
        MaskRow{"StarTwiceIsStar", {"*", "*"}, {"display_name", "contact", "region_code"}, "", ""},
        MaskRow{"DisplayName", {"display_name"}, {"display_name"}, "", ""},
        MaskRow{"Contact", {"contact"}, {"contact"}, "", ""},
        MaskRow{"RegionCode", {"region_code"}, {"region_code"}, "", ""},
        MaskRow{"SeveralKeepOrder", {"region_code", "display_name"},
                {"region_code", "display_name"}, "", ""},
        MaskRow{"DuplicateDeduped", {"contact", "contact"}, {"contact"}, "", ""},
        MaskRow{"DuplicateDedupedKeepsFirst", {"contact", "display_name", "contact"},
                {"contact", "display_name"}, "", ""},
        MaskRow{"Immutable", {"code"}, {}, "update_mask.paths[0]", "字段 code 创建后不可修改"},
        MaskRow{"ImmutableSecond", {"display_name", "name"}, {}, "update_mask.paths[1]",
                "字段 name 创建后不可修改"},
        MaskRow{"Unknown", {"foo"}, {}, "update_mask.paths[0]", "未知或不可修改的字段 foo"},
        MaskRow{"UnknownThird", {"contact", "display_name", "etag"}, {}, "update_mask.paths[2]",
                "未知或不可修改的字段 etag"},
        MaskRow{"NestedPathIsUnknown", {"contact.phone"}, {}, "update_mask.paths[0]",
                "contact.phone"},
        MaskRow{"EmptyPath", {""}, {}, "update_mask.paths[0]", "未知或不可修改的字段"},
        MaskRow{"StarWithOthers", {"display_name", "*"}, {}, "update_mask.paths[1]", "\"*\""}),
    RowName<MaskRow>);

}  // namespace
}  // namespace gongtong::api
