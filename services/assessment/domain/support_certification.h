#pragma once
// Certification of a one-year support-teaching experience (一年支教经历,
// R-SUP-5): ≥ min_year_hours class hours in the year, ≥ min_year_lessons
// lessons taught in the year, ≥ min_term_lessons in each term, both terms
// signed (R-SUP-2, R-SUP-4). Every threshold is answered with the figure
// reached (counting only terms that count) and the figure including unsigned
// terms, in a fixed order, so a refused teacher sees exactly why. Pure, no I/O.

#include <string>
#include <vector>

#include "assessment/domain/support_hours.h"

namespace gongtong::assessment {

struct TermFigures {
  int lessons_taught = 0;
  CentiHours hours = 0;
  bool counts = false;  // signed as the rules require (TermCounts)
};

struct Thresholds {
  CentiHours min_year_hours = 8000;
  int min_year_lessons_taught = 60;
  int min_term_lessons_taught = 30;
};

// One threshold; figures in hundredths so hours and counts share a type
// (a count of 30 is 3000).
struct ThresholdResult {
  std::string rule_id;
  std::string description;
  av1::ThresholdScope scope = av1::THRESHOLD_SCOPE_UNSPECIFIED;
  CentiHours required = 0, reached = 0, reached_including_unsigned = 0;
  bool met = false;
};

struct CertificationDecision {
  bool granted = false;
  std::vector<ThresholdResult> checks;  // year hours, year lessons, autumn and spring lessons, autumn and spring signed
};

CertificationDecision DecideCertification(const TermFigures& autumn, const TermFigures& spring,
                                          const Thresholds& thresholds);

}  // namespace gongtong::assessment
