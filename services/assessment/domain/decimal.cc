#include "assessment/domain/decimal.h"

#include <cstdio>
#include <cstdlib>

#include "common/status/error.h"

namespace gongtong::assessment {
namespace {

using Int = Decimal::Int;

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "gongtong: decimal %s (input bounds violated)\n", what);
  std::abort();
}

Int Abs(Int v) { return v < 0 ? -v : v; }

Int Gcd(Int a, Int b) {
  a = Abs(a);
  b = Abs(b);
  while (b != 0) {
    Int t = a % b;
    a = b;
    b = t;
  }
  return a;
}

Int Mul(Int a, Int b) {
  Int r;
  if (__builtin_mul_overflow(a, b, &r)) Fatal("overflow");
  return r;
}

Int Add(Int a, Int b) {
  Int r;
  if (__builtin_add_overflow(a, b, &r)) Fatal("overflow");
  return r;
}

Int Pow10(int n) {
  Int r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

// Digits of a non-negative integer.
std::string Digits(Int v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

// num/den (den > 0) × 10^scale, rounded to an integer by `mode`.
Int RoundScaled(Int num, Int den, int scale, Rounding mode) {
  const Int scaled = Mul(num, Pow10(scale));
  Int q = scaled / den;  // truncates toward zero
  const Int r = Abs(scaled % den);
  if (r == 0 || mode == Rounding::kDown) return q;
  const Int twice = Mul(r, 2);
  bool away = false;
  if (twice > den) {
    away = true;
  } else if (twice == den) {
    away = mode == Rounding::kHalfUp || (q % 2 != 0);
  }
  if (away) q += scaled < 0 ? -1 : 1;
  return q;
}

// "-12.345" from the integer `units` scaled by 10^scale.
std::string FixedString(Int units, int scale) {
  const bool negative = units < 0;
  std::string digits = Digits(Abs(units));
  if (scale > 0) {
    if (static_cast<int>(digits.size()) <= scale) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  if (negative && units != 0) digits.insert(0, "-");
  return digits;
}

}  // namespace

Decimal::Decimal(Int num, Int den) {
  if (den == 0) Fatal("division by zero");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const Int g = Gcd(num, den);
  num_ = g > 1 ? num / g : num;
  den_ = g > 1 ? den / g : den;
  if (num_ == 0) den_ = 1;
}

Decimal Decimal::FromInt(int64_t v) { return Decimal(static_cast<Int>(v), 1); }

Decimal Decimal::Fraction(int64_t num, int64_t den) {
  return Decimal(static_cast<Int>(num), static_cast<Int>(den));
}

bool Decimal::TryParse(std::string_view text, Decimal* out) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    negative = true;
    ++i;
  }
  const size_t int_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  const size_t int_len = i - int_start;
  if (int_len == 0 || int_len > 18) return false;
  if (int_len > 1 && text[int_start] == '0') return false;  // leading zero
  size_t frac_len = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    frac_len = i - frac_start;
    if (frac_len == 0 || frac_len > 9) return false;
  }
  if (i != text.size()) return false;
  Int units = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') units = units * 10 + (c - '0');
  }
  if (negative && units == 0) return false;  // "-0" is written "0"
  *out = Decimal(negative ? -units : units, Pow10(static_cast<int>(frac_len)));
  return true;
}

absl::StatusOr<Decimal> Decimal::Parse(std::string_view text, const std::string& field) {
  Decimal d;
  if (TryParse(text, &d)) return d;
  return ErrorBuilder(absl::StatusCode::kInvalidArgument, "DECIMAL_INVALID")
      .Message(field + " must be a canonical decimal like \"87.35\" (at most 18 integer and "
                       "9 fraction digits)")
      .Zh(field + " 必须是规范的十进制数，如“87.35”（整数部分至多18位，小数部分至多9位）")
      .Field(field, "not a canonical decimal");
}

Decimal Decimal::Round(int scale, Rounding mode) const {
  if (scale < 0) scale = 0;
  if (scale > 9) scale = 9;
  return Decimal(RoundScaled(num_, den_, scale, mode), Pow10(scale));
}

bool Decimal::IsExactAt(int scale) const { return Mul(num_, Pow10(scale)) % den_ == 0; }

int Decimal::FractionDigits() const {
  for (int s = 0; s <= 9; ++s) {
    if (IsExactAt(s)) return s;
  }
  return 10;
}

std::string Decimal::ToString() const {
  const int digits = FractionDigits();
  return digits <= 9 ? Format(digits) : Format(9, Rounding::kHalfEven);
}

std::string Decimal::Format(int scale, Rounding mode) const {
  if (scale < 0) scale = 0;
  if (scale > 9) scale = 9;
  return FixedString(RoundScaled(num_, den_, scale, mode), scale);
}

Decimal operator+(const Decimal& a, const Decimal& b) {
  const Int g = Gcd(a.den_, b.den_);
  const Int den = Mul(a.den_ / g, b.den_);
  return Decimal(Add(Mul(a.num_, b.den_ / g), Mul(b.num_, a.den_ / g)), den);
}

Decimal Decimal::operator-() const { return Decimal(-num_, den_); }

Decimal operator-(const Decimal& a, const Decimal& b) { return a + (-b); }

Decimal operator*(const Decimal& a, const Decimal& b) {
  // Cross-reduce first so products stay small.
  const Int g1 = Gcd(a.num_, b.den_);
  const Int g2 = Gcd(b.num_, a.den_);
  const Int n1 = g1 > 1 ? a.num_ / g1 : a.num_;
  const Int d2 = g1 > 1 ? b.den_ / g1 : b.den_;
  const Int n2 = g2 > 1 ? b.num_ / g2 : b.num_;
  const Int d1 = g2 > 1 ? a.den_ / g2 : a.den_;
  return Decimal(Mul(n1, n2), Mul(d1, d2));
}

Decimal operator/(const Decimal& a, const Decimal& b) {
  if (b.num_ == 0) Fatal("division by zero");
  return a * Decimal(b.den_, b.num_);
}

int Compare(const Decimal& a, const Decimal& b) {
  const Decimal d = a - b;
  return d.Sign();
}

Decimal Dec(std::string_view literal) {
  Decimal d;
  if (!Decimal::TryParse(literal, &d)) Fatal("literal malformed");
  return d;
}

}  // namespace gongtong::assessment
