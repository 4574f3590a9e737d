#pragma once
// What every benchmark tool in tools/bench shares: --name=value flags and
// order statistics of measured samples. Header-only, no state.

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace gongtong::bench {

// The value of --name=value, or `fallback` when absent.
inline std::string FlagValue(int argc, char** argv, const std::string& name, const std::string& fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  return fallback;
}

inline int Flag(int argc, char** argv, const std::string& name, int fallback) {
  return std::atoi(FlagValue(argc, argv, name, std::to_string(fallback)).c_str());
}

// The p-quantile (0 ≤ p ≤ 1, nearest rank); 0 for no samples.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// The median (the mean of the two middle samples for an even count); 0 for none.
inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace gongtong::bench
