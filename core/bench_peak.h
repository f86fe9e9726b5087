// The multiply-add chains behind bench_simd_peak() (bench.h). They live in a
// file of their own because it is compiled with -ffp-contract=fast.
#pragma once

namespace nope {

constexpr int kSimdChains = 12;  // independent chains per call

// Float lanes of the vectors the chains use in this build.
int simd_lanes();

// Runs kSimdChains chains of acc = acc * mul + add for `iters` steps, each
// simd_lanes() wide: 2 * lanes * kSimdChains * iters flops. Returns a sum of
// the accumulators so the work cannot be dropped.
float simd_chains(long iters, float seed, float mul, float add);

}  // namespace nope
