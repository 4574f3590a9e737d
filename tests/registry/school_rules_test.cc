// School master-data rules (DOMAIN §2, issue 3): one row per case.
#include <gtest/gtest.h>

#include "registry/domain/school_rules.h"

namespace gongtong::registry {
namespace {

using gongtong::common::v1::SCHOOL_STAGE_JUNIOR_MIDDLE;
using gongtong::common::v1::SCHOOL_STAGE_PRIMARY;
using gongtong::common::v1::SCHOOL_STAGE_SENIOR_MIDDLE;
using gongtong::registry::v1::URBAN_RURAL_CATEGORY_VILLAGE;

// 仙居县第一小学-like: primary (21) in Zhejiang (33), region 331024 仙居县.
School Valid() {
  School s;
  s.set_school_code("2133000101");
  s.set_display_name("仙居县第一小学");
  s.set_region_code("331024");
  s.set_urban_rural_category(gongtong::registry::v1::URBAN_RURAL_CATEGORY_MAIN_URBAN);
  s.set_school_type_code("211");
  return s;
}

struct Row {
  std::string name;
  std::function<void(School&)> change;
  std::vector<std::string> fields;  // empty: valid
};

class SchoolValidation : public ::testing::TestWithParam<Row> {};

TEST_P(SchoolValidation, FlagsExactlyTheOffendingFields) {
  School s = Valid();
  GetParam().change(s);
  std::vector<std::string> got;
  for (const auto& v : SchoolViolations(s, "school")) got.push_back(v.field);
  EXPECT_EQ(got, GetParam().fields);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SchoolValidation,
    ::testing::Values(
        Row{"valid", [](School&) {}, {}},
        Row{"village_teaching_point", [](School& s) { s.set_school_type_code("218"); s.set_urban_rural_category(URBAN_RURAL_CATEGORY_VILLAGE); }, {}},
        Row{"nine_year_school_is_category_31",
            [](School& s) { s.set_school_code("3133000007"); s.set_school_type_code("312"); }, {}},
        Row{"code_nine_digits", [](School& s) { s.set_school_code("213300010"); }, {"school.school_code"}},
        Row{"code_eleven_digits", [](School& s) { s.set_school_code("21330001011"); }, {"school.school_code"}},
        Row{"code_letters", [](School& s) { s.set_school_code("21330001A1"); }, {"school.school_code"}},
        Row{"code_unknown_category", [](School& s) { s.set_school_code("9933000101"); }, {"school.school_code"}},
        Row{"code_unknown_province", [](School& s) { s.set_school_code("2199000101"); }, {"school.school_code"}},
        Row{"code_contradicts_type", [](School& s) { s.set_school_type_code("311"); }, {"school.school_code"}},
        Row{"code_province_contradicts_region", [](School& s) { s.set_region_code("520627"); }, {"school.school_code"}},
        Row{"region_five_digits", [](School& s) { s.set_region_code("33102"); }, {"school.region_code"}},
        Row{"region_unknown_province", [](School& s) { s.set_region_code("991024"); }, {"school.region_code"}},
        Row{"township_not_in_region", [](School& s) { s.set_township_code("331023101"); }, {"school.township_code"}},
        Row{"township_ok", [](School& s) { s.set_township_code("331024101"); }, {}},
        Row{"urban_rural_unknown", [](School& s) { s.set_urban_rural_category(static_cast<gongtong::registry::v1::UrbanRuralCategory>(130)); }, {"school.urban_rural_category"}},
        Row{"urban_rural_missing", [](School& s) { s.clear_urban_rural_category(); }, {"school.urban_rural_category"}},
        Row{"type_unknown", [](School& s) { s.set_school_type_code("999"); }, {"school.school_type_code"}},
        Row{"name_missing", [](School& s) { s.clear_display_name(); }, {"school.display_name"}},
        Row{"several_at_once", [](School& s) { s.set_school_code("1"); s.set_region_code("x"); s.clear_display_name(); },
            {"school.school_code", "school.region_code", "school.display_name"}}),
    [](const auto& info) { return info.param.name; });

TEST(SchoolCodeMessages, AreInBothLanguages) {
  for (const char* code : {"123", "9933000101", "2199000101"}) {
    EXPECT_FALSE(SchoolCodeProblem(code).empty()) << code;
    EXPECT_NE(SchoolCodeProblemZh(code).find("学校标识码"), std::string::npos) << code;
  }
  EXPECT_TRUE(SchoolCodeProblemZh("2133102401").empty());
}

TEST(SchoolTypes, StagesFollowTheType) {
  EXPECT_EQ(StagesOfType("211"), std::vector<SchoolStage>{SCHOOL_STAGE_PRIMARY});
  EXPECT_EQ(StagesOfType("312"), (std::vector<SchoolStage>{SCHOOL_STAGE_PRIMARY, SCHOOL_STAGE_JUNIOR_MIDDLE}));
  EXPECT_EQ(StagesOfType("341"), (std::vector<SchoolStage>{SCHOOL_STAGE_JUNIOR_MIDDLE, SCHOOL_STAGE_SENIOR_MIDDLE}));
  EXPECT_TRUE(StagesOfType("000").empty());
}

TEST(SchoolNames, ParseAndFormat) {
  EXPECT_EQ(SchoolName("2133000101"), "schools/2133000101");
  EXPECT_EQ(*ParseSchoolName("schools/2133000101", "name"), "2133000101");
  for (const char* bad : {"", "schools/", "schools/123", "school/2133000101", "schools/2133000101/x"}) {
    auto r = ParseSchoolName(bad, "name");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SchoolValidationStatus, ListsEveryFieldInOneError) {
  School s = Valid();
  s.set_school_code("1");
  s.set_region_code("x");
  absl::Status st = ToStatus(SchoolViolations(s, "school"), "SCHOOL_INVALID");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("school.school_code"), std::string::npos);
  EXPECT_NE(st.message().find("school.region_code"), std::string::npos);
  EXPECT_TRUE(ToStatus({}, "X").ok());
}

}  // namespace
}  // namespace gongtong::registry
