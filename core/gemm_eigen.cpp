// nope::gemm for the double build, builds without AVX and -DNOPE_GEMM_EIGEN
// (see gemm_kernel.h): splits C into tiles whose shape depends on (M, N, K)
// only and runs them on the thread pool, so every element of C is computed
// by the same kernel call, in the same order, for any thread count. Also the
// Eigen kernel.
#include <algorithm>

#include "gemm.h"
#include "gemm_kernel.h"
#include "threads.h"

namespace nope {

#if !defined(NOPE_GEMM_SIMD) && !defined(NOPE_GEMM_WASM)
namespace {

// A tile should be worth handing to another thread (about 10 us of work).
// Up to kMaxTiles tiles balance the load over a few cores; each tile packs
// its own copy of op(B) for its columns and of op(A) for its rows, so among
// the grids with enough tiles the one that packs the least is taken. Tile
// sides are multiples of 16 (Eigen's AVX-512 float packet).
constexpr double kMinTileFlops = 1 << 20;
constexpr int kMaxTiles = 8;
constexpr bool kPacksRowMajorA = true;  // Eigen packs both operands
constexpr int kAlign = 16;

long ceil_div(long a, long b) { return (a + b - 1) / b; }
long round_up(long a, long b) { return ceil_div(a, b) * b; }

struct Grid {
  int tm, tn, nm, nn;
};

// Depends on the shape only: the same tiles for any thread count.
Grid tile_grid(bool trans_a, int M, int N, int K) {
  const bool packs_a = trans_a || kPacksRowMajorA;
  const double flops = 2.0 * M * N * std::max(K, 1);
  const int want = (int)std::min<double>(kMaxTiles, std::max(1.0, flops / kMinTileFlops));
  Grid best{M, N, 1, 1};
  if (want == 1) return best;
  double best_cost = -1;
  for (int nm = 1; nm <= want; nm++) {
    const int tm = (int)std::min<long>(M, round_up(ceil_div(M, nm), kAlign));
    const int tn = (int)std::min<long>(N, round_up(ceil_div(N, ceil_div(want, nm)), kAlign));
    const Grid g{tm, tn, (int)ceil_div(M, tm), (int)ceil_div(N, tn)};
    if (g.nm * g.nn < want && !(tm == M && tn == N)) continue;
    // Packing volume: op(A) once per column of tiles, op(B) once per row.
    // (Ties keep the first, fewest row tiles.)
    const double cost = (packs_a ? (double)g.nn * M : 0.0) + (double)g.nm * N;
    if (best_cost < 0 || cost < best_cost) best = g, best_cost = cost;
  }
  return best;
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B,
          int ldb, Grad into, real* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  const Grid g = tile_grid(trans_a, M, N, K);
  if (g.nm * g.nn == 1) return gemm_kernel(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc);
  parallel_for(g.nm * g.nn, [&](int tile) {
    const int i0 = tile / g.nn * g.tm, j0 = tile % g.nn * g.tn;
    const int m = std::min(g.tm, M - i0), n = std::min(g.tn, N - j0);
    const real* a = trans_a ? A + i0 : A + (size_t)i0 * lda;  // rows i0.. of op(A)
    const real* b = trans_b ? B + (size_t)j0 * ldb : B + j0;  // columns j0.. of op(B)
    gemm_kernel(trans_a, trans_b, m, n, K, alpha, a, lda, b, ldb, into, C + (size_t)i0 * ldc + j0, ldc);
  });
}

// Eigen kernel. Row-major maps with explicit outer strides; `.noalias()`
// keeps Eigen from allocating a temporary for the product.
void gemm_kernel(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda,
                 const real* B, int ldb, Grad into, real* C, int ldc) {
  MapMS c(C, M, N, StrideO(ldc));
  // op(A) is (M, K): stored (M, K) row-major, or (K, M) row-major if transposed.
  CMapMS a(A, trans_a ? K : M, trans_a ? M : K, StrideO(lda));
  CMapMS b(B, trans_b ? N : K, trans_b ? K : N, StrideO(ldb));
  // Overwriting assigns (no separate zeroing pass over C).
  const bool acc = into == Grad::accumulate;
  if (!trans_a && !trans_b) acc ? void(c.noalias() += alpha * a * b) : void(c.noalias() = alpha * a * b);
  else if (!trans_a) acc ? void(c.noalias() += alpha * a * b.transpose()) : void(c.noalias() = alpha * a * b.transpose());
  else if (!trans_b) acc ? void(c.noalias() += alpha * a.transpose() * b) : void(c.noalias() = alpha * a.transpose() * b);
  else acc ? void(c.noalias() += alpha * a.transpose() * b.transpose()) : void(c.noalias() = alpha * a.transpose() * b.transpose());
}
#endif  // !NOPE_GEMM_SIMD && !NOPE_GEMM_WASM

}  // namespace nope
