// Every op's backward against central finite differences, in double.
// Each op is wrapped as L = <out, R> for a fixed random R, so dout = R.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.h"
#include "ops.h"

using namespace nope;
using namespace gradcheck;

static constexpr double kTol = 1e-7;

TEST_CASE("matmul backward matches finite differences", "[grad][ops]") {
  const int N = 5, C = 4, OC = 3;
  auto inp = random_vec(N * C, 1), w = random_vec(OC * C, 2), bias = random_vec(OC, 3);
  auto R = random_vec(N * OC, 4);
  std::vector<real> out(N * OC);
  auto loss = [&] {
    matmul_forward(out.data(), inp.data(), w.data(), bias.data(), N, C, OC);
    return dot(out, R);
  };
  std::vector<real> dinp(N * C, 0), dw(OC * C, 0), db(OC, 0);
  matmul_backward(dinp.data(), dw.data(), db.data(), R.data(), inp.data(), w.data(), N, C, OC);
  CHECK(normalised_error(dinp, numeric_grad(inp, loss)) < kTol);
  CHECK(normalised_error(dw, numeric_grad(w, loss)) < kTol);
  CHECK(normalised_error(db, numeric_grad(bias, loss)) < kTol);
}

// Grad::overwrite writes the input gradient instead of adding to it: the
// same values as accumulating into zeros, whatever the buffer held.
TEST_CASE("matmul and gelu backward with Grad::overwrite replace the input gradient", "[grad][ops]") {
  const int N = 5, C = 4, OC = 3;
  auto inp = random_vec(N * C, 11), w = random_vec(OC * C, 12), R = random_vec(N * OC, 13);
  std::vector<real> into_zero(N * C, 0), overwritten(N * C, real(-3)), dw(OC * C, 0), db(OC, 0);
  matmul_backward(into_zero.data(), dw.data(), db.data(), R.data(), inp.data(), w.data(), N, C, OC);
  matmul_backward(overwritten.data(), dw.data(), db.data(), R.data(), inp.data(), w.data(), N, C, OC,
                  Grad::overwrite);
  CHECK(overwritten == into_zero);
  auto slope = random_vec(N * C, 14, 2.0), dy = random_vec(N * C, 15);
  std::vector<real> g_zero(N * C, 0), g_over(N * C, real(9));
  gelu_backward(g_zero.data(), slope.data(), dy.data(), N * C);
  gelu_backward(g_over.data(), slope.data(), dy.data(), N * C, Grad::overwrite);
  CHECK(g_over == g_zero);
}

TEST_CASE("layernorm backward matches finite differences", "[grad][ops]") {
  const int N = 4, C = 6;
  auto inp = random_vec(N * C, 5, 2.0), w = random_vec(C, 6), b = random_vec(C, 7);
  auto R = random_vec(N * C, 8);
  std::vector<real> out(N * C), mean(N), rstd(N);
  auto loss = [&] {
    layernorm_forward(out.data(), mean.data(), rstd.data(), inp.data(), w.data(), b.data(), N, C);
    return dot(out, R);
  };
  loss();
  std::vector<real> dinp(N * C, 0), dw(C, 0), db(C, 0);
  layernorm_backward(dinp.data(), dw.data(), db.data(), R.data(), inp.data(), w.data(), mean.data(),
                     rstd.data(), N, C);
  CHECK(normalised_error(dinp, numeric_grad(inp, loss)) < kTol);
  CHECK(normalised_error(dw, numeric_grad(w, loss)) < kTol);
  CHECK(normalised_error(db, numeric_grad(b, loss)) < kTol);
}

TEST_CASE("gelu backward matches finite differences", "[grad][ops]") {
  // 37 elements: two whole vectors of any build's lanes and a partial one.
  const int N = 37;
  auto inp = random_vec(N, 9, 2.0), R = random_vec(N, 10);
  inp[3] = real(9);    // past the tanh's clamp
  inp[20] = real(-9);
  inp[30] = real(1e-4);  // the tanh's tiny-input branch
  std::vector<real> out(N), slope(N);
  auto loss = [&] {
    gelu_forward(out.data(), slope.data(), inp.data(), N);
    return dot(out, R);
  };
  loss();
  std::vector<real> dinp(N, 0);
  gelu_backward(dinp.data(), slope.data(), R.data(), N);
  CHECK(normalised_error(dinp, numeric_grad(inp, loss)) < kTol);
  // The slope may overwrite the input (as the model does): same values.
  loss();  // (numeric_grad left out and slope at a perturbed input)
  std::vector<real> in_place = inp, out2(N);
  gelu_forward(out2.data(), in_place.data(), in_place.data(), N);
  CHECK(out2 == out);
  CHECK(in_place == slope);
}

TEST_CASE("encoder backward matches finite differences", "[grad][ops]") {
  const int B = 2, T = 4, C = 3, V = 5;
  const int tokens[B * T] = {0, 3, 3, 1, 4, 2, 0, 0};
  auto wte = random_vec(V * C, 11), wpe = random_vec(T * C, 12), wnp = random_vec(C, 13);
  auto table = random_vec(T * C, 14);
  auto R = random_vec(B * T * C, 15);
  const std::vector<real> coord = {0, 1, 2, 3};  // the index encoding's t
  std::vector<real> out(B * T * C);
  auto loss = [&] {
    encoder_forward(out.data(), tokens, wte.data(), wpe.data(), table.data(), wnp.data(), coord.data(), B, T, C);
    return dot(out, R);
  };
  std::vector<real> dwte(V * C, 0), dwpe(T * C, 0), dwnp(C, 0);
  encoder_backward(dwte.data(), dwpe.data(), dwnp.data(), coord.data(), R.data(), tokens, B, T, C);
  CHECK(normalised_error(dwte, numeric_grad(wte, loss)) < kTol);
  CHECK(normalised_error(dwpe, numeric_grad(wpe, loss)) < kTol);
  CHECK(normalised_error(dwnp, numeric_grad(wnp, loss)) < kTol);
}

TEST_CASE("rope backward matches finite differences and preserves norms", "[grad][ops]") {
  const int B = 2, T = 5, C = 8, NH = 2, hs = C / NH;
  std::vector<real> table(T * hs);
  rope_table(table.data(), T, hs);
  auto qkv = random_vec(B * T * 3 * C, 16), R = random_vec(B * T * 3 * C, 17);
  std::vector<real> work(qkv.size());
  auto loss = [&] {
    work = qkv;
    rope_forward(work.data(), table.data(), B, T, C, NH);
    return dot(work, R);
  };
  loss();
  // A rotation keeps each head vector's length; v is untouched.
  for (int i = 0; i < B * T; i++)
    for (int part = 0; part < 3; part++)
      for (int h = 0; h < NH; h++) {
        double a = 0, b = 0;
        for (int d = 0; d < hs; d++) {
          const size_t k = (size_t)i * 3 * C + part * C + h * hs + d;
          a += qkv[k] * qkv[k];
          b += work[k] * work[k];
        }
        CHECK(a == Approx(b).epsilon(1e-12));
      }
  std::vector<real> d = R;
  rope_backward(d.data(), table.data(), B, T, C, NH);
  CHECK(normalised_error(d, numeric_grad(qkv, loss)) < kTol);
}

static void check_attention(bool causal, bool alibi, int B = 2, int T = 5, bool t5 = false) {
  const int C = 6, NH = 2;
  auto qkv = random_vec(B * T * 3 * C, 18), R = random_vec(B * T * C, 19);
  std::vector<real> slopes(NH);
  alibi_slopes(slopes.data(), NH);
  // T5: 8 buckets up to distance 6 (causal: 4 exact, then 4 log-spaced;
  // bidirectional: 2 exact and 2 log-spaced per sign), so short and long
  // offsets share buckets and each bucket's gradient sums several scores.
  const int nb = 8;
  std::vector<int> bucket(2 * T - 1);
  t5_bucket_table(bucket.data(), T, nb, 6, !causal);
  auto table = random_vec(nb * NH, 20);
  T5Bias bias;
  bias.table = table.data();
  bias.bucket = bucket.data();
  bias.zero = T - 1;
  bias.buckets = nb;
  // Stale values in the (B, NH, T, T) buffers must not leak through: causal
  // attention works in row blocks and never writes past a block's keys.
  std::vector<real> out(B * T * C), att(B * NH * T * T, real(7));
  auto loss = [&] {
    attention_forward(out.data(), att.data(), qkv.data(), alibi ? slopes.data() : nullptr, causal, B,
                      T, C, NH, t5 ? &bias : nullptr);
    return dot(out, R);
  };
  loss();
  for (int b = 0; b < B * NH; b++)
    for (int i = 0; i < T; i++) {
      double s = 0;
      for (int j = 0; j < T; j++) {
        const real a = att[((size_t)b * T + i) * T + j];
        if (causal && j > i) CHECK(a == 0);
        s += a;
      }
      CHECK(s == Approx(1.0).epsilon(1e-12));
    }
  std::vector<real> dqkv(qkv.size(), real(5)), datt(att.size(), real(7));  // both overwritten
  std::vector<real> dtable(nb * NH, 0);
  attention_backward(dqkv.data(), datt.data(), R.data(), qkv.data(), att.data(), causal, B, T, C, NH,
                     t5 ? &bias : nullptr, t5 ? dtable.data() : nullptr);
  CHECK(normalised_error(dqkv, numeric_grad(qkv, loss)) < kTol);
  if (t5) {
    const auto numeric = numeric_grad(table, loss);
    CHECK(normalised_error(dtable, numeric) < kTol);
    // Every bucket that some visible offset reaches has a gradient.
    for (int k = 0; k < nb; k++) {
      bool used = false;
      for (int o = -(T - 1); o <= (causal ? 0 : T - 1); o++) used |= bucket[o + T - 1] == k;
      if (used) CHECK(std::fabs(numeric[k * NH]) > 0);
    }
  }
}

TEST_CASE("attention backward matches finite differences", "[grad][ops]") {
  SECTION("causal") { check_attention(true, false); }
  SECTION("bidirectional") { check_attention(false, false); }
  SECTION("causal + alibi") { check_attention(true, true); }
  SECTION("bidirectional + alibi") { check_attention(false, true); }
  // T 70 spans three causal row blocks (32, 32, 6).
  SECTION("causal, several row blocks") { check_attention(true, false, 1, 70); }
  SECTION("causal + alibi, several row blocks") { check_attention(true, true, 1, 70); }
  SECTION("causal + T5 bias") { check_attention(true, false, 2, 9, true); }
  SECTION("bidirectional + T5 bias") { check_attention(false, false, 2, 9, true); }
  SECTION("causal + T5 bias, several row blocks") { check_attention(true, false, 1, 70, true); }
}

TEST_CASE("cross-entropy backward matches finite differences", "[grad][ops]") {
  const int N = 6, V = 5;
  const int targets[N] = {0, -1, 4, 2, -1, 1};
  auto logits = random_vec(N * V, 20, 3.0);
  std::vector<real> losses(N), probs(N * V);
  int count = 0;
  auto loss = [&] {
    return crossentropy_forward(losses.data(), probs.data(), logits.data(), targets, N, V, &count) / 4.0;
  };
  loss();
  CHECK(count == 4);
  std::vector<real> d(N * V, 0);
  crossentropy_backward(d.data(), probs.data(), targets, N, V, real(0.25));
  CHECK(normalised_error(d, numeric_grad(logits, loss)) < kTol);
  // Ignored rows get exactly zero gradient.
  for (int v = 0; v < V; v++) CHECK(d[1 * V + v] == 0);
}
