// The pool behind parallel_for (threads.h): n-1 worker threads and the
// calling thread take tasks from one atomic counter. A step opens hundreds of
// short parallel regions, so idle workers spin for a moment before they
// sleep on a condition variable.
#include "threads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

// A wasm build without -pthread has std::thread in its headers, but creating
// one fails at run time: the pool stays at one thread there.
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define NOPE_NO_THREADS 1
#endif

namespace nope {

namespace {

constexpr int kMaxThreads = 64;
// How long an idle worker polls for the next region before it sleeps, and
// how long a caller polls for the last tasks before it yields its core.
constexpr auto kSpin = std::chrono::microseconds(50);

// True on worker threads, and on a caller while it runs a region: a
// parallel_for from there runs inline.
NOPE_THREAD_LOCAL bool t_in_region = false;

#ifndef NOPE_NO_THREADS
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Calls done() until it returns true: polls for kSpin, then also yields.
template <class Done>
void spin_until(Done done) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; !done(); i++) {
    cpu_relax();
    if ((i & 255) == 255 && std::chrono::steady_clock::now() - start > kSpin) std::this_thread::yield();
  }
}

// Runs every task of the region it is given (shared between the caller and
// the workers through `next`), recording the first exception.
struct Region {
  void (*fn)(void*, int) = nullptr;
  void* ctx = nullptr;
  int n_tasks = 0;
  std::atomic<int> next{0}, done{0};
  std::mutex error_m;
  std::exception_ptr error;

  void work() {
    for (int t; (t = next.fetch_add(1, std::memory_order_relaxed)) < n_tasks;) {
      try {
        fn(ctx, t);
      } catch (...) {
        std::lock_guard<std::mutex> lk(error_m);
        if (!error) error = std::current_exception();
      }
      done.fetch_add(1, std::memory_order_release);
    }
  }
};

// Generation protocol (seqlock style): `gen` is even while a region is
// published and odd while the caller rewrites `region`. A worker announces
// itself in `active` and then re-reads `gen`; the caller makes `gen` odd and
// then waits for `active` to drain before touching `region`. Both sides use
// sequentially consistent operations, so a late worker either joins the
// current region or stays out of the next one's setup.
struct Pool {
  std::mutex owner;  // held by the thread running a region (and by threads_set)
  std::vector<std::thread> workers;
  Region region;
  std::atomic<unsigned> gen{0};
  std::atomic<int> active{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  std::atomic<int> size{1};  // threads_count(), readable without `owner`
  std::mutex sleep_m;
  std::condition_variable wake;

  void worker_loop() {
    t_in_region = true;
    unsigned seen = gen.load();
    for (;;) {
      unsigned g = 0;
      auto fresh = [&] {
        g = gen.load();
        return stop.load() || (g % 2 == 0 && g != seen);
      };
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; !fresh(); i++) {
        cpu_relax();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() - start > kSpin) {
          std::unique_lock<std::mutex> lk(sleep_m);
          sleepers.fetch_add(1);
          while (!fresh()) wake.wait(lk);
          sleepers.fetch_sub(1);
          break;
        }
      }
      if (stop.load()) return;
      active.fetch_add(1);
      if (gen.load() == g) {
        seen = g;
        region.work();
      }
      active.fetch_sub(1);
    }
  }

  void notify_sleepers() {
    if (sleepers.load() > 0) {
      { std::lock_guard<std::mutex> lk(sleep_m); }
      wake.notify_all();
    }
  }

  // Caller side, with `owner` held.
  void run(int n_tasks, void (*fn)(void*, int), void* ctx) {
    gen.fetch_add(1);  // odd: region is being rewritten
    spin_until([&] { return active.load() == 0; });
    region.fn = fn;
    region.ctx = ctx;
    region.n_tasks = n_tasks;
    region.next.store(0, std::memory_order_relaxed);
    region.done.store(0, std::memory_order_relaxed);
    region.error = nullptr;
    gen.fetch_add(1);  // even: published
    notify_sleepers();
    region.work();
    spin_until([&] { return region.done.load(std::memory_order_acquire) == n_tasks; });
  }

  void resize(int n_workers) {
    if ((int)workers.size() == n_workers) return;
    stop.store(true);
    { std::lock_guard<std::mutex> lk(sleep_m); }
    wake.notify_all();
    for (std::thread& w : workers) w.join();
    workers.clear();
    stop.store(false);
    for (int i = 0; i < n_workers; i++) workers.emplace_back([this] { worker_loop(); });
    size.store(n_workers + 1);
  }

  ~Pool() {
    std::lock_guard<std::mutex> lk(owner);
    resize(0);
  }
};

Pool& pool() {
  static Pool p;
  return p;
}

#endif  // NOPE_NO_THREADS

}  // namespace

int threads_hardware() {
#ifdef NOPE_NO_THREADS
  return 1;
#else
  return std::max(1u, std::thread::hardware_concurrency());
#endif
}

void threads_set(int n) {
#ifdef NOPE_NO_THREADS
  (void)n;
#else
  // From inside a task the caller already holds the pool: a bug, not input.
  if (t_in_region) throw std::logic_error("threads_set called from inside a parallel_for task");
  if (n <= 0) n = threads_hardware();
  n = std::min(std::max(n, 1), kMaxThreads);
  Pool& p = pool();
  std::lock_guard<std::mutex> lk(p.owner);
  p.resize(n - 1);
#endif
}

int threads_count() {
#ifdef NOPE_NO_THREADS
  return 1;
#else
  return pool().size.load();
#endif
}

int threads_available() {
#ifdef NOPE_NO_THREADS
  return 1;
#else
  return t_in_region ? 1 : threads_count();
#endif
}

// No try/catch here: under Emscripten's JS exceptions every call inside a
// try block goes through a JS trampoline, which cost the single-thread wasm
// step 30%. An exception simply propagates from the task that threw it.
static void run_inline(int n_tasks, void (*fn)(void*, int), void* ctx) {
  for (int t = 0; t < n_tasks; t++) fn(ctx, t);
}

void parallel_for_raw(int n_tasks, void (*fn)(void*, int), void* ctx) {
  if (n_tasks <= 0) return;
#ifndef NOPE_NO_THREADS
  if (n_tasks > 1 && !t_in_region) {
    Pool& p = pool();
    std::unique_lock<std::mutex> lk(p.owner, std::try_to_lock);
    if (lk.owns_lock() && !p.workers.empty()) {
      t_in_region = true;
      p.run(n_tasks, fn, ctx);
      t_in_region = false;
      std::exception_ptr error = p.region.error;
      lk.unlock();
      if (error) std::rethrow_exception(error);
      return;
    }
  }
#endif
  run_inline(n_tasks, fn, ctx);
}

}  // namespace nope
