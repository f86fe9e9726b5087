// Project-owned PRNG (xoshiro256**) and normal sampler. Every random number in
// the core (init, data, probe splits) comes from here, so a seed gives
// bit-identical weights and data on every platform, native and wasm alike.
// Never use std::*_distribution or Eigen's Random(): their output differs
// between standard libraries.
#pragma once
#include <cstdint>

namespace nope {

struct Rng {
  uint64_t s[4];
};

// Seeds the four words from `seed` through splitmix64.
Rng rng_seed(uint64_t seed);
// An independent stream derived from a seed and a stream id (e.g. init vs
// data vs probe split), so adding draws to one never shifts another.
Rng rng_stream(uint64_t seed, uint64_t stream);
uint64_t rng_u64(Rng& r);
// Uniform integer in [0, n), unbiased. n must be > 0.
uint32_t rng_below(Rng& r, uint32_t n);
// Uniform double in [0, 1) with 53 random bits.
double rng_uniform(Rng& r);
// Standard normal. Uses only +,-,*,/ and sqrt (all correctly rounded in
// IEEE-754) plus the project's own log, so results are bit-identical across
// libms. The translation unit is compiled with -ffp-contract=off.
double rng_normal(Rng& r);
// The natural log behind rng_normal, from frexp, +,-,*,/ only (~1 ulp), so it
// is bit-identical under glibc, musl and Emscripten. Exposed for its tests.
// x <= 0 gives -inf (x == 0) or NaN; +inf and NaN pass through.
double rng_log(double x);

// Stream ids in use (documented so new uses pick fresh ones).
enum RngStream : uint64_t {
  kStreamInit = 1,
  kStreamTrainData = 2,
  kStreamEvalData = 3,
  kStreamAnalysis = 4,
  kStreamProbeSplit = 5,
  kStreamEquivariance = 6,  // analysis: permutation-equivariance inputs
};

}  // namespace nope
