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

// Buffers for parameters, optimizer state and activations. Aligned to
// Eigen's widest packet so vectorised reductions split the same way in
// every instance: two models with equal weights give bit-equal outputs.
using RealVec = std::vector<real, Eigen::aligned_allocator<real>>;

}  // namespace nope
