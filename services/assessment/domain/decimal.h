#pragma once
// An exact decimal number for scores, shares, ratios and points (DOMAIN §6;
// common/v1/decimal.proto). No binary floating point anywhere: the value is a
// reduced fraction num/den of 128-bit integers, so 87.35 × 30 ÷ 100 is exactly
// 26.205 and 1 ÷ 3 stays one third until a result is rounded.
//
// Contract:
//   - Parse accepts exactly the canonical grammar of decimal.proto
//     (^-?(0|[1-9][0-9]*)(\.[0-9]+)?$, at most 18 integer and 9 fraction
//     digits, "-0" refused) and answers INVALID_ARGUMENT naming the field.
//   - +, −, ×, ÷ are exact. ÷ by zero and results beyond the 128-bit range
//     are programming errors (inputs are bounded by validation: scheme
//     figures ≤ 10^6, scores ≤ their max) and end the process with a message.
//   - Round(scale, mode) rounds to `scale` fraction digits (0..9).
//   - ToString() is the shortest exact canonical form ("26.205", "30"); a
//     value without a terminating expansion within 9 places is shown rounded
//     half-even to 9 places (IsExactAt(9) tells). Format(scale) rounds and
//     keeps trailing zeros ("26.20"), as results are returned.
//   - Comparison is by numeric value ("1.50" == "1.5").

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace gongtong::assessment {

// How a figure is rounded to a number of places (scheme.proto RoundingMode).
enum class Rounding {
  kHalfUp,    // half away from zero (四舍五入): 26.205 → 26.21, −0.5 → −1
  kHalfEven,  // half to even: 26.205 → 26.20, 26.215 → 26.22
  kDown,      // toward zero: 26.209 → 26.20
};

class Decimal {
 public:
  using Int = __int128;

  Decimal() = default;  // zero
  static Decimal FromInt(int64_t v);
  // num / den exactly; den ≠ 0.
  static Decimal Fraction(int64_t num, int64_t den);

  // The canonical grammar above; INVALID_ARGUMENT "DECIMAL_INVALID" naming
  // `field` (zh-CN message included).
  static absl::StatusOr<Decimal> Parse(std::string_view text, const std::string& field);
  // Same grammar; false when malformed (no status built).
  static bool TryParse(std::string_view text, Decimal* out);

  Decimal Round(int scale, Rounding mode) const;
  // True when the value has at most `scale` fraction digits.
  bool IsExactAt(int scale) const;
  std::string ToString() const;
  std::string Format(int scale, Rounding mode = Rounding::kHalfUp) const;

  int Sign() const { return num_ > 0 ? 1 : (num_ < 0 ? -1 : 0); }
  bool IsZero() const { return num_ == 0; }
  bool IsInteger() const { return den_ == 1; }
  // Number of fraction digits of the shortest exact form; 10 when it has
  // none within 9 places.
  int FractionDigits() const;

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  friend Decimal operator/(const Decimal& a, const Decimal& b);
  Decimal operator-() const;
  Decimal& operator+=(const Decimal& b) { return *this = *this + b; }

  friend int Compare(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return Compare(a, b) == 0; }
  friend bool operator!=(const Decimal& a, const Decimal& b) { return Compare(a, b) != 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return Compare(a, b) < 0; }
  friend bool operator<=(const Decimal& a, const Decimal& b) { return Compare(a, b) <= 0; }
  friend bool operator>(const Decimal& a, const Decimal& b) { return Compare(a, b) > 0; }
  friend bool operator>=(const Decimal& a, const Decimal& b) { return Compare(a, b) >= 0; }

 private:
  Decimal(Int num, Int den);  // normalises: den > 0, gcd 1
  Int num_ = 0;
  Int den_ = 1;
};

// Shorthand for literals in code and tests: Dec("87.35"). Ends the process on a
// malformed literal (never use it for input).
Decimal Dec(std::string_view literal);

}  // namespace gongtong::assessment
