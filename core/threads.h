// The core's thread pool: parallel_for over a fixed list of tasks, so that a
// training step uses every core and still gives the same bits for any
// thread count.
//
// Why a std::thread pool and not OpenMP: the same code runs under Emscripten
// pthreads (where there is no OpenMP runtime), nothing extra is linked, and
// the pool decides exactly what may run in parallel: a parallel_for from a
// second caller thread (`nopelab sweep --jobs N` trains several models at
// once) or from inside a task runs inline instead of oversubscribing or
// deadlocking.
//
// Determinism contract, for every caller: the PARTITION of work into tasks
// depends on the problem shape only, never on threads_count(). Each task
// writes outputs no other task writes, and any reduction across tasks is
// done afterwards from per-task partials in task order. Which thread runs a
// task then cannot change a single bit of the result.
#pragma once
#include <type_traits>

// thread_local where the build has threads. A wasm build without -pthread
// cannot link thread-local storage (and runs one thread anyway).
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define NOPE_THREAD_LOCAL
#else
#define NOPE_THREAD_LOCAL thread_local
#endif

namespace nope {

// Sets the number of threads that run parallel_for (the caller counts as
// one). n <= 0 means all cores. Clamped to [1, 64]; always 1 in a wasm build
// without pthreads. Waits for a parallel_for running on another thread to
// finish; throws std::logic_error from inside a task. The CLI and the wasm
// bindings call it once at start.
void threads_set(int n);
// The current number of threads (1 until threads_set is called).
int threads_count();
// Cores reported by the system (>= 1).
int threads_hardware();
// Threads a parallel_for called from here would use: 1 inside a task (it
// runs inline), else threads_count(). For choosing a partition whose
// results do not depend on it (how much to split, not what to compute).
int threads_available();

// Runs fn(ctx, task) for task = 0 .. n_tasks-1, spread over the pool, and
// returns when all have finished. Tasks must be independent (see the
// contract above). Runs every task inline, in order, on the calling thread
// when the pool has one thread, when called from inside a task, or when
// another thread is already using the pool. An exception thrown by a task
// reaches the caller: inline at once, on the pool after the running tasks
// have finished (the core's layers do not throw; this keeps a bug visible).
void parallel_for_raw(int n_tasks, void (*fn)(void* ctx, int task), void* ctx);

// The same for any callable f(int task), without std::function's allocation.
template <class F>
void parallel_for(int n_tasks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  parallel_for_raw(n_tasks, [](void* ctx, int task) { (*static_cast<Fn*>(ctx))(task); },
                   const_cast<void*>(static_cast<const void*>(&f)));
}

// Number of fixed-size chunks of `chunk` items covering n items.
inline int num_chunks(long n, long chunk) { return (int)((n + chunk - 1) / chunk); }

}  // namespace nope
