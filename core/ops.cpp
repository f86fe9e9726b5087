#include "ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gemm.h"
#include "layernorm_stats.h"
#include "threads.h"
#include "vec.h"

namespace nope {

// How the layers split over the thread pool (threads.h): row-wise layers
// take a fixed number of rows per task (by row width, never by thread
// count), element-wise ones fixed chunks, and reductions over rows (bias and
// gain gradients) go column-wise so each sum keeps its sequential row order.
constexpr long kTaskElems = 16384;  // ~64 KB of floats per task
constexpr int kColChunk = 64;       // columns per task of a reduction over rows (256 B of a row)

static int rows_per_task(int width) { return (int)std::max<long>(1, kTaskElems / std::max(width, 1)); }

// f(r0, r1) over row ranges covering [0, rows) in tasks of rows_per_task(width).
template <class F>
static void for_rows(int rows, int width, F&& f) {
  const int per = rows_per_task(width);
  parallel_for(num_chunks(rows, per), [&](int task) {
    const int r0 = task * per;
    f(r0, std::min(rows, r0 + per));
  });
}

// f(c0, c1) over column ranges covering [0, cols) in tasks of kColChunk.
template <class F>
static void for_cols(int cols, F&& f) {
  parallel_for(num_chunks(cols, kColChunk), [&](int task) {
    const int c0 = task * kColChunk;
    f(c0, std::min(cols, c0 + kColChunk));
  });
}

// f(s, n) over chunks [s, s + n) of kTaskElems covering [0, N); inline when
// N fits in one chunk (rows inside other layers' tasks stay on the calling
// thread). For element-wise exact ops: any split gives the same bits.
template <class F>
static void for_elems(long N, F&& f) {
  if (N <= kTaskElems) return f(0L, N);
  parallel_for(num_chunks(N, kTaskElems), [&](int task) {
    const long s = task * kTaskElems;
    f(s, std::min<long>(kTaskElems, N - s));
  });
}

using ArrR = Eigen::Array<real, Eigen::Dynamic, 1>;
using MapA = Eigen::Map<ArrR>;
using CMapA = Eigen::Map<const ArrR>;

// ---------------------------------------------------------------- encoder

void encoder_forward(real* out, const int* tokens, const real* wte, const real* wpe,
                     const real* table, const real* dir, const real* coord, int B, int T, int C) {
  for_rows(B * T, C, [&](int r0, int r1) {
    for (int r = r0; r < r1; r++) {
      const int b = r / T, t = r % T;
      real* o = out + ((size_t)b * T + t) * C;  // (C)
      const real* e = wte + (size_t)tokens[b * T + t] * C;
      std::memcpy(o, e, sizeof(real) * C);
      if (wpe) add_inplace(o, wpe + (size_t)t * C, C);
      if (table) add_inplace(o, table + (size_t)t * C, C);
      if (dir)
        for (int c = 0; c < C; c++) o[c] += coord[t] * dir[c];
    }
  });
}

void encoder_backward(real* dwte, real* dwpe, real* ddir, const real* coord, const real* dout,
                      const int* tokens, int B, int T, int C) {
  // Rows scatter into shared embedding rows: split by columns, rows in order.
  for_cols(C, [&](int c0, int c1) {
    const int w = c1 - c0;
    for (int b = 0; b < B; b++) {
      for (int t = 0; t < T; t++) {
        const real* d = dout + ((size_t)b * T + t) * C + c0;
        add_inplace(dwte + (size_t)tokens[b * T + t] * C + c0, d, w);
        if (dwpe) add_inplace(dwpe + (size_t)t * C + c0, d, w);
        if (ddir)
          for (int c = 0; c < w; c++) ddir[c0 + c] += coord[t] * d[c];
      }
    }
  });
}

// -------------------------------------------------------------- layernorm

static constexpr real kLayerNormEps = real(1e-5);

// Row i's mean and 1/std, as Eigen sums it (one row at a time).
static inline void layernorm_row_stats(const real* x_row, int C, real& m, real& s) {
  CMapA x(x_row, C);
  m = x.sum() / real(C);
  const real var = (x - m).square().sum() / real(C);
  s = real(1) / std::sqrt(var + kLayerNormEps);
}

void layernorm_forward(real* out, real* mean, real* rstd, const real* inp,
                       const real* w, const real* b, int N, int C) {
  CMapA wa(w, C);
  for_rows(N, C, [&](int i0, int i1) {
    for (int g = i0; g < i1;) {
      // The statistics of a group of rows (four at once with
      // LAYERNORM_ROWS4: layernorm_stats.h, the same bits), then its outputs
      // while the rows are in cache.
      int g1 = g + 1;
#ifdef LAYERNORM_ROWS4
      if (g + 4 <= i1) {
        g1 = g + 4;
        const float* x[4] = {inp + (size_t)g * C, inp + (size_t)(g + 1) * C, inp + (size_t)(g + 2) * C,
                             inp + (size_t)(g + 3) * C};
        v128_t m, var;
        layernorm_mean_var4(x, C, m, var);
        const v128_t eps = wasm_f32x4_splat(kLayerNormEps);
        wasm_v128_store(mean + g, m);
        wasm_v128_store(rstd + g, wasm_f32x4_div(wasm_f32x4_splat(1.f), wasm_f32x4_sqrt(wasm_f32x4_add(var, eps))));
      } else
#endif
        layernorm_row_stats(inp + (size_t)g * C, C, mean[g], rstd[g]);
      for (int i = g; i < g1; i++) {
        CMapA x(inp + (size_t)i * C, C);
        MapA o(out + (size_t)i * C, C);
        const real m = mean[i], s = rstd[i];
        if (b) o = (x - m) * s * wa + CMapA(b, C);
        else o = (x - m) * s * wa;
      }
      g = g1;
    }
  });
}

// Row i's share of the gain and bias gradients over columns [c0, c1).
static inline void layernorm_param_grads_row(real* dw, real* db, const real* x, const real* dy, real m, real s,
                                             int c0, int c1) {
  for (int c = c0; c < c1; c++) dw[c] += dy[c] * ((x[c] - m) * s);
  if (db)
    for (int c = c0; c < c1; c++) db[c] += dy[c];
}

void layernorm_backward(real* dinp, real* dw, real* db, const real* dout, const real* inp,
                        const real* w, const real* mean, const real* rstd, int N, int C,
                        const real* dres) {
  // dx row by row with Eigen expressions (no temporaries, no allocation)
  // whose sums are vectorised in a fixed order, as in the forward: the
  // element-by-element float sums could not be vectorised and made this
  // pass 2% of a model-B step. (In wasm, where Eigen has no SIMD packets,
  // the two row sums take four rows at once: layernorm_stats.h.)
  // dw, db sum over rows, each column's rows in order: on one thread in the
  // same row pass, while x and dy are in cache (a second pass read both
  // back); on several, by column blocks in a pass of their own. Same bits.
  const bool one_pass = threads_available() == 1;
  CMapA wa(w, C);
  for_rows(N, C, [&](int i0, int i1) {
    for (int g = i0; g < i1;) {
      // The two row means of the gradient for a group of rows (four at once
      // with LAYERNORM_ROWS4: layernorm_stats.h, the same bits), then the
      // group's dx, as in the forward.
      int g1 = g + 1;
      real dnorm_mean[4], dnorm_norm_mean[4];
#ifdef LAYERNORM_ROWS4
      if (g + 4 <= i1) {
        g1 = g + 4;
        const float* xs[4] = {inp + (size_t)g * C, inp + (size_t)(g + 1) * C, inp + (size_t)(g + 2) * C,
                              inp + (size_t)(g + 3) * C};
        const float* dys[4] = {dout + (size_t)g * C, dout + (size_t)(g + 1) * C, dout + (size_t)(g + 2) * C,
                               dout + (size_t)(g + 3) * C};
        v128_t a, b;
        layernorm_backward_means4(xs, dys, w, C, wasm_v128_load(mean + g), wasm_v128_load(rstd + g), a, b);
        wasm_v128_store(dnorm_mean, a);
        wasm_v128_store(dnorm_norm_mean, b);
      } else
#endif
      {
        CMapA x(inp + (size_t)g * C, C), dy(dout + (size_t)g * C, C);
        dnorm_mean[0] = (dy * wa).sum() / real(C);
        dnorm_norm_mean[0] = (dy * wa * (x - mean[g]) * rstd[g]).sum() / real(C);
      }
      for (int i = g; i < g1; i++) {
        CMapA x(inp + (size_t)i * C, C), dy(dout + (size_t)i * C, C);
        MapA dx(dinp + (size_t)i * C, C);
        const real m = mean[i], s = rstd[i], dm = dnorm_mean[i - g], dnm = dnorm_norm_mean[i - g];
        if (dres) dx = CMapA(dres + (size_t)i * C, C) + (dy * wa - dm - (x - m) * s * dnm) * s;
        else dx += (dy * wa - dm - (x - m) * s * dnm) * s;
        if (one_pass) layernorm_param_grads_row(dw, db, x.data(), dy.data(), m, s, 0, C);
      }
      g = g1;
    }
  });
  if (one_pass) return;
  for_cols(C, [&](int c0, int c1) {
    for (int i = 0; i < N; i++)
      layernorm_param_grads_row(dw, db, inp + (size_t)i * C, dout + (size_t)i * C, mean[i], rstd[i], c0, c1);
  });
}

// ----------------------------------------------------------------- matmul

void matmul_forward(real* out, const real* inp, const real* w, const real* bias,
                    int N, int C, int OC) {
  if (bias) gemm_bias(true, N, OC, C, inp, C, w, C, bias, out, OC);
  else gemm(false, true, N, OC, C, real(1), inp, C, w, C, Grad::overwrite, out, OC);
}

void matmul_backward(real* dinp, real* dw, real* dbias, const real* dout,
                     const real* inp, const real* w, int N, int C, int OC, Grad into) {
  // dinp (N, C) (+)= dout (N, OC) * w (OC, C)
  gemm(false, false, N, C, OC, real(1), dout, OC, w, C, into, dinp, C);
  // dw (OC, C) += dout^T (OC, N) * inp (N, C); dbias += column sums of
  // dout, each over its rows in order, taken with the product.
  if (dbias) gemm_tn_sums(OC, C, N, dout, OC, inp, C, dw, C, dbias);
  else gemm(true, false, OC, C, N, real(1), dout, OC, inp, C, Grad::accumulate, dw, C);
}

// ------------------------------------------------------------------- rope

// Rotates pairs (x[2i], x[2i+1]) of one head vector by angle table[t, i]:
// sign = +1 forward, -1 inverse.
static void rope_rotate(real* x, const real* cs, int hs, real sign) {
  const int half = hs / 2;
  for (int i = 0; i < half; i++) {
    const real c = cs[i], s = sign * cs[half + i];
    const real a = x[2 * i], b = x[2 * i + 1];
    x[2 * i] = a * c - b * s;
    x[2 * i + 1] = a * s + b * c;
  }
}

static void rope_apply(real* qkv, const real* table, int B, int T, int C, int NH, real sign) {
  const int hs = C / NH;
  for_rows(B * T, 3 * C, [&](int r0, int r1) {
    for (int r = r0; r < r1; r++) {
      real* row = qkv + (size_t)r * 3 * C;
      const real* cs = table + (size_t)(r % T) * hs;
      for (int h = 0; h < NH; h++) {
        rope_rotate(row + h * hs, cs, hs, sign);      // q
        rope_rotate(row + C + h * hs, cs, hs, sign);  // k
      }
    }
  });
}

void rope_forward(real* qkv, const real* table, int B, int T, int C, int NH) {
  rope_apply(qkv, table, B, T, C, NH, real(1));
}

void rope_backward(real* dqkv, const real* table, int B, int T, int C, int NH) {
  rope_apply(dqkv, table, B, T, C, NH, real(-1));
}

// ------------------------------------------------------------------- gelu

// The value and slope of the GELU at x, from one tanh of
// sqrt(2/pi) (x + 0.044715 x^3).
static void gelu_at(vreal x, const VecK& K, vreal& value, vreal& slope) {
  const vreal th = vtanh(K.gelu_s * (x + K.gelu_a * x * x * x), K);
  value = K.half * x * (K.one + th);
  slope = K.half * (K.one + th) + K.half * x * (K.one - th * th) * K.gelu_s * (K.one + K.gelu_3a * x * x);
}

// One pass of whole vectors over each chunk, the last partial vector through
// a zero-padded copy (RowTail): an element's arithmetic is the same wherever
// it falls, so any split gives the same bits.
void gelu_forward(real* out, real* slope, const real* inp, int N) {
  for_elems(N, [out, slope, inp](long s, long n) {
    const VecK K;
    real* y = out + s;
    real* sl = slope + s;
    const real* x = inp + s;
    const RowTail tail((int)n, (int)n);
    vreal v, d;
    for (int j = 0; j < tail.full; j += kLanes) {
      gelu_at(vload(x + j), K, v, d);
      vstore(y + j, v);
      vstore(sl + j, d);
    }
    if (!tail.rest) return;
    alignas(64) real pad[kLanes];
    gelu_at(tail.load(x, pad), K, v, d);  // x is read before sl (maybe x) is written
    tail.store(y, v, pad);
    tail.store(sl, d, pad);
  });
}

void gelu_backward(real* dinp, const real* slope, const real* dout, int N, Grad into) {
  const bool add = into == Grad::accumulate;
  for_elems(N, [dinp, slope, dout, add](long s, long n) {
    for (long i = s; i < s + n; i++) dinp[i] = add ? dinp[i] + dout[i] * slope[i] : dout[i] * slope[i];
  });
}

// --------------------------------------------------------------- residual

// Element-wise (for_elems).
void residual_forward(real* out, const real* a, const real* b, int N) {
  for_elems(N, [&](long s, long n) { MapA(out + s, n) = CMapA(a + s, n) + CMapA(b + s, n); });
}

void add_inplace(real* dst, const real* src, int N) {
  for_elems(N, [&](long s, long n) { MapA(dst + s, n) += CMapA(src + s, n); });
}

void copy_into(real* dst, const real* src, int N) {
  for_elems(N, [&](long s, long n) { std::memcpy(dst + s, src + s, sizeof(real) * n); });
}

// ---------------------------------------------------------- cross-entropy

double crossentropy_forward(real* losses, real* probs, const real* logits,
                            const int* targets, int N, int V, int* count) {
  for_rows(N, V, [&](int i0, int i1) {
    for (int i = i0; i < i1; i++) {
      losses[i] = 0;
      if (targets[i] < 0) continue;
      CMapA l(logits + (size_t)i * V, V);
      MapA p(probs + (size_t)i * V, V);
      const real m = l.maxCoeff();
      p = (l - m).exp();
      const real z = p.sum();
      // loss = log z - (l_target - m): exact even when p[target] underflows.
      losses[i] = std::log(z) - (l[targets[i]] - m);
      p /= z;
    }
  });
  // The sum in row order, after the rows.
  double sum = 0;
  int n = 0;
  for (int i = 0; i < N; i++) {
    if (targets[i] < 0) continue;
    sum += losses[i];
    n++;
  }
  *count = n;
  return sum;
}

void crossentropy_backward(real* dlogits, const real* probs, const int* targets,
                           int N, int V, real scale) {
  for_rows(N, V, [&](int i0, int i1) {
    for (int i = i0; i < i1; i++) {
      if (targets[i] < 0) continue;
      MapA d(dlogits + (size_t)i * V, V);
      d += CMapA(probs + (size_t)i * V, V) * scale;
      d[targets[i]] -= scale;
    }
  });
}

// ----------------------------------------------------------------- tables

void sinusoidal_table(real* out, int maxT, int C) {
  for (int t = 0; t < maxT; t++)
    for (int i = 0; i < C / 2; i++) {
      const double freq = std::pow(10000.0, -2.0 * i / C);
      out[(size_t)t * C + 2 * i] = real(std::sin(t * freq));
      out[(size_t)t * C + 2 * i + 1] = real(std::cos(t * freq));
    }
}

void rope_table(real* out, int maxT, int hs) {
  const int half = hs / 2;
  for (int t = 0; t < maxT; t++)
    for (int i = 0; i < half; i++) {
      const double theta = std::pow(10000.0, -2.0 * i / hs);
      out[(size_t)t * hs + i] = real(std::cos(t * theta));
      out[(size_t)t * hs + half + i] = real(std::sin(t * theta));
    }
}

void alibi_slopes(real* out, int NH) {
  // Press et al.: geometric sequence 2^(-8/NH), 2^(-16/NH), ...
  for (int h = 0; h < NH; h++) out[h] = real(std::pow(2.0, -8.0 * (h + 1) / NH));
}

}  // namespace nope
