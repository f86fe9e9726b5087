// wasm SIMD (128-bit) GEMM: Eigen 3.4 has no wasm SIMD path, and the
// compiler's auto-vectorisation of its generic kernel reaches a fraction of
// what explicit f32x4 code does.
//
// Goto/BLIS blocking: op(B) is packed a (KC x NC) block at a time into
// 8-column micro-panels laid out [k][8]; the 4x8 micro-kernel keeps one B
// panel (8 KB) in L1 while it walks the rows of op(A), and the B block stays
// in L2. Row-major A is read in place (its rows are already contiguous in k);
// a transposed A, or the last rows of an M that is not a multiple of 4, is
// packed into 4-row panels first. Packing absorbs every transpose, so the
// weight gradients dY^T X (K = batch x time) run as fast as X W^T.
//
// Measured under V8 (node 20): the kernel must stay a function of its own,
// where TurboFan keeps its 8 accumulators, 2 B vectors and the A splat in
// xmm registers. Inlined into gemm(), or unrolled over k, or widened to 5 or
// 6 rows, it spills and runs at 60% of the speed.
#include "gemm_kernel.h"
#ifdef NOPE_GEMM_WASM
#include <wasm_simd128.h>

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "gemm_kernel.h"
#include "threads.h"

namespace nope {

namespace {

constexpr int MR = 4, NR = 8;                // micro-tile: 8 f32x4 accumulators
constexpr int KC = 256, MC = 128, NC = 512;  // cache blocks (floats)
constexpr int kMinTasks = 4;                 // tiles per block of a big product

// Packing buffers, static so that a training step allocates nothing: B per
// calling thread (shared with the tasks through a pointer), A per thread
// that runs a task.
alignas(16) NOPE_THREAD_LOCAL float g_pack_a[MC * KC];
alignas(16) NOPE_THREAD_LOCAL float g_pack_b[KC * NC];
// A short op(A) (fewer than kMinTasks row blocks, whose tiles split the
// columns) is packed once per K block next to B, for all tasks to share.
alignas(16) NOPE_THREAD_LOCAL float g_pack_a_shared[kMinTasks * MC * KC];

// dst[r][0..kc) = op(A)(i0 + r, p0 + k): MR rows of kc; rows past M are zero.
void pack_a(bool trans, const float* A, int lda, int M, int i0, int p0, int kc, float* dst) {
  const int rows = std::min(MR, M - i0);
  if (trans && rows == MR) {  // op(A)(i, k) = A[k][i]: read four contiguous floats per k
    for (int k = 0; k < kc; k++) {
      const float* src = A + (size_t)(p0 + k) * lda + i0;
      dst[k] = src[0];
      dst[kc + k] = src[1];
      dst[2 * kc + k] = src[2];
      dst[3 * kc + k] = src[3];
    }
    return;
  }
  for (int r = 0; r < MR; r++) {
    float* d = dst + r * kc;
    if (r >= rows) {
      std::memset(d, 0, sizeof(float) * kc);
    } else if (trans) {
      for (int k = 0; k < kc; k++) d[k] = A[(size_t)(p0 + k) * lda + i0 + r];
    } else {
      std::memcpy(d, A + (size_t)(i0 + r) * lda + p0, sizeof(float) * kc);
    }
  }
}

// dst[k][0..NR) = op(B)(p0 + k, j0 + c); columns past N are zero.
void pack_b(bool trans, const float* B, int ldb, int N, int j0, int p0, int kc, float* dst) {
  const int cols = std::min(NR, N - j0);
  if (!trans && cols == NR) {  // op(B)(k, j) = B[k][j]: eight contiguous floats per k
    for (int k = 0; k < kc; k++) {
      const float* src = B + (size_t)(p0 + k) * ldb + j0;
      wasm_v128_store(dst + k * NR, wasm_v128_load(src));
      wasm_v128_store(dst + k * NR + 4, wasm_v128_load(src + 4));
    }
    return;
  }
  for (int c = 0; c < NR; c++) {
    if (c >= cols) {
      for (int k = 0; k < kc; k++) dst[k * NR + c] = 0.0f;
    } else if (trans) {
      const float* col = B + (size_t)(j0 + c) * ldb + p0;
      for (int k = 0; k < kc; k++) dst[k * NR + c] = col[k];
    } else {
      for (int k = 0; k < kc; k++) dst[k * NR + c] = B[(size_t)(p0 + k) * ldb + j0 + c];
    }
  }
}

// C[0..rows)[0..cols) (+)= alpha * (4 rows of A, stride lda) x (B panel)
// over kc. Written out by hand: 8 accumulators, 2 B vectors and the A splat.
void micro_kernel(int kc, const float* a, int lda, const float* b, float* C, int ldc, float alpha, bool accumulate,
                  int rows, int cols) {
  const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++, b += NR) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t x = wasm_v128_load32_splat(a0 + k);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a1 + k);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a2 + k);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a3 + k);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
  }
  const v128_t acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  const v128_t va = wasm_f32x4_splat(alpha);
  if (rows == MR && cols == NR) {
    for (int r = 0; r < MR; r++) {
      float* c = C + (size_t)r * ldc;
      v128_t o0 = wasm_f32x4_mul(va, acc[r][0]), o1 = wasm_f32x4_mul(va, acc[r][1]);
      if (accumulate) {
        o0 = wasm_f32x4_add(o0, wasm_v128_load(c));
        o1 = wasm_f32x4_add(o1, wasm_v128_load(c + 4));
      }
      wasm_v128_store(c, o0);
      wasm_v128_store(c + 4, o1);
    }
    return;
  }
  alignas(16) float tile[NR];  // an edge tile: write only the valid part
  for (int r = 0; r < rows; r++) {
    float* c = C + (size_t)r * ldc;
    wasm_v128_store(tile, wasm_f32x4_mul(va, acc[r][0]));
    wasm_v128_store(tile + 4, wasm_f32x4_mul(va, acc[r][1]));
    for (int q = 0; q < cols; q++) c[q] = (accumulate ? c[q] : 0.0f) + tile[q];
  }
}

// Called through a pointer so that wasm-opt cannot inline it into gemm().
void (*volatile g_kernel)(int, const float*, int, const float*, float*, int, float, bool, int, int) = micro_kernel;

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B, int ldb,
          real beta, real* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = beta * C
    if (beta == 0.0f)
      for (int i = 0; i < M; i++) std::memset(C + (size_t)i * ldc, 0, sizeof(float) * N);
    return;
  }
  // Threads (pthreads build): each B block is packed once, by all threads,
  // into the calling thread's buffer; the tasks are (MC row block x group of
  // NR panels) tiles of C, each packing its own A rows. Every element of C is
  // computed the same way whatever the tiling, so the bits do not depend on
  // the thread count. Column groups only for products big enough to share
  // (they repack A); the grouping depends on the shape only.
  float* pack_b_buf = g_pack_b, *pack_a_shared = g_pack_a_shared;  // the calling thread's
  const int row_blocks = (M + MC - 1) / MC;
  const bool big = 2.0 * M * N * K >= double(1 << 22);
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0), panels = (nc + NR - 1) / NR;
    const int groups = big ? std::min(panels, (kMinTasks + row_blocks - 1) / row_blocks) : 1;
    const int per_group = (panels + groups - 1) / groups;
    const bool share_a = groups > 1;  // then row_blocks < kMinTasks: A fits g_pack_a_shared
    for (int p0 = 0; p0 < K; p0 += KC) {
      const int kc = std::min(KC, K - p0);
      // Later K blocks add to what the first one wrote.
      const bool accumulate = p0 > 0 || beta != 0.0f;
      // Pack tasks: B panels, then (shared A) the A panels that need it.
      const int b_tasks = big ? panels : 1, a_tasks = share_a ? (M + MR - 1) / MR : 0;
      parallel_for(b_tasks + a_tasks, [&](int task) {
        if (task >= b_tasks) {
          const int r0 = (task - b_tasks) * MR;
          if (trans_a || M - r0 < MR) pack_a(trans_a, A, lda, M, r0, p0, kc, pack_a_shared + (size_t)r0 * kc);
          return;
        }
        const int jp0 = big ? task : 0, jp1 = big ? task + 1 : panels;
        for (int jp = jp0; jp < jp1; jp++)
          pack_b(trans_b, B, ldb, N, j0 + jp * NR, p0, kc, pack_b_buf + jp * NR * kc);
      });
      parallel_for(row_blocks * groups, [&](int task) {
        const int i0 = task / groups * MC, mc = std::min(MC, M - i0);
        const int jr0 = task % groups * per_group * NR, jr1 = std::min(nc, jr0 + per_group * NR);
        if (jr0 >= jr1) return;
        // This thread's buffer, or the rows of the shared one.
        float* pack_a_buf = share_a ? pack_a_shared + (size_t)i0 * kc : g_pack_a;
        // A 4-row panel of a row-major A is read in place; the others are packed.
        auto in_place = [&](int ir) { return !trans_a && mc - ir >= MR; };
        if (!share_a)
          for (int ir = 0; ir < mc; ir += MR)
            if (!in_place(ir)) pack_a(trans_a, A, lda, M, i0 + ir, p0, kc, pack_a_buf + ir * kc);
        for (int jr = jr0; jr < jr1; jr += NR) {
          const int cols = std::min(NR, N - j0 - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            const int rows = std::min(MR, M - i0 - ir);
            const bool direct = in_place(ir);
            const float* a = direct ? A + (size_t)(i0 + ir) * lda + p0 : pack_a_buf + ir * kc;
            g_kernel(kc, a, direct ? lda : kc, pack_b_buf + jr * kc, C + (size_t)(i0 + ir) * ldc + j0 + jr, ldc,
                     alpha, accumulate, rows, cols);
          }
        }
      });
    }
  }
}

}  // namespace nope
#endif
