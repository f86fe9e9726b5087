#include "sweep/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>

#include "sweep/plan.h"
#include "sweep/run.h"

namespace nope {

using json = nlohmann::json;

// Threads, not processes: a run's whole state is its own Trainer, so workers
// share nothing mutable but their result slots and the on_done callback; no
// fork/exec, no records serialised between processes, the same code on every
// platform. Process- and machine-level parallelism is --shard's job. Each run
// is deterministic on its own (and the intra-run thread pool is bit-identical
// for any thread count), so results do not depend on which thread ran what.
// A run's rough cost: the bytes of one training step (which grow with the
// model and the sequence) times the steps it trains (one for the analysis).
static double estimated_cost(const SweepSpec& s, int run) {
  const Config cfg = sweep_plan_run(s, run).cfg;
  return config_step_bytes(cfg) * std::max(1, cfg.train.steps + 1);
}

std::vector<json> sweep_run_parallel(const SweepSpec& s, const std::vector<int>& runs, int jobs,
                                     const std::function<void(const json&)>& on_done) {
  std::vector<json> out(runs.size());
  // Longest first, so no thread is left alone with one big run at the end
  // (a sweep over d_model mixes runs 10x apart). Records land in their own
  // slots, so the order of work never shows in the result.
  std::vector<size_t> order(runs.size());
  std::iota(order.begin(), order.end(), 0);
  if (jobs > 1) {
    std::vector<double> cost(runs.size());
    for (size_t i = 0; i < runs.size(); i++) cost[i] = estimated_cost(s, runs[i]);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cost[a] > cost[b]; });
  }
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex mutex;  // guards failure and on_done
  auto worker = [&] {
    for (;;) {
      const size_t k = next.fetch_add(1);
      if (k >= runs.size() || stop) return;
      const size_t i = order[k];
      try {
        out[i] = sweep_run(s, runs[i]);
        std::lock_guard<std::mutex> lock(mutex);
        if (on_done) on_done(out[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
        return;
      }
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, (int)runs.size()));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace nope
