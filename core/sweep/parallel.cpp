#include "sweep/parallel.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "sweep/run.h"

namespace nope {

using json = nlohmann::json;

// Threads, not processes: a run's whole state is its own Trainer, so workers
// share nothing mutable but their result slots and the on_done callback; no
// fork/exec, no records serialised between processes, the same code on every
// platform. Process- and machine-level parallelism is --shard's job. Each run
// is deterministic on its own (and the intra-run thread pool is bit-identical
// for any thread count), so results do not depend on which thread ran what.
std::vector<json> sweep_run_parallel(const SweepSpec& s, const std::vector<int>& runs, int jobs,
                                     const std::function<void(const json&)>& on_done) {
  std::vector<json> out(runs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex mutex;  // guards failure and on_done
  auto worker = [&] {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= runs.size() || stop) return;
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
