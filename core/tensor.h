// The one place that decides the scalar type and storage order of the core.
// Everything is row-major over flat buffers (llm.c style); Eigen only sees
// these buffers through Maps. Build with -DNOPE_DOUBLE for the
// double-precision variant used by the finite-difference gradient checks.
#pragma once
#include <Eigen/Core>
#include <cstddef>
#include <vector>

namespace nope {

#ifdef NOPE_DOUBLE
using real = double;
#else
using real = float;
#endif

using MatR = Eigen::Matrix<real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using VecR = Eigen::Matrix<real, Eigen::Dynamic, 1>;
using MapM = Eigen::Map<MatR>;
using CMapM = Eigen::Map<const MatR>;
using MapV = Eigen::Map<VecR>;
using CMapV = Eigen::Map<const VecR>;
// A row-major matrix view whose rows are `stride` apart (e.g. q, k or v
// inside the stacked (B, T, 3C) qkv buffer).
using StrideO = Eigen::OuterStride<>;
using MapMS = Eigen::Map<MatR, Eigen::Unaligned, StrideO>;
using CMapMS = Eigen::Map<const MatR, Eigen::Unaligned, StrideO>;

// Eigen's aligned allocator, except that natively on Linux a buffer of 2 MB
// or more is placed on 2 MB boundaries and offered to the kernel for
// transparent huge pages (where THP is left to madvise, as Debian does).
// The step walks ~100 MB of activations at model-B size, much of it a row
// stride apart: with 4 KB pages the TLB misses cost ~1.5% of a step.
constexpr std::size_t kHugePage = std::size_t(2) << 20;
void* huge_alloc(std::size_t bytes);  // 2 MB aligned, madvised; throws std::bad_alloc
void huge_free(void* p);
template <class T>
struct BufferAllocator : Eigen::aligned_allocator<T> {
  using Base = Eigen::aligned_allocator<T>;
  template <class U>
  struct rebind {
    using other = BufferAllocator<U>;
  };
  BufferAllocator() = default;
  template <class U>
  BufferAllocator(const BufferAllocator<U>&) {}
  T* allocate(std::size_t n) {
    if (huge(n)) return static_cast<T*>(huge_alloc(n * sizeof(T)));
    return Base::allocate(n);
  }
  void deallocate(T* p, std::size_t n) {
    if (huge(n)) return huge_free(p);
    Base::deallocate(p, n);
  }

 private:
#if defined(__linux__) && !defined(__EMSCRIPTEN__)
  static bool huge(std::size_t n) { return n >= kHugePage / sizeof(T); }
#else
  static bool huge(std::size_t) { return false; }
#endif
};

// Buffers for parameters, optimizer state and activations. Aligned to
// Eigen's widest packet so vectorised reductions split the same way in
// every instance: two models with equal weights give bit-equal outputs.
using RealVec = std::vector<real, BufferAllocator<real>>;

}  // namespace nope
