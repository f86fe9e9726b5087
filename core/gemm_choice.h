// Which GEMM micro-kernel runs, FFTW/ATLAS style. The wasm build has several
// (gemm_wasm_kernels.h). The first product of each shape class times every
// candidate on a sub-block of that product's own operands (in all at most
// kProbeBudgetMs per module); a pick other than the default (4x8r, the first)
// then goes on trial against it on the class's next real products, and the
// class keeps the winner for the rest of the page load. Every candidate gives
// the same bits, so the choice changes speed only. Natively the build has
// one kernel (AVX, or Eigen), listed under its name so that the same
// interface reports it.
//
// Override, for tests and diagnosis: NOPELAB_KERNEL=<name> in the
// environment (natively), gemm_set_kernel (the wasm module's setKernel,
// which web/worker.js calls for the page's ?kernel=<name>): a kernel's name
// forces it; "" or "auto" chooses per class; "trial:<name>" skips the probe
// and tries <name> against the default in every class.
#pragma once
#include <string>
#include <vector>

namespace nope {

constexpr double kProbeBudgetMs = 100;
// The per-class choice by name (what "" also means).
constexpr const char* kAutoKernel = "auto";
// "trial:<name>" skips the sub-block probe and puts <name> on trial against
// the default in every class (for tests and diagnosis).
constexpr const char* kTrialPrefix = "trial:";

// The kernels this build can run, the default first.
std::vector<std::string> gemm_kernel_names();

// Forces `name` for every product from now on ("" or "auto" = choose per
// shape class again, "trial:<name>" = try <name> in every class). Throws
// nope::Error naming the value and the choices if the build has no such
// kernel.
void gemm_set_kernel(const std::string& name);
// The forced kernel, or "".
std::string gemm_forced_kernel();

// A candidate's speed on one shape, in GFLOP/s.
struct KernelFigure {
  std::string name;
  double gflops = 0;
};

// A shape class and what its probe chose. A probe that picks another kernel
// than the default puts it on trial against the default on the class's real
// products before the class keeps it (gemm_choice.cpp).
struct KernelChoice {
  std::string shape_class;  // e.g. "A B^T, >= 2^22 flops"
  std::string probe_shape;  // the sub-block the probe timed, "MxNxK" ("" under trial:<name>)
  std::string chosen;       // "" while on trial
  double probe_ms = 0;      // the probe's wall time
  std::vector<KernelFigure> candidates;  // each at its best round
  std::string probe_pick;   // the kernel put on trial, "" if none
  int trial_products = 0;   // products the trial timed
  int trial_shapes = 0;     // shapes both kernels timed
  double trial_default_ms = 0, trial_pick_ms = 0;  // fastest product of each, summed over those shapes
};
// The classes probed so far, in the order they were probed.
std::vector<KernelChoice> gemm_kernel_choices();

// The kernel a product of this shape runs now: the forced one, else the one
// its class chose, or "" (class not probed yet, or its pick on trial).
std::string gemm_kernel_for_shape(bool trans_a, bool trans_b, int M, int N, int K);

// For the benchmarks: GFLOP/s of every kernel of this build on one product
// shape (best of `rounds` rounds of `reps` products, the candidates
// alternating within a round). Natively: the one kernel, through nope::gemm.
std::vector<KernelFigure> gemm_time_kernels(bool trans_a, bool trans_b, int M, int N, int K, int reps, int rounds);

}  // namespace nope
