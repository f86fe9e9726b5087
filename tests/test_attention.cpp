// The float attention (vectorised softmax rows, causal row blocks, the
// transposed-head products) against a plain double-precision reference of
// the same definition, forward and backward. T 37: rows whose last partial
// vector is read in place and rows where it goes through a padded copy, for
// every build's lane count; the gradient checks run the double build.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "ops.h"
#include "rng.h"

using namespace nope;

namespace {

struct Reference {
  std::vector<double> out, att, dqkv;
};

// out = softmax(q k^T / sqrt(hs) - alibi, masked) v per head, and the
// gradients of sum(out * dout) with respect to q, k and v.
Reference reference_attention(const std::vector<real>& qkv, const std::vector<real>& dout, const real* alibi,
                              bool causal, int B, int T, int C, int NH) {
  const int hs = C / NH, C3 = 3 * C;
  const double scale = 1.0 / std::sqrt(double(hs));
  Reference r;
  r.out.assign((size_t)B * T * C, 0);
  r.att.assign((size_t)B * NH * T * T, 0);
  r.dqkv.assign(qkv.size(), 0);
  auto at = [&](int b, int t, int part, int h, int d) { return (size_t)(b * T + t) * C3 + part * C + h * hs + d; };
  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++) {
      std::vector<double> P((size_t)T * T, 0), dP((size_t)T * T, 0);
      for (int i = 0; i < T; i++) {
        const int n = causal ? i + 1 : T;
        double mx = -1e300;
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int d = 0; d < hs; d++) s += double(qkv[at(b, i, 0, h, d)]) * qkv[at(b, j, 1, h, d)];
          s *= scale;
          if (alibi) s -= alibi[h] * std::abs(i - j);
          P[(size_t)i * T + j] = s;
          mx = std::max(mx, s);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) sum += P[(size_t)i * T + j] = std::exp(P[(size_t)i * T + j] - mx);
        for (int j = 0; j < n; j++) P[(size_t)i * T + j] /= sum;
      }
      for (int i = 0; i < T; i++)
        for (int d = 0; d < hs; d++) {
          double o = 0;
          for (int j = 0; j < T; j++) o += P[(size_t)i * T + j] * qkv[at(b, j, 2, h, d)];
          r.out[(size_t)(b * T + i) * C + h * hs + d] = o;
        }
      std::copy(P.begin(), P.end(), r.att.begin() + ((size_t)b * NH + h) * T * T);
      // Backward of sum(out * dout).
      auto dy = [&](int t, int d) { return double(dout[(size_t)(b * T + t) * C + h * hs + d]); };
      for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
          double s = 0;
          for (int d = 0; d < hs; d++) s += dy(i, d) * qkv[at(b, j, 2, h, d)];
          dP[(size_t)i * T + j] = s;
        }
      for (int j = 0; j < T; j++)
        for (int d = 0; d < hs; d++) {
          double s = 0;
          for (int i = 0; i < T; i++) s += P[(size_t)i * T + j] * dy(i, d);
          r.dqkv[at(b, j, 2, h, d)] = s;
        }
      for (int i = 0; i < T; i++) {
        double dot = 0;
        for (int j = 0; j < T; j++) dot += P[(size_t)i * T + j] * dP[(size_t)i * T + j];
        for (int j = 0; j < T; j++) dP[(size_t)i * T + j] = P[(size_t)i * T + j] * (dP[(size_t)i * T + j] - dot);
      }
      for (int t = 0; t < T; t++)
        for (int d = 0; d < hs; d++) {
          double dq = 0, dk = 0;
          for (int u = 0; u < T; u++) {
            dq += dP[(size_t)t * T + u] * qkv[at(b, u, 1, h, d)];
            dk += dP[(size_t)u * T + t] * qkv[at(b, u, 0, h, d)];
          }
          r.dqkv[at(b, t, 0, h, d)] = dq * scale;
          r.dqkv[at(b, t, 1, h, d)] = dk * scale;
        }
    }
  return r;
}

double max_abs_diff(const std::vector<real>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); i++) m = std::max(m, std::abs(double(a[i]) - b[i]));
  return m;
}

}  // namespace

TEST_CASE("attention forward and backward match a double-precision reference", "[attention]") {
  // Head sizes 8 and 40: below one vector of any build, and whole vectors
  // plus a rest (the heads' transposes go by square blocks of lanes).
  const int shapes[][2] = {{24, 3}, {80, 2}};
  for (const auto& shape : shapes) {
    const int B = 2, T = 37, C = shape[0], NH = shape[1];
    INFO("C " << C << " heads " << NH);
    Rng r = rng_seed(41);
    std::vector<real> qkv((size_t)B * T * 3 * C), dout((size_t)B * T * C);
    for (real& x : qkv) x = real(1.5 * rng_normal(r));
    for (real& x : dout) x = real(rng_normal(r));
    std::vector<real> slopes(NH);
    alibi_slopes(slopes.data(), NH);
    for (int causal = 0; causal < 2; causal++)
      for (int with_alibi = 0; with_alibi < 2; with_alibi++) {
        INFO("causal " << causal << " alibi " << with_alibi);
        const real* alibi = with_alibi ? slopes.data() : nullptr;
        std::vector<real> out(dout.size()), att((size_t)B * NH * T * T, real(7)), datt(att.size());
        std::vector<real> dqkv(qkv.size(), real(7));  // overwritten, not added to
        attention_forward(out.data(), att.data(), qkv.data(), alibi, causal, B, T, C, NH);
        attention_backward(dqkv.data(), datt.data(), dout.data(), qkv.data(), att.data(), causal, B, T, C, NH);
        const Reference ref = reference_attention(qkv, dout, alibi, causal, B, T, C, NH);
        CHECK(max_abs_diff(att, ref.att) < 1e-5);  // masked entries exactly 0 in both
        CHECK(max_abs_diff(out, ref.out) < 1e-5);
        CHECK(max_abs_diff(dqkv, ref.dqkv) < 1e-4);
        if (causal)
          for (int row = 0; row < B * NH * T; row++)
            for (int j = row % T + 1; j < T; j++) REQUIRE(att[(size_t)row * T + j] == 0);
      }
  }
}

// A diverging run must reach a NaN loss (the trainer stops on it): the
// vectorised softmax, exp and GELU pass a NaN on instead of clamping it to a
// finite value.
TEST_CASE("a NaN in the scores or the GELU's input comes out as NaN", "[attention]") {
  const int B = 1, T = 20, C = 8, NH = 2;
  std::vector<real> qkv((size_t)B * T * 3 * C, real(0.1)), out((size_t)B * T * C), att((size_t)NH * T * T);
  qkv[(size_t)5 * 3 * C] = std::nan("");  // q of row 5, head 0
  attention_forward(out.data(), att.data(), qkv.data(), nullptr, true, B, T, C, NH);
  for (int j = 0; j <= 5; j++) CHECK(std::isnan(att[(size_t)5 * T + j]));
  CHECK(std::isnan(out[(size_t)5 * C]));
  CHECK(std::isfinite(out[(size_t)4 * C]));  // other rows untouched
  std::vector<real> x(19, real(0.5)), y(19), slope(19);
  x[3] = std::nan("");
  x[17] = std::nan("");  // in the last, partial vector
  gelu_forward(y.data(), slope.data(), x.data(), 19);
  CHECK(std::isnan(y[3]));
  CHECK(std::isnan(y[17]));
  CHECK(std::isnan(slope[17]));
  CHECK(std::isfinite(y[4]));
}
