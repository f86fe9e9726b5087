// wasm SIMD (128-bit) GEMM: Eigen 3.4 has no wasm SIMD path, and the
// compiler's auto-vectorisation of its generic kernel reaches a fraction of
// what explicit f32x4 code does.
//
// Goto/BLIS blocking around one of several micro-kernels
// (gemm_wasm_kernels.h; gemm_choice.cpp picks one per shape class at the
// first product of the class): op(B) is packed a (KC x NC) block at a time
// into NR-column micro-panels laid out [k][NR]; the MR x NR micro-kernel keeps
// one B panel in L1 while it walks the rows of op(A), and the B block stays
// in L2. op(A) is packed into MR-row panels ([k][MR]), except that a kernel
// reading rows in place (4x8r) reads a row-major A where it lies and packs
// only a transposed A or the last rows of M. Packing absorbs every transpose,
// so the weight gradients dY^T X (K = batch x time) run as fast as X W^T.
// Every kernel sums each element of C over the same K blocks, k in order, so
// the bits do not depend on which kernel or tiling ran.
#include "gemm_kernel.h"
#ifdef NOPE_GEMM_WASM
#include <wasm_simd128.h>

#include <algorithm>
#include <cstring>

#include "gemm.h"
#include "gemm_kernel.h"
#include "gemm_wasm_kernels.h"
#include "threads.h"

namespace nope {

namespace {

constexpr int KC = kWasmKC, MC = 128, NC = 512;  // cache blocks (floats)
constexpr int kMaxMR = 8;
constexpr int kMinTasks = 4;                     // tiles per block of a big product

// Packing buffers, static so that a training step allocates nothing: B per
// calling thread (shared with the tasks through a pointer), A per thread
// that runs a task.
alignas(16) NOPE_THREAD_LOCAL float g_pack_a[MC * KC];
alignas(16) NOPE_THREAD_LOCAL float g_pack_b[KC * NC];
// A short op(A) (fewer than kMinTasks row blocks, whose tiles split the
// columns) is packed once per K block next to B, for all tasks to share.
alignas(16) NOPE_THREAD_LOCAL float g_pack_a_shared[(kMinTasks * MC + kMaxMR) * KC];

// Rows x0..x3 of a 4 x 4 block, stored transposed: dst[q * stride + i] = x_i[q].
inline void transpose_store(v128_t x0, v128_t x1, v128_t x2, v128_t x3, float* dst, int stride) {
  const v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
  const v128_t t2 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
  wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t2, 0, 2));
  wasm_v128_store(dst + stride, wasm_i64x2_shuffle(t0, t2, 1, 3));
  wasm_v128_store(dst + 2 * stride, wasm_i64x2_shuffle(t1, t3, 0, 2));
  wasm_v128_store(dst + 3 * stride, wasm_i64x2_shuffle(t1, t3, 1, 3));
}

// The MR-row panel of op(A) at rows i0.., k in [p0, p0 + kc): rows past M
// are zero. `by_rows`: dst[r][0..kc) (what a rows-in-place kernel reads
// with lda = kc); otherwise dst[k][0..MR).
void pack_a(bool by_rows, int MR, bool trans, const float* A, int lda, int M, int i0, int p0, int kc, float* dst) {
  const int rows = std::min(MR, M - i0);
  if (by_rows) {
    if (trans && rows == MR && MR == 4) {  // op(A)(i, k) = A[k][i]: four contiguous floats per k
      int k = 0;
      for (; k + 4 <= kc; k += 4) {  // 4 k x 4 rows, transposed in registers
        const float* src = A + (size_t)(p0 + k) * lda + i0;
        transpose_store(wasm_v128_load(src), wasm_v128_load(src + lda), wasm_v128_load(src + 2 * lda),
                        wasm_v128_load(src + 3 * lda), dst + k, kc);
      }
      for (; k < kc; k++) {
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
    return;
  }
  if (trans) {  // op(A)(i0 + r, k) = A[p0 + k][i0 + r]: rows contiguous per k
    for (int k = 0; k < kc; k++) {
      const float* src = A + (size_t)(p0 + k) * lda + i0;
      float* d = dst + k * MR;
      int r = 0;
      for (; r + 4 <= rows; r += 4) wasm_v128_store(d + r, wasm_v128_load(src + r));
      for (; r < rows; r++) d[r] = src[r];
      for (; r < MR; r++) d[r] = 0.0f;
    }
    return;
  }
  int r = 0;
  // Four rows at a time: 4 x 4 blocks transposed in registers.
  for (; r + 4 <= rows; r += 4) {
    const float* s0 = A + (size_t)(i0 + r) * lda + p0;
    const float *s1 = s0 + lda, *s2 = s1 + lda, *s3 = s2 + lda;
    int k = 0;
    for (; k + 4 <= kc; k += 4)
      transpose_store(wasm_v128_load(s0 + k), wasm_v128_load(s1 + k), wasm_v128_load(s2 + k), wasm_v128_load(s3 + k),
                      dst + k * MR + r, MR);
    for (; k < kc; k++) {
      float* d = dst + k * MR + r;
      d[0] = s0[k], d[1] = s1[k], d[2] = s2[k], d[3] = s3[k];
    }
  }
  for (; r < MR; r++) {
    const float* src = A + (size_t)(i0 + r) * lda + p0;
    for (int k = 0; k < kc; k++) dst[k * MR + r] = r < rows ? src[k] : 0.0f;
  }
}

// dst[k][0..NR) = op(B)(p0 + k, j0 + c); columns past N are zero.
// Inlined into the packing task: a call per panel was 4% of attention's
// short products (K 32).
template <int NR>
__attribute__((always_inline)) inline void pack_b_nr(bool trans, const float* B, int ldb, int N, int j0, int p0, int kc, float* dst) {
  const int cols = std::min(NR, N - j0);
  if (!trans && cols == NR) {  // op(B)(k, j) = B[k][j]: NR contiguous floats per k
    for (int k = 0; k < kc; k++) {
      const float* src = B + (size_t)(p0 + k) * ldb + j0;
      for (int c = 0; c < NR; c += 4) wasm_v128_store(dst + k * NR + c, wasm_v128_load(src + c));
    }
    return;
  }
  if (trans && cols == NR) {  // op(B)(k, j) = B[j][k]: columns contiguous in k
    for (int c = 0; c < NR; c += 4) {
      const float* s0 = B + (size_t)(j0 + c) * ldb + p0;
      const float *s1 = s0 + ldb, *s2 = s1 + ldb, *s3 = s2 + ldb;
      int k = 0;
      for (; k + 4 <= kc; k += 4)  // 4 columns x 4 k, transposed in registers
        transpose_store(wasm_v128_load(s0 + k), wasm_v128_load(s1 + k), wasm_v128_load(s2 + k),
                        wasm_v128_load(s3 + k), dst + k * NR + c, NR);
      for (; k < kc; k++) {
        float* d = dst + k * NR + c;
        d[0] = s0[k], d[1] = s1[k], d[2] = s2[k], d[3] = s3[k];
      }
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


// The blocked product around kernel `kern`, whose tile is MR x NR: the
// tile as constants, so that the loops around a short kernel call (K 32 in
// attention) cost what they did with one fixed kernel.
template <int MR, int NR>
void gemm_blocked(const WasmKernel& kern, bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                  const float* A, int lda, const float* B, int ldb, bool accumulate_c, float* C, int ldc) {
  const WasmKernelFn fn = kern.fn;
  const bool rows_in_place = kern.rows_in_place;
  constexpr int mcb = MC / MR * MR;  // row block: whole panels
  // Threads (pthreads build): each B block is packed once, by all threads,
  // into the calling thread's buffer; the tasks are (row block x group of
  // NR panels) tiles of C, each packing its own A rows. Every element of C is
  // computed the same way whatever the tiling, so the bits do not depend on
  // the thread count. Column groups only for products big enough to share
  // (they repack A); the grouping depends on the shape only.
  float* pack_b_buf = g_pack_b, *pack_a_shared = g_pack_a_shared;  // the calling thread's
  const int row_blocks = (M + mcb - 1) / mcb;
  const bool big = 2.0 * M * N * K >= double(1 << 22);
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0), panels = (nc + NR - 1) / NR;
    const int groups = big ? std::min(panels, (kMinTasks + row_blocks - 1) / row_blocks) : 1;
    const int per_group = (panels + groups - 1) / groups;
    const bool share_a = groups > 1;  // then row_blocks < kMinTasks: A fits g_pack_a_shared
    // A panel of a row-major A is read in place by a rows kernel; the others are packed.
    auto in_place = [&](int rows) { return rows_in_place && !trans_a && rows >= MR; };
    for (int p0 = 0; p0 < K; p0 += KC) {
      const int kc = std::min(KC, K - p0);
      // Later K blocks add to what the first one wrote.
      const bool accumulate = p0 > 0 || accumulate_c;
      // Pack tasks: B panels, then (shared A) the A panels that need it.
      const int b_tasks = big ? panels : 1, a_tasks = share_a ? (M + MR - 1) / MR : 0;
      parallel_for(b_tasks + a_tasks, [&](int task) {
        if (task >= b_tasks) {
          const int r0 = (task - b_tasks) * MR;
          if (!in_place(M - r0))
            pack_a(rows_in_place, MR, trans_a, A, lda, M, r0, p0, kc, pack_a_shared + (size_t)r0 * kc);
          return;
        }
        const int jp0 = big ? task : 0, jp1 = big ? task + 1 : panels;
        for (int jp = jp0; jp < jp1; jp++)
          pack_b_nr<NR>(trans_b, B, ldb, N, j0 + jp * NR, p0, kc, pack_b_buf + jp * NR * kc);
      });
      parallel_for(row_blocks * groups, [&](int task) {
        const int i0 = task / groups * mcb, mc = std::min(mcb, M - i0);
        const int jr0 = task % groups * per_group * NR, jr1 = std::min(nc, jr0 + per_group * NR);
        if (jr0 >= jr1) return;
        // This thread's buffer, or the rows of the shared one.
        float* pack_a_buf = share_a ? pack_a_shared + (size_t)i0 * kc : g_pack_a;
        if (!share_a)
          for (int ir = 0; ir < mc; ir += MR)
            if (!in_place(mc - ir))
              pack_a(rows_in_place, MR, trans_a, A, lda, M, i0 + ir, p0, kc, pack_a_buf + ir * kc);
        for (int jr = jr0; jr < jr1; jr += NR) {
          const int cols = std::min(NR, N - j0 - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            const int rows = std::min(MR, M - i0 - ir);
            const bool direct = in_place(mc - ir);
            const float* a = direct ? A + (size_t)(i0 + ir) * lda + p0 : pack_a_buf + ir * kc;
            fn(kc, a, direct ? lda : kc, pack_b_buf + jr * kc, C + (size_t)(i0 + ir) * ldc + j0 + jr, ldc,
                    alpha, accumulate, rows, cols);
          }
        }
      });
    }
  }
}

}  // namespace

void gemm_wasm_with(const WasmKernel& kern, bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                    const float* A, int lda, const float* B, int ldb, Grad into, float* C, int ldc) {
  const bool accumulate_c = into == Grad::accumulate;
  // One instance per tile shape of kWasmKernels.
  auto run = [&](auto blocked, const WasmKernel* k = nullptr) {
    blocked(k ? *k : kern, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, accumulate_c, C, ldc);
  };
  switch (kern.mr * 100 + kern.nr) {
    case 408: return run(gemm_blocked<4, 8>);
    case 216: return run(gemm_blocked<2, 16>);
    case 608: return run(gemm_blocked<6, 8>);
    case 316: return run(gemm_blocked<3, 16>);
    case 808: return run(gemm_blocked<8, 8>);
    case 416: return run(gemm_blocked<4, 16>);
  }
  // A tile without its case above: the default kernel (the same bits).
  run(gemm_blocked<4, 8>, &kWasmKernels[0]);
}

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B, int ldb,
          Grad into, real* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = 0, or C unchanged
    if (into == Grad::overwrite)
      for (int i = 0; i < M; i++) std::memset(C + (size_t)i * ldc, 0, sizeof(float) * N);
    return;
  }
  gemm_wasm_run(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc);
}

}  // namespace nope
#endif
