// Native float GEMM for x86-64 with AVX: Goto/BLIS blocking written with
// GCC/Clang vector extensions (one source for AVX-512 and AVX2). Without AVX
// (the portable SSE2 build) the Eigen path (gemm_eigen.cpp) serves: at 4
// lanes Eigen's kernel reaches more of the ceiling than this one.
//
// Why not Eigen here: a thread-parallel product through Eigen has to split C
// into independent sub-products, and each one packs its own copy of op(B)
// (and of op(A)), so packing grows with the tile count. Here op(B) is packed once (up to kPackB floats at a time),
// by all threads together, and then shared (a small row-major op(B) is read
// in place): the tasks are (row block x column group) tiles of C, each
// running every K block of its tile and reading its rows of op(A) in place.
// Two thread hand-offs per product. A transposed op(A) (the weight
// gradients) on several threads is split by column groups alone, each task
// packing its own columns of op(B): one hand-off (gemm_tn_by_columns). The
// forward's bias and the bias gradient ride along (gemm_bias, gemm_tn_sums
// in gemm.h).
//
// Determinism: an element of C is the sum over K blocks in order, each block
// a k-ordered chain of fused multiply-adds in one accumulator lane, scaled by
// alpha and added to C at the store. Nothing depends on the tiling, so every
// thread count gives the same bits. (Built with -ffp-contract=fast: the
// acc += a * b below is one FMA where the ISA has it.)
#include "gemm_kernel.h"

#ifdef NOPE_GEMM_SIMD
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "threads.h"

namespace nope {

namespace {

#if defined(__AVX512F__)
constexpr int W = 16, MR = 8;  // 16 zmm accumulators of 32 registers
#else
constexpr int W = 8, MR = 6;   // AVX: 12 ymm accumulators of 16 (BLIS's Haswell shape)
#endif
constexpr int NR = 2 * W;  // micro-tile MR x NR: two vectors per row
// K block (one B micro-panel, KC x NR, stays in L1), N block and the rows
// of one task (MC x KC of op(A), in L2).
constexpr int KC = 256, NC = 1024, MC = 16 * MR;
// Column groups per task: enough tasks for a few threads when M is short.
constexpr int kMinTasks = 8;

typedef float vf __attribute__((vector_size(W * sizeof(float))));
typedef float vfu __attribute__((vector_size(W * sizeof(float)), aligned(4), may_alias));

inline vf loadu(const float* p) { return *reinterpret_cast<const vfu*>(p); }
inline void storeu(float* p, vf v) { *reinterpret_cast<vfu*>(p) = v; }

// x in every lane: one broadcast load. (`vf{} + x` is 0 + x, which GCC
// computes as a scalar add and a register broadcast: two more FP-pipe
// instructions per row and k, competing with the FMAs.) The bits are the
// same: a product with +0 or -0 added to an accumulator that starts at +0.
inline vf splat(const float* x) {
#if defined(__AVX512F__)
  return (vf)_mm512_set1_ps(*x);
#else
  return (vf)_mm256_set1_ps(*x);
#endif
}

// Up to this many floats of op(B) are packed in one go (all of it for the
// products of a training step): one region packs, one computes, so a long-K
// weight gradient costs two thread hand-offs rather than two per K block.
constexpr size_t kPackB = size_t(1) << 20;

// Grown-only per-thread buffers (heap, not static thread-local storage,
// which glibc carves out of every thread's stack): packed op(B) belongs to
// the calling thread and is read by the tasks through a pointer; packed
// op(A) rows to the thread that runs a task.
float* thread_buffer(size_t n, int which) {
  static thread_local std::vector<float, BufferAllocator<float>> buf[2];
  if (buf[which].size() < n) buf[which].resize(n);
  return buf[which].data();
}

// One NR-column panel of op(B)(p0.., j0..): dst[k][0..NR), zero past N.
void pack_b_panel(bool trans, const float* B, int ldb, int N, int j0, int p0, int kc, float* dst) {
  const int cols = std::min(NR, N - j0);
  if (!trans && cols == NR) {
    for (int k = 0; k < kc; k++) std::memcpy(dst + k * NR, B + (size_t)(p0 + k) * ldb + j0, sizeof(float) * NR);
    return;
  }
  if (!trans) {
    for (int k = 0; k < kc; k++) {
      const float* src = B + (size_t)(p0 + k) * ldb + j0;
      for (int c = 0; c < NR; c++) dst[k * NR + c] = c < cols ? src[c] : 0.0f;
    }
    return;
  }
  // op(B)(k, j) = B[j][k]: each column is a contiguous row of B.
  for (int c = 0; c < NR; c++) {
    if (c >= cols) {
      for (int k = 0; k < kc; k++) dst[k * NR + c] = 0.0f;
      continue;
    }
    const float* col = B + (size_t)(j0 + c) * ldb + p0;
    for (int k = 0; k < kc; k++) dst[k * NR + c] = col[k];
  }
}

// MR rows of op(A)(i0.., p0..) as dst[k][0..MR), zero past M: the last,
// partial panel of a product (full panels are read in place).
void pack_a_panel(bool trans, const float* A, int lda, int M, int i0, int p0, int kc, float* dst) {
  const int rows = std::min(MR, M - i0);
  for (int r = 0; r < MR; r++) {
    if (r >= rows) {
      for (int k = 0; k < kc; k++) dst[k * MR + r] = 0.0f;
    } else if (trans) {
      for (int k = 0; k < kc; k++) dst[k * MR + r] = A[(size_t)(p0 + k) * lda + i0 + r];
    } else {
      const float* src = A + (size_t)(i0 + r) * lda + p0;
      for (int k = 0; k < kc; k++) dst[k * MR + r] = src[k];
    }
  }
}

// C[0..rows)[0..cols) (+)= alpha * (MR rows of op(A)) x (NR columns of op(B)).
// The rows are read in place, from a row-major A (a[r * lda + k]) or a
// transposed one (kColMajorA: a[k * lda + r], MR contiguous floats per k),
// or from a packed partial panel (kColMajorA with lda = MR). The columns are
// a packed panel (b[k * NR + c]) or, for a small row-major B, read in place
// (b[k * ldb + c]).
// bias (one value per column, or null) is added after the sum, as the last
// operation on each element: the same bits as adding it in a later pass.
template <bool kColMajorA, bool kPackedB>
void micro_kernel(int kc, const float* __restrict a, int lda, const float* __restrict b, int ldb, float* C, int ldc,
                  float alpha, bool accumulate, const float* bias, int rows, int cols) {
  // Prefetches: the C tile for writing (its rows are an activation, out of
  // L1, and the store at the end would wait for them), and, for an A read in
  // place, each row two cache lines ahead (eight rows one stride apart are
  // more streams than the hardware prefetcher follows) or, transposed, four
  // rows ahead, and for a B read in place, four rows ahead.
  vf c0[MR], c1[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++) {
    c0[r] = c1[r] = vf{};
    __builtin_prefetch(C + (size_t)r * ldc, 1);
    __builtin_prefetch(C + (size_t)r * ldc + NR - 1, 1);
  }
  for (int k = 0; k < kc; k++, b += kPackedB ? NR : ldb) {
    if (!kColMajorA && k % 16 == 0) {
#pragma GCC unroll 16
      for (int r = 0; r < MR; r++) __builtin_prefetch(a + (size_t)r * lda + k + 32);
    }
    if (kColMajorA && lda != MR) __builtin_prefetch(a + (size_t)(k + 4) * lda);  // 4 rows of A^T ahead
    if (!kPackedB) {
      __builtin_prefetch(b + 4 * (size_t)ldb);
      __builtin_prefetch(b + 4 * (size_t)ldb + W);
    }
    const vf b0 = kPackedB ? *reinterpret_cast<const vf*>(b) : loadu(b);
    const vf b1 = kPackedB ? *reinterpret_cast<const vf*>(b + W) : loadu(b + W);
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      const vf x = splat(kColMajorA ? a + (size_t)k * lda + r : a + (size_t)r * lda + k);
      c0[r] += x * b0;
      c1[r] += x * b1;
    }
  }
  const vf va = vf{} + alpha;
  if (rows == MR && cols == NR) {
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      float* c = C + (size_t)r * ldc;
      vf o0 = c0[r], o1 = c1[r];
      if (alpha != 1.0f) {  // (1 * x is x: skipping it changes no bits)
        o0 *= va;
        o1 *= va;
      }
      if (accumulate) {
        o0 += loadu(c);
        o1 += loadu(c + W);
      }
      if (bias) {
        o0 += loadu(bias);
        o1 += loadu(bias + W);
      }
      storeu(c, o0);
      storeu(c + W, o1);
    }
    return;
  }
  alignas(64) float tile[NR];  // an edge tile: write only the valid part
  for (int r = 0; r < rows; r++) {
    float* c = C + (size_t)r * ldc;
    *reinterpret_cast<vf*>(tile) = va * c0[r];
    *reinterpret_cast<vf*>(tile + W) = va * c1[r];
    for (int q = 0; q < cols; q++) {
      c[q] = (accumulate ? c[q] : 0.0f) + tile[q];
      if (bias) c[q] += bias[q];
    }
  }
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }
int round_up(int a, int b) { return ceil_div(a, b) * b; }

// One product with gemm.h's two fusions: bias added to every row of C at the
// last K block, and the column sums of a transposed A (a_sums) taken per K
// block, in a pass over the block just before its products read it.
struct Product {
  bool trans_a, trans_b;
  int M, N, K;
  float alpha;
  const float* A;
  int lda;
  const float* B;
  int ldb;
  Grad into;
  float* C;
  int ldc;
  const float* bias;
  float* a_sums;
};

// a_sums[i] += op(A)(k, i) over k in [p0, p0 + kc), for i in [i0, i1): each
// sum one k-ordered chain, so any split of the rows gives the same bits.
void sum_a_columns(const Product& p, int i0, int i1, int p0, int kc) {
  for (int k = 0; k < kc; k++) {
    const float* src = p.A + (size_t)(p0 + k) * p.lda;
    if (k + 4 < kc)  // rows a stride apart: fetched 4 ahead
      for (int r = i0; r < i1; r += 16) __builtin_prefetch(src + 4 * (size_t)p.lda + r);
    for (int r = i0; r < i1; r++) p.a_sums[r] += src[r];
  }
}

// The micro-tiles of one K block (p0, kc) over rows [i0, i0 + mc) and panels
// [jp0, jp1) of the N block at j0. bp is panel jp's op(B): packed (KC x NR)
// or, direct_b, the row-major B read in place. Full MR-row panels of op(A)
// are read in place; only the last, partial one is packed, into pack_a
// (packing every panel would copy all of op(A) once per product).
template <class PanelB>
void block_products(const Product& p, int i0, int mc, int p0, int kc, int j0, int jp0, int jp1, bool direct_b,
                    PanelB bp, float* pack_a) {
  const bool accumulate = p0 > 0 || p.into == Grad::accumulate;  // later K blocks add to the first
  const bool last = p0 + KC >= p.K;
  if (mc % MR) pack_a_panel(p.trans_a, p.A, p.lda, p.M, i0 + mc / MR * MR, p0, kc, pack_a);
  for (int jp = jp0; jp < jp1; jp++) {
    const int jc = j0 + jp * NR, cols = std::min(NR, p.N - jc);
    const float* b = bp(jp);
    const float* bias_j = p.bias && last ? p.bias + jc : nullptr;
    for (int ir = 0; ir < mc; ir += MR) {
      float* c = p.C + (size_t)(i0 + ir) * p.ldc + jc;
      const int rows = std::min(MR, p.M - i0 - ir);
      // op(A) rows in place: row-major A (a[r * lda + k]) or a transposed
      // A (a[k * lda + r]); the partial panel packed (a[k * MR + r]).
      const bool packed = mc - ir < MR;
      const bool col_major = p.trans_a || packed;
      const float* a = packed      ? pack_a
                       : p.trans_a ? p.A + (size_t)p0 * p.lda + i0 + ir
                                   : p.A + (size_t)(i0 + ir) * p.lda + p0;
      const int lda = packed ? MR : p.lda;
      if (!col_major && direct_b)
        micro_kernel<false, false>(kc, a, lda, b, p.ldb, c, p.ldc, p.alpha, accumulate, bias_j, rows, cols);
      else if (!col_major)
        micro_kernel<false, true>(kc, a, lda, b, NR, c, p.ldc, p.alpha, accumulate, bias_j, rows, cols);
      else if (direct_b)
        micro_kernel<true, false>(kc, a, lda, b, p.ldb, c, p.ldc, p.alpha, accumulate, bias_j, rows, cols);
      else
        micro_kernel<true, true>(kc, a, lda, b, NR, c, p.ldc, p.alpha, accumulate, bias_j, rows, cols);
    }
  }
}

// A transposed A on several threads (the weight gradients dY^T X: M = 128-512
// outputs, K = 2048 tokens at model-B size): one task per column group, each
// packing its own columns of op(B) one K block at a time (they stay in its
// L2) and running every row. Row blocks sharing one packed op(B) had each
// task read all of it from the other core's cache: these products ran 1.0-1.4x
// on two threads. The tasks share op(A) (read in place, from L3); each takes
// the column sums of an equal share of its rows.
void gemm_tn_by_columns(const Product& p, int j0, int nc) {
  const int panels = ceil_div(nc, NR), per_group = ceil_div(panels, std::min(panels, threads_available()));
  const int groups = ceil_div(panels, per_group);
  // Task g's share of the column sums: rows [share(g), share(g + 1)).
  auto share = [&](int g) { return std::min(p.M, round_up(p.M * g / groups, 16)); };
  parallel_for(groups, [&](int g) {
    const int jp0 = g * per_group, jp1 = std::min(panels, jp0 + per_group);
    const int s0 = share(g), s1 = g + 1 == groups ? p.M : share(g + 1);
    float* pack_b = thread_buffer((size_t)KC * per_group * NR, 0);  // this thread's
    float* pack_a = thread_buffer((size_t)MR * KC, 1);
    auto panel = [&](int jp) { return pack_b + (size_t)(jp - jp0) * KC * NR; };
    for (int p0 = 0; p0 < p.K; p0 += KC) {
      const int kc = std::min(KC, p.K - p0);
      if (p.a_sums && j0 == 0 && s0 < s1) sum_a_columns(p, s0, s1, p0, kc);
      for (int jp = jp0; jp < jp1; jp++) pack_b_panel(p.trans_b, p.B, p.ldb, p.N, j0 + jp * NR, p0, kc, panel(jp));
      for (int i0 = 0; i0 < p.M; i0 += MC)
        block_products(p, i0, std::min(MC, p.M - i0), p0, kc, j0, jp0, jp1, false, panel, pack_a);
    }
  });
}

void gemm_fused(const Product& p) {
  const int M = p.M, N = p.N, K = p.K;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = 0 or C unchanged (+ bias)
    for (int i = 0; i < M; i++) {
      float* c = p.C + (size_t)i * p.ldc;
      if (p.into == Grad::overwrite) std::memset(c, 0, sizeof(float) * N);
      if (p.bias)
        for (int j = 0; j < N; j++) c[j] += p.bias[j];
    }
    return;
  }
  // Tasks: row blocks x column groups (a transposed A on several threads:
  // column groups alone, above). No element's arithmetic depends on the
  // tiling, so it is chosen for the threads at hand: one task per MC rows
  // alone, and for several threads at least kMinTasks tasks, made by
  // column groups.
  const bool parallel = threads_available() > 1;
  const int row_blocks = ceil_div(M, MC);
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0), panels = ceil_div(nc, NR);
    // A small product (one row block, one K block: each B panel used by a
    // few micro-tiles only) reads a row-major op(B) of whole panels in
    // place: packing it cost as much as the product at attention sizes.
    const bool direct_b = !p.trans_b && M <= MC && K <= KC && nc % NR == 0;
    if (parallel && p.trans_a && !direct_b) {
      gemm_tn_by_columns(p, j0, nc);
      continue;
    }
    const int groups = parallel ? std::min(panels, ceil_div(kMinTasks, row_blocks)) : 1;
    const int per_group = ceil_div(panels, groups);
    // K blocks packed together. Several threads: all of K when it fits in
    // kPackB (two hand-offs per span, not per K block). One thread: one K
    // block at a time, so that its packed panels are still in L2 when the
    // products read them (a long-K weight gradient's whole packed op(B)
    // would not fit in L2 at model-B size).
    const int span = parallel ? KC * std::max<int>(1, (int)(kPackB / ((size_t)KC * panels * NR))) : KC;
    float* pack_b = direct_b ? nullptr : thread_buffer((size_t)std::min(K, span) * panels * NR, 0);
    for (int s0 = 0; s0 < K; s0 += span) {
      const int s1 = std::min(K, s0 + span), blocks = ceil_div(s1 - s0, KC);
      // Block q of the span: panel jp at pack_b + (p0 - s0) * panels * NR + jp * kc * NR.
      if (!direct_b) parallel_for(blocks * panels, [&](int task) {
        const int p0 = s0 + task / panels * KC, kc = std::min(KC, s1 - p0), jp = task % panels;
        pack_b_panel(p.trans_b, p.B, p.ldb, N, j0 + jp * NR, p0, kc,
                     pack_b + (size_t)(p0 - s0) * panels * NR + (size_t)jp * kc * NR);
      });
      parallel_for(row_blocks * groups, [&](int task) {
        const int i0 = task / groups * MC, mc = std::min(MC, M - i0);
        const int jp0 = task % groups * per_group, jp1 = std::min(panels, jp0 + per_group);
        if (jp0 >= jp1) return;
        float* pack_a = thread_buffer((size_t)MR * KC, 1);  // this thread's
        for (int p0 = s0; p0 < s1; p0 += KC) {
          const int kc = std::min(KC, s1 - p0);
          // The column sums of a transposed A (a bias gradient), by the first
          // column group of each row block, once, each in k order.
          if (p.trans_a && p.a_sums && jp0 == 0 && j0 == 0) sum_a_columns(p, i0, i0 + mc, p0, kc);
          auto panel = [&](int jp) {
            return direct_b ? p.B + (size_t)p0 * p.ldb + j0 + jp * NR
                            : pack_b + (size_t)(p0 - s0) * panels * NR + (size_t)jp * kc * NR;
          };
          block_products(p, i0, mc, p0, kc, j0, jp0, jp1, direct_b, panel, pack_a);
        }
      });
    }
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B,
          int ldb, Grad into, real* C, int ldc) {
  gemm_fused({trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc, nullptr, nullptr});
}

void gemm_bias(bool trans_b, int M, int N, int K, const real* A, int lda, const real* B, int ldb, const real* bias,
               real* C, int ldc) {
  gemm_fused({false, trans_b, M, N, K, real(1), A, lda, B, ldb, Grad::overwrite, C, ldc, bias, nullptr});
}

void gemm_tn_sums(int M, int N, int K, const real* A, int lda, const real* B, int ldb, real* C, int ldc, real* sums) {
  gemm_fused({true, false, M, N, K, real(1), A, lda, B, ldb, Grad::accumulate, C, ldc, nullptr, sums});
}

}  // namespace nope
#endif
