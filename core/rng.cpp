#include "rng.h"

#include <cmath>
#include <limits>

namespace nope {

static uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng rng_seed(uint64_t seed) {
  Rng r;
  uint64_t x = seed;
  for (uint64_t& w : r.s) w = splitmix64(x);
  return r;
}

Rng rng_stream(uint64_t seed, uint64_t stream) {
  // Mix the stream id through splitmix first so (seed, stream) pairs never
  // collide with plain rng_seed(seed) or with each other for small ids.
  uint64_t x = stream * 0xd1342543de82ef95ull + 0x632be59bd9b4e019ull;
  const uint64_t k = splitmix64(x);
  return rng_seed(seed ^ k);
}

uint64_t rng_u64(Rng& r) {  // xoshiro256** (Blackman & Vigna)
  uint64_t* s = r.s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint32_t rng_below(Rng& r, uint32_t n) {
  // Lemire's multiply-shift with rejection: unbiased, integer-only.
  uint64_t m = (rng_u64(r) >> 32) * (uint64_t)n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    const uint32_t threshold = (uint32_t)(-n) % n;
    while (low < threshold) {
      m = (rng_u64(r) >> 32) * (uint64_t)n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

double rng_uniform(Rng& r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

// Natural log from +,-,*,/ only, so it is bit-identical under every libm:
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1),
// |s| < 0.172, and the odd series to s^21 is below 1e-17 relative error.
double rng_log(double x) {
  // Outside (0, inf) follow std::log's special values.
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();  // x < 0 or NaN
  if (x == std::numeric_limits<double>::infinity()) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2;
    e -= 1;
  }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  double term = s, sum = 0;
  for (int k = 1; k <= 21; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2 * sum + e * 0.69314718055994530942;
}

double rng_normal(Rng& r) {
  // Marsaglia's polar method: needs only log and sqrt (sqrt is correctly
  // rounded by IEEE-754), no sin/cos. One value per call: the second of the
  // pair is dropped so a draw never depends on call history beyond the state.
  for (;;) {
    const double u = 2 * rng_uniform(r) - 1, v = 2 * rng_uniform(r) - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) return u * std::sqrt(-2 * rng_log(s) / s);
  }
}

}  // namespace nope
