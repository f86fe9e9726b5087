// Multi-head scaled dot-product attention (ops.h): per (batch, head) the
// score products, the softmax rows and the mixing products, by blocks of
// kAttnRowBlock query rows when causal.
#include <algorithm>
#include <cmath>
#include <vector>

#include "gemm.h"
#include "ops.h"
#include "threads.h"
#include "vec.h"

namespace nope {

// Elements per 64-byte cache line: one prefetch per line of a row.
constexpr int kLineReals = 64 / (int)sizeof(real);

// Softmax of row[0, n) in place (n >= 1), row[n, T) set to zero. Three
// passes over the row in whole vectors (max; exp and sum; scale), so a
// row's bits depend on n only.
static void softmax_row(real* row, int n, int T, const VecK& K) {
  const RowTail tail(n, T);
  alignas(64) real pad[kLanes];
  const vreal last = tail.rest ? tail.load(row, pad) : vreal{};
  vreal vm = vsplat(row[0]);
  for (int j = 0; j < tail.full; j += kLanes) vm = vmax(vm, vload(row + j));
  real m = hmax(vm);
  for (int l = 0; l < tail.rest; l++) m = std::max(m, last[l]);
  const vreal vmx = vsplat(m);
  vreal vs{};
  for (int j = 0; j < tail.full; j += kLanes) {
    const vreal e = vexp(vload(row + j) - vmx, K);
    vstore(row + j, e);
    vs += e;
  }
  vreal elast{};
  if (tail.rest) {
    elast = vkeep_first(vexp(last - vmx, K), tail.rest);
    vs += elast;
  }
  const vreal inv = vsplat(real(1) / hsum(vs));
  for (int j = 0; j < tail.full; j += kLanes) vstore(row + j, vload(row + j) * inv);
  if (tail.rest) tail.store(row, elast * inv, pad);
  zero_from(row, tail.rest ? tail.end() : n, T);
}

// Softmax backward of one row in place: d_j = a_j (d_j - sum_k a_k d_k) on
// [0, n), zero on [n, T) (masked entries have a_j = 0).
static void softmax_backward_row(real* d, const real* a, int n, int T) {
  const RowTail tail(n, T);
  alignas(64) real pad_a[kLanes], pad_d[kLanes];
  const vreal la = tail.rest ? tail.load(a, pad_a) : vreal{};
  const vreal ld = tail.rest ? tail.load(d, pad_d) : vreal{};
  vreal acc = la * ld;
  for (int j = 0; j < tail.full; j += kLanes) acc += vload(a + j) * vload(d + j);
  const vreal dot = vsplat(hsum(acc));
  for (int j = 0; j < tail.full; j += kLanes) vstore(d + j, vload(a + j) * (vload(d + j) - dot));
  if (tail.rest) tail.store(d, la * (ld - dot), pad_d);
  zero_from(d, tail.rest ? tail.end() : n, T);
}

// x (T, hs) with row stride ld, transposed into this thread's scratch as
// (hs, T). The score products then read their keys as a plain row-major
// op(B): transposing a head once is cheaper than letting every row block's
// product transpose-pack the same keys again. Same values, same k-order:
// same bits.
static const real* head_transposed(const real* x, int ld, int T, int hs) {
  static NOPE_THREAD_LOCAL std::vector<real> scratch;
  if (scratch.size() < (size_t)T * hs) scratch.resize((size_t)T * hs);
  real* xt = scratch.data();
  // Square blocks of kLanes rows and columns transposed in registers, with
  // the next rows prefetched (a head's rows are 3C apart and mostly in
  // L3 by then).
  const int d_full = hs / kLanes * kLanes;
  int t0 = 0;
  for (; t0 + kLanes <= T; t0 += kLanes) {
    for (int t = t0 + kLanes; t < std::min(T, t0 + 2 * kLanes); t++)
      for (int d = 0; d < hs; d += kLineReals) __builtin_prefetch(x + (size_t)t * ld + d);
    for (int d0 = 0; d0 < d_full; d0 += kLanes) {
      vreal r[kLanes];
      for (int i = 0; i < kLanes; i++) r[i] = vload(x + (size_t)(t0 + i) * ld + d0);
      transpose_lanes(r);
      for (int j = 0; j < kLanes; j++) vstore(xt + (size_t)(d0 + j) * T + t0, r[j]);
    }
    for (int d = d_full; d < hs; d++)
      for (int t = t0; t < t0 + kLanes; t++) xt[(size_t)d * T + t] = x[(size_t)t * ld + d];
  }
  for (int t = t0; t < T; t++)
    for (int d = 0; d < hs; d++) xt[(size_t)d * T + t] = x[(size_t)t * ld + d];
  return xt;
}

void t5_bucket_table(int* out, int maxT, int buckets, int max_distance, bool bidirectional) {
  const int side = bidirectional ? buckets / 2 : buckets;  // buckets per sign
  const int exact = side / 2;                                // distances with their own bucket
  const double log_range = std::log(double(max_distance) / exact);
  for (int off = -(maxT - 1); off <= maxT - 1; off++) {  // off = j - i
    int base = 0, d = 0;
    if (bidirectional) {
      base = off > 0 ? side : 0;
      d = off < 0 ? -off : off;
    } else {
      d = off < 0 ? -off : 0;
    }
    int b = d;
    if (d >= exact) {
      // The 1e-9 puts a distance that is exactly (n/2)·r^k on bucket n/2 + k
      // whichever way the libm rounds the logarithm.
      const double x = std::log(double(d) / exact) / log_range * (side - exact);
      b = std::min(side - 1, exact + (int)std::floor(x + 1e-9));
    }
    out[off + maxT - 1] = base + b;
  }
}

// The head's T5 bias by offset j - i + (T - 1), into this thread's scratch.
static const real* t5_head_bias(const T5Bias& t5, int h, int NH, int T) {
  static NOPE_THREAD_LOCAL std::vector<real> scratch;
  if (scratch.size() < (size_t)2 * T) scratch.resize((size_t)2 * T);
  for (int o = -(T - 1); o <= T - 1; o++) scratch[o + T - 1] = t5.table[(size_t)t5.bucket[o + t5.zero] * NH + h];
  return scratch.data();
}

void attention_forward(real* out, real* att, const real* qkv, const real* alibi,
                       bool causal, int B, int T, int C, int NH, const T5Bias* t5) {
  const int hs = C / NH;
  const real scale = real(1) / std::sqrt(real(hs));
  const int C3 = 3 * C;
  const int block = causal ? kAttnRowBlock : T;
  // One task per (batch, head): each writes its own att slice and out columns.
  parallel_for(B * NH, [&](int bh) {
    const VecK K;
    const int b = bh / NH, h = bh % NH;
    const real* q = qkv + (size_t)b * T * C3 + h * hs;  // (T, hs), stride 3C
    const real* k = q + C;
    const real* v = q + 2 * C;
    real* a = att + ((size_t)b * NH + h) * T * T;  // (T, T)
    const real* kt = head_transposed(k, C3, T, hs);  // (hs, T)
    const real* rel = t5 ? t5_head_bias(*t5, h, NH, T) : nullptr;
    for (int i0 = 0; i0 < T; i0 += block) {
      const int i1 = std::min(T, i0 + block), keys = causal ? i1 : T;
      // scores (rows, keys) = scale * q_rows k_keys^T
      gemm(false, false, i1 - i0, keys, hs, scale, q + (size_t)i0 * C3, C3, kt, T, Grad::overwrite,
           a + (size_t)i0 * T, T);
      for (int i = i0; i < i1; i++) {
        real* row = a + (size_t)i * T;
        const int n = causal ? i + 1 : T;  // visible keys
        if (alibi) {
          const real m = alibi[h];
          for (int j = 0; j < n; j++) row[j] -= m * real(i > j ? i - j : j - i);
        }
        if (rel) {
          const real* r = rel + (T - 1) - i;  // r[j]: offset j - i
          for (int j = 0; j < n; j++) row[j] += r[j];
        }
        softmax_row(row, n, T, K);
      }
      // out_rows (rows, hs) = att (rows, keys) * v_keys (keys, hs)
      gemm(false, false, i1 - i0, hs, keys, real(1), a + (size_t)i0 * T, T, v, C3, Grad::overwrite,
           out + ((size_t)b * T + i0) * C + h * hs, C);
    }
  });
}

void attention_backward(real* dqkv, real* datt, const real* dout, const real* qkv,
                        const real* att, bool causal, int B, int T, int C, int NH,
                        const T5Bias* t5, real* dt5_table) {
  const int hs = C / NH;
  const real scale = real(1) / std::sqrt(real(hs));
  const int C3 = 3 * C;
  const int block = causal ? kAttnRowBlock : T;
  // The T5 table's gradient: each (batch, head) task sums its score
  // gradients by bucket into its own row of `part`; the rows are added over
  // the batch in order after the tasks.
  const int nb = t5 && dt5_table ? t5->buckets : 0;
  static NOPE_THREAD_LOCAL std::vector<real> part;
  if (nb) part.assign((size_t)B * NH * nb, real(0));
  real* const parts = part.data();  // the calling thread's vector, for every task
  // One task per (batch, head): dq, dk, dv of a head are its own columns.
  parallel_for(B * NH, [&](int bh) {
    const int b = bh / NH, h = bh % NH;
    const real* q = qkv + (size_t)b * T * C3 + h * hs;
    const real* k = q + C;
    const real* v = q + 2 * C;
    real* dq = dqkv + (size_t)b * T * C3 + h * hs;
    real* dk = dq + C;
    real* dv = dq + 2 * C;
    const real* a = att + ((size_t)b * NH + h) * T * T;
    real* da = datt + ((size_t)b * NH + h) * T * T;
    const real* dy = dout + (size_t)b * T * C + h * hs;  // (T, hs), stride C
    const real* vt = head_transposed(v, C3, T, hs);      // (hs, T)
    // By query rows: datt, the softmax backward (datt becomes dpre), dq.
    for (int i0 = 0; i0 < T; i0 += block) {
      const int i1 = std::min(T, i0 + block), rows = i1 - i0, keys = causal ? i1 : T;
      real* da_rows = da + (size_t)i0 * T;
      // The block's probabilities, written in the forward long ago, fetched
      // while the product below runs (rows of a short visible part each: the
      // hardware prefetcher did not keep ahead of the softmax backward).
      for (int i = i0; i < i1; i++)
        for (int j = 0; j < keys; j += kLineReals) __builtin_prefetch(a + (size_t)i * T + j);
      // datt (rows, keys) = dy_rows v_keys^T
      gemm(false, false, rows, keys, hs, real(1), dy + (size_t)i0 * C, C, vt, T, Grad::overwrite, da_rows, T);
      // datt becomes dpre, row by row.
      for (int i = i0; i < i1; i++) {
        const int n = causal ? i + 1 : T;
        real* dpre = da + (size_t)i * T;
        softmax_backward_row(dpre, a + (size_t)i * T, n, T);
        if (nb) {
          real* pb = parts + (size_t)bh * nb;
          const int* bk = t5->bucket + t5->zero - i;  // bk[j]: bucket of offset j - i
          for (int j = 0; j < n; j++) pb[bk[j]] += dpre[j];
        }
      }
      // dq_rows = scale * dpre k_keys
      gemm(false, false, rows, hs, keys, scale, da_rows, T, k, C3, Grad::overwrite, dq + (size_t)i0 * C3, C3);
    }
    // By key columns: the rows that see keys [j0, j1) are j0 .. T (all of
    // them when bidirectional), so each key block is one product with one
    // k-ordered sum over its rows, written once (no accumulation into a
    // cleared buffer; clearing dqkv and adding block by block cost a third
    // of the attention's time at model-B size).
    for (int j0 = 0; j0 < T; j0 += block) {
      const int j1 = std::min(T, j0 + block), keys = j1 - j0, r0 = causal ? j0 : 0, rows = T - r0;
      // dv_keys = att[r0.., keys]^T dy_r0.. ; dk_keys = scale * dpre[r0.., keys]^T q_r0..
      gemm(true, false, keys, hs, rows, real(1), a + (size_t)r0 * T + j0, T, dy + (size_t)r0 * C, C, Grad::overwrite,
           dv + (size_t)j0 * C3, C3);
      gemm(true, false, keys, hs, rows, scale, da + (size_t)r0 * T + j0, T, q + (size_t)r0 * C3, C3, Grad::overwrite,
           dk + (size_t)j0 * C3, C3);
    }
  });
  for (int b = 0; b < B && nb; b++)
    for (int h = 0; h < NH; h++)
      for (int k = 0; k < nb; k++) dt5_table[(size_t)k * NH + h] += parts[((size_t)b * NH + h) * nb + k];
}

}  // namespace nope
