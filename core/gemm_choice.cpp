// The load-time choice of GEMM micro-kernel (gemm_choice.h).
#include "gemm_choice.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "error.h"
#include "gemm.h"
#include "gemm_kernel.h"
#include "gemm_wasm_kernels.h"

namespace nope {

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

#if defined(NOPE_GEMM_WASM)

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// Shape classes: op(A) and op(B) transposed or not, and small (under 2^22
// flops: attention's row blocks) or big (the linear layers): the products
// of one class take the same kernel.
constexpr int kClasses = 8;
int class_of(bool trans_a, bool trans_b, int M, int N, int K) {
  const bool big = 2.0 * M * N * K >= double(1 << 22);
  return (trans_a ? 4 : 0) + (trans_b ? 2 : 0) + (big ? 1 : 0);
}
std::string class_name(int c) {
  return std::string(c & 4 ? "A^T " : "A ") + (c & 2 ? "B^T" : "B") + (c & 1 ? ", >= 2^22 flops" : ", < 2^22 flops");
}

constexpr int kUnset = -1, kProbing = -2, kTrial = -3;
std::atomic<int> g_class_kernel[kClasses] = {kUnset, kUnset, kUnset, kUnset, kUnset, kUnset, kUnset, kUnset};
std::atomic<int> g_forced{kUnset};
// The per-class probe (and its trial) runs unless a kernel is forced. Before
// the trial existed it ran only when asked for ("auto"): the sub-block probe
// alone picked a slower kernel than the default in 3 of 4 idle runs on a
// Zen 4; a pick now has to win on the class's real products first.
std::once_flag g_env_once;

std::mutex g_report_mutex;  // guards the four below
std::vector<KernelChoice> g_report;
double g_probe_total_ms = 0;
// "trial:<name>": every class skips the sub-block probe and puts <name> on
// trial against the default (for tests and diagnosis); -1 otherwise.
int g_trial_only = -1;

// The trial of a class whose probe picked another kernel than the default:
// its real products alternate between the default and the pick, shape by
// shape (a class holds several shapes, and a strict alternation over a
// cycle of an even number of them would time each shape with one kernel
// only), and each shape keeps each kernel's fastest product. Once
// kTrialEach products of every kernel are timed on some shape (or after
// kTrialMax products of the class), the pick stays only if it is kMinGain
// faster than the default summed over the shapes both timed. The trial's
// products are the training's own (the same bits with either kernel), timed
// after the probe's warm-up and well after V8 has tiered the kernels up;
// the sub-block probe alone, inside the first product, picked slower
// kernels in 3 of 4 idle runs on a Zen 4.
constexpr int kTrialEach = 4, kTrialMax = 64;
struct TrialShape {
  int M, N, K;
  int runs[2] = {0, 0};
  double best_ms[2] = {1e300, 1e300};
};
struct Trial {
  int candidate = 0;
  int products = 0;
  size_t report = 0;  // its entry in g_report
  std::vector<TrialShape> shapes;
};
Trial g_trial[kClasses];

// The kernel decided for a product of class cls: the forced one, else its
// class's choice (kUnset, kProbing or kTrial while not decided yet).
int decided_kernel(int cls) {
  const int forced = g_forced.load(std::memory_order_relaxed);
  if (forced >= 0) return forced;
  return g_class_kernel[cls].load(std::memory_order_acquire);
}

int kernel_index(const std::string& name) {
  for (int i = 0; i < kWasmKernelCount; i++)
    if (name == kWasmKernels[i].name) return i;
  return -1;
}

void read_env() {
  std::call_once(g_env_once, [] {
    const char* env = std::getenv("NOPELAB_KERNEL");
    if (env && *env) {
      const int i = kernel_index(env);
      if (i >= 0) g_forced.store(i);
    }
  });
}

// Ms of `reps` products of kernel q on the shape (into the scratch C).
double time_kernel(int q, bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
                   int ldb, float* C, int reps) {
  const double t0 = now_ms();
  for (int i = 0; i < reps; i++)
    gemm_wasm_with(kWasmKernels[q], trans_a, trans_b, M, N, K, 1.0f, A, lda, B, ldb, Grad::overwrite, C, N);
  return now_ms() - t0;
}

// Liftoff, V8's baseline tier, runs a kernel at a fraction of its speed until
// the function has run long enough to be recompiled by TurboFan in the
// background: the first probe calls every kernel kWarmCalls times on one tile
// (about the tier-up budget of a kernel's loop) before anything is timed.
constexpr int kWarmCalls = 96;
bool g_warm = false;  // under g_report_mutex

void warm_up() {
  std::vector<float> a(8 * kWasmKC, 0.0f), b(kWasmKC * 16, 0.0f), c(8 * 16, 0.0f);
  for (int q = 0; q < kWasmKernelCount; q++) {
    const WasmKernel& k = kWasmKernels[q];
    for (int i = 0; i < kWarmCalls; i++) k.fn(kWasmKC, a.data(), kWasmKC, b.data(), c.data(), 16, 1.0f, i > 0, k.mr, k.nr);
  }
}

// Puts class cls on trial (under g_report_mutex): `candidate` against the
// default on its real products. Its report entry says so until the trial ends.
void start_trial(int cls, int candidate, size_t report) {
  Trial& t = g_trial[cls];
  t = Trial();
  t.candidate = candidate;
  t.report = report;
  g_report[report].probe_pick = kWasmKernels[candidate].name;
  g_report[report].chosen = "";
}

// The probe of one class on a sub-block of the product (at most 128 x 256 x
// KC of its own operands), repeated to about 2^23 flops a measurement (a
// quarter of a ms at 35 GFLOP/s, a few ticks of a browser's clock): five
// rounds, the candidates alternating within a round, each kept at its best
// round (the one least disturbed by the rest of the machine); after two
// rounds only the default and the candidates within 1.25x of the best go
// on. A candidate replaces the default only if it is kMinGain faster: on a
// busy machine the figures are noisy (at a load average of 10 on 2 cores a
// 5% margin let noise pick a kernel 10-20% slower on the whole product),
// and the default is the one measured never to lose on this Zen 4.
constexpr double kMinGain = 1.15;
constexpr int kRounds = 5, kRoundsAll = 2;

// Rounds after the first kRoundsAll stop once the probe has used `budget_ms`
// (what is left of the module's kProbeBudgetMs): a pick from fewer rounds
// still has to win its trial.
int probe(int cls, bool trans_a, bool trans_b, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, double budget_ms) {
  const double t_start = now_ms();
  {
    std::lock_guard<std::mutex> lock(g_report_mutex);
    if (!g_warm) warm_up(), g_warm = true;
  }
  const int m = std::min(M, 128), n = std::min(N, 256), k = std::min(K, kWasmKC);
  const double flops = 2.0 * m * n * k;
  const int reps = std::max(1, (int)((1 << 23) / flops));
  std::vector<float> scratch((size_t)m * n);
  std::vector<double> best(kWasmKernelCount, 1e300);
  for (int round = 0; round < kRounds; round++) {
    if (round >= kRoundsAll && now_ms() - t_start > budget_ms) break;
    const double cut = round < kRoundsAll ? 1e300 : 1.25 * *std::min_element(best.begin(), best.end());
    for (int q = 0; q < kWasmKernelCount; q++)
      if (q == 0 || best[q] <= cut)
        best[q] = std::min(best[q], time_kernel(q, trans_a, trans_b, m, n, k, A, lda, B, ldb, scratch.data(), reps));
  }
  int chosen = (int)(std::min_element(best.begin(), best.end()) - best.begin());
  if (best[0] < kMinGain * best[chosen]) chosen = 0;
  KernelChoice r;
  r.shape_class = class_name(cls);
  r.probe_shape = std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
  r.chosen = kWasmKernels[chosen].name;
  r.probe_ms = now_ms() - t_start;
  for (int q = 0; q < kWasmKernelCount; q++)
    r.candidates.push_back({kWasmKernels[q].name, flops * reps / (std::max(best[q], 1e-3) * 1e6)});
  std::lock_guard<std::mutex> lock(g_report_mutex);
  g_probe_total_ms += r.probe_ms;
  g_report.push_back(std::move(r));
  if (chosen != 0) start_trial(cls, chosen, g_report.size() - 1);
  return chosen;
}

// Ends the trial of class cls (under g_report_mutex): the pick if it was
// kMinGain faster on the shapes both kernels timed, else the default.
int end_trial(int cls) {
  Trial& t = g_trial[cls];
  double ms[2] = {0, 0};
  int shapes = 0;
  for (const TrialShape& sh : t.shapes)
    if (sh.runs[0] > 0 && sh.runs[1] > 0) {
      ms[0] += sh.best_ms[0];
      ms[1] += sh.best_ms[1];
      shapes++;
    }
  const int q = shapes > 0 && ms[0] > kMinGain * ms[1] ? t.candidate : 0;
  KernelChoice& r = g_report[t.report];
  r.chosen = kWasmKernels[q].name;
  r.trial_products = t.products;
  r.trial_shapes = shapes;
  r.trial_default_ms = ms[0];
  r.trial_pick_ms = ms[1];
  return q;
}

// The trial's kernel for the next product of this shape: the one with fewer
// timed products of it, the default first.
int trial_slot(Trial& t, int M, int N, int K) {
  for (TrialShape& sh : t.shapes)
    if (sh.M == M && sh.N == N && sh.K == K) return sh.runs[1] < sh.runs[0] ? 1 : 0;
  t.shapes.push_back({M, N, K});
  return 0;
}

void run_on_trial(int cls, bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                  const float* B, int ldb, Grad into, float* C, int ldc) {
  int slot, kernel;
  {
    std::lock_guard<std::mutex> lock(g_report_mutex);
    Trial& t = g_trial[cls];
    slot = trial_slot(t, M, N, K);
    kernel = slot ? t.candidate : 0;
  }
  const double t0 = now_ms();
  gemm_wasm_with(kWasmKernels[kernel], trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc);
  const double ms = now_ms() - t0;
  std::lock_guard<std::mutex> lock(g_report_mutex);
  if (g_class_kernel[cls].load(std::memory_order_relaxed) != kTrial) return;  // another thread ended it
  Trial& t = g_trial[cls];
  t.products++;
  bool enough = t.products >= kTrialMax;
  for (TrialShape& sh : t.shapes) {
    if (sh.M == M && sh.N == N && sh.K == K) {
      sh.runs[slot]++;
      sh.best_ms[slot] = std::min(sh.best_ms[slot], ms);
    }
    enough = enough || (sh.runs[0] >= kTrialEach && sh.runs[1] >= kTrialEach);
  }
  if (enough) g_class_kernel[cls].store(end_trial(cls), std::memory_order_release);
}

}  // namespace

void gemm_wasm_run(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                   const float* B, int ldb, Grad into, float* C, int ldc) {
  read_env();
  const int cls = class_of(trans_a, trans_b, M, N, K);
  int q = decided_kernel(cls);
  // First product of the class: this thread probes (or, under "trial:<name>",
  // starts the trial), another thread that gets here meanwhile runs the
  // default (the same bits). Over the budget, a class takes the default
  // without a probe.
  int expected = kUnset;
  if (q == kUnset && g_class_kernel[cls].compare_exchange_strong(expected, kProbing)) {
    double spent;
    int trial_only;
    {
      std::lock_guard<std::mutex> lock(g_report_mutex);
      spent = g_probe_total_ms;
      trial_only = g_trial_only;
    }
    if (trial_only >= 0) {
      std::lock_guard<std::mutex> lock(g_report_mutex);
      KernelChoice r;
      r.shape_class = class_name(cls);
      g_report.push_back(r);
      start_trial(cls, trial_only, g_report.size() - 1);
      q = trial_only;
    } else {
      q = spent < kProbeBudgetMs ? probe(cls, trans_a, trans_b, M, N, K, A, lda, B, ldb, kProbeBudgetMs - spent) : 0;
    }
    if (q != 0) q = kTrial;  // probe() or the branch above started its trial
    g_class_kernel[cls].store(q, std::memory_order_release);
  }
  if (q == kTrial) return run_on_trial(cls, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc);
  gemm_wasm_with(kWasmKernels[q >= 0 ? q : 0], trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, into, C, ldc);
}

std::vector<std::string> gemm_kernel_names() {
  std::vector<std::string> names;
  for (int i = 0; i < kWasmKernelCount; i++) names.push_back(kWasmKernels[i].name);
  return names;
}

void gemm_set_kernel(const std::string& name) {
  read_env();
  const bool trial = name.rfind(kTrialPrefix, 0) == 0;
  const std::string kernel = trial ? name.substr(std::string(kTrialPrefix).size()) : name;
  const int i = kernel.empty() || kernel == kAutoKernel ? -1 : kernel_index(kernel);
  if ((trial || !(kernel.empty() || kernel == kAutoKernel)) && (i < 0 || (trial && i == 0)))
    throw Error("kernel '" + name + "' is not one of this build's GEMM kernels (" + join_names(gemm_kernel_names()) +
                (trial ? "; trial: takes one of them other than the default" : "") + ")");
  // Every setting chooses afresh: the classes' choices and the report go.
  {
    std::lock_guard<std::mutex> lock(g_report_mutex);
    g_trial_only = trial ? i : -1;
    g_report.clear();
    g_probe_total_ms = 0;
    for (std::atomic<int>& c : g_class_kernel) c.store(kUnset);
  }
  g_forced.store(trial || kernel.empty() || kernel == kAutoKernel ? kUnset : i);
}

std::string gemm_forced_kernel() {
  read_env();
  const int f = g_forced.load();
  return f >= 0 ? kWasmKernels[f].name : "";
}

std::vector<KernelChoice> gemm_kernel_choices() {
  std::lock_guard<std::mutex> lock(g_report_mutex);
  return g_report;
}

std::string gemm_kernel_for_shape(bool trans_a, bool trans_b, int M, int N, int K) {
  read_env();
  const int q = decided_kernel(class_of(trans_a, trans_b, M, N, K));
  return q >= 0 ? kWasmKernels[q].name : "";
}

std::vector<KernelFigure> gemm_time_kernels(bool trans_a, bool trans_b, int M, int N, int K, int reps, int rounds) {
  const int lda = trans_a ? M : K, ldb = trans_b ? K : N;
  std::vector<float> a((size_t)M * K, 0.5f), b((size_t)K * N, 0.25f), c((size_t)M * N);
  std::vector<double> best(kWasmKernelCount, 1e300);
  for (int round = 0; round < rounds; round++)
    for (int q = 0; q < kWasmKernelCount; q++)
      best[q] = std::min(best[q], time_kernel(q, trans_a, trans_b, M, N, K, a.data(), lda, b.data(), ldb, c.data(), reps));
  std::vector<KernelFigure> out;
  for (int q = 0; q < kWasmKernelCount; q++)
    out.push_back({kWasmKernels[q].name, 2.0 * M * N * (double)K * reps / (best[q] * 1e6)});
  return out;
}

#else  // one native kernel

namespace {

#if defined(NOPE_GEMM_SIMD)
const char* const kNativeKernel = "avx";
#else
const char* const kNativeKernel = "eigen";
#endif

// NOPELAB_KERNEL natively may only name the one kernel.
void check_env() {
  const char* env = std::getenv("NOPELAB_KERNEL");
  if (env && *env && std::string(env) != kNativeKernel && std::string(env) != kAutoKernel)
    throw Error(std::string("NOPELAB_KERNEL '") + env + "' is not one of this build's GEMM kernels (" +
                kNativeKernel + ")");
}

}  // namespace

std::vector<std::string> gemm_kernel_names() { return {kNativeKernel}; }

void gemm_set_kernel(const std::string& name) {
  if (!name.empty() && name != kNativeKernel && name != kAutoKernel)
    throw Error("kernel '" + name + "' is not one of this build's GEMM kernels (" + kNativeKernel + ")");
}

std::string gemm_forced_kernel() {
  check_env();
  return "";
}

std::vector<KernelChoice> gemm_kernel_choices() { return {}; }

std::string gemm_kernel_for_shape(bool, bool, int, int, int) {
  check_env();
  return kNativeKernel;
}

std::vector<KernelFigure> gemm_time_kernels(bool trans_a, bool trans_b, int M, int N, int K, int reps, int rounds) {
  const int lda = trans_a ? M : K, ldb = trans_b ? K : N;
  std::vector<real> a((size_t)M * K, real(0.5)), b((size_t)K * N, real(0.25)), c((size_t)M * N);
  double best = 1e300;
  for (int round = 0; round < rounds; round++) {
    const double t0 = now_ms();
    for (int i = 0; i < reps; i++)
      gemm(trans_a, trans_b, M, N, K, real(1), a.data(), lda, b.data(), ldb, Grad::overwrite, c.data(), N);
    best = std::min(best, now_ms() - t0);
  }
  return {{kNativeKernel, 2.0 * M * N * (double)K * reps / (best * 1e6)}};
}

#endif

}  // namespace nope
