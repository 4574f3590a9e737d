#pragma once
// Synthetic but valid schools for the registry benchmark: 40 county-level
// regions (GB/T 2260) in four provinces, ten each, filled round-robin, so
// school i lives in county i % 40 and every county holds count / 40 schools.
//
// Codes: category 21 (primary) + the province's two digits + a 6-digit
// sequence "9" + county index within the province + 4-digit serial, e.g.
// 2133950017 (Xianju, 浙江). The leading 9 keeps them apart from the demo
// data's codes. Type 211, urban–rural category cycling 111/121/210/220.

#include <string>
#include <vector>

#include "gongtong/registry/v1/school.pb.h"

namespace gongtong::bench {

struct County {
  const char* region_code;  // 6 digits
  const char* province;     // 浙江省
  const char* city;         // 台州市
  const char* county;       // 仙居县
};

// The 40 counties, ten per province (33 Zhejiang, 52 Guizhou, 37 Shandong, 32 Jiangsu).
const std::vector<County>& BenchCounties();

// The i-th school (0 ≤ i < 40 × 10,000). Fills every field a client may set.
gongtong::registry::v1::School BenchSchool(int i);

}  // namespace gongtong::bench
