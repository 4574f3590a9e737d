#include "school_gen.h"

#include "absl/strings/str_format.h"

namespace gongtong::bench {

namespace rv1 = gongtong::registry::v1;

const std::vector<County>& BenchCounties() {
  static const auto* kCounties = new std::vector<County>{
      // 浙江省 台州市 / 丽水市
      {"331002", "浙江省", "台州市", "椒江区"}, {"331003", "浙江省", "台州市", "黄岩区"},
      {"331004", "浙江省", "台州市", "路桥区"}, {"331022", "浙江省", "台州市", "三门县"},
      {"331023", "浙江省", "台州市", "天台县"}, {"331024", "浙江省", "台州市", "仙居县"},
      {"331081", "浙江省", "台州市", "温岭市"}, {"331082", "浙江省", "台州市", "临海市"},
      {"331083", "浙江省", "台州市", "玉环市"}, {"331121", "浙江省", "丽水市", "青田县"},
      // 贵州省 铜仁市
      {"520602", "贵州省", "铜仁市", "碧江区"}, {"520603", "贵州省", "铜仁市", "万山区"},
      {"520621", "贵州省", "铜仁市", "江口县"}, {"520622", "贵州省", "铜仁市", "玉屏侗族自治县"},
      {"520623", "贵州省", "铜仁市", "石阡县"}, {"520624", "贵州省", "铜仁市", "思南县"},
      {"520625", "贵州省", "铜仁市", "印江土家族苗族自治县"}, {"520626", "贵州省", "铜仁市", "德江县"},
      {"520627", "贵州省", "铜仁市", "沿河土家族自治县"}, {"520628", "贵州省", "铜仁市", "松桃苗族自治县"},
      // 山东省 潍坊市
      {"370702", "山东省", "潍坊市", "潍城区"}, {"370703", "山东省", "潍坊市", "寒亭区"},
      {"370704", "山东省", "潍坊市", "坊子区"}, {"370705", "山东省", "潍坊市", "奎文区"},
      {"370724", "山东省", "潍坊市", "临朐县"}, {"370725", "山东省", "潍坊市", "昌乐县"},
      {"370781", "山东省", "潍坊市", "青州市"}, {"370782", "山东省", "潍坊市", "诸城市"},
      {"370783", "山东省", "潍坊市", "寿光市"}, {"370784", "山东省", "潍坊市", "安丘市"},
      // 江苏省 南京市
      {"320102", "江苏省", "南京市", "玄武区"}, {"320104", "江苏省", "南京市", "秦淮区"},
      {"320105", "江苏省", "南京市", "建邺区"}, {"320106", "江苏省", "南京市", "鼓楼区"},
      {"320111", "江苏省", "南京市", "浦口区"}, {"320113", "江苏省", "南京市", "栖霞区"},
      {"320114", "江苏省", "南京市", "雨花台区"}, {"320115", "江苏省", "南京市", "江宁区"},
      {"320116", "江苏省", "南京市", "六合区"}, {"320117", "江苏省", "南京市", "溧水区"},
  };
  return *kCounties;
}

rv1::School BenchSchool(int i) {
  const auto& counties = BenchCounties();
  const int n = static_cast<int>(counties.size());
  const int county_index = i % n;
  const int serial = i / n;  // 0-based within the county
  const County& c = counties[county_index];
  const std::string province(c.region_code, 2);

  rv1::School s;
  s.set_school_code(absl::StrFormat("21%s9%d%04d", province, county_index % 10, serial));
  s.set_display_name(absl::StrFormat("%s第%d小学", c.county, serial + 1));
  s.set_region_code(c.region_code);
  s.set_township_code(absl::StrFormat("%s1%02d", c.region_code, serial % 20));
  static constexpr rv1::UrbanRuralCategory kCategories[] = {
      rv1::URBAN_RURAL_CATEGORY_MAIN_URBAN, rv1::URBAN_RURAL_CATEGORY_TOWN_CENTRE,
      rv1::URBAN_RURAL_CATEGORY_TOWNSHIP_CENTRE, rv1::URBAN_RURAL_CATEGORY_VILLAGE};
  s.set_urban_rural_category(kCategories[serial % 4]);
  s.set_school_type_code("211");

  auto* a = s.mutable_address();
  a->set_region_code("CN");
  a->set_language_code("zh-CN");
  a->set_postal_code(absl::StrFormat("%s00", std::string(c.region_code, 4)));
  a->set_administrative_area(c.province);
  a->set_locality(c.city);
  a->set_sublocality(c.county);
  a->add_address_lines(absl::StrFormat("学府路%d号", 100 + serial));

  auto* principal = s.add_contacts();
  principal->set_role(rv1::SCHOOL_CONTACT_ROLE_PRINCIPAL);
  principal->mutable_contact()->mutable_person()->set_display_name(absl::StrFormat("校长%04d", serial));
  principal->mutable_contact()->mutable_person()->set_position("校长");
  principal->mutable_contact()->set_phone(absl::StrFormat("0576-8%07d", i));
  auto* office = s.add_contacts();
  office->set_role(rv1::SCHOOL_CONTACT_ROLE_OFFICE);
  office->mutable_contact()->mutable_person()->set_display_name("校办");
  office->mutable_contact()->set_phone(absl::StrFormat("0576-7%07d", i));
  office->mutable_contact()->set_email(absl::StrFormat("office%d@school.example.cn", i));
  return s;
}

}  // namespace gongtong::bench
