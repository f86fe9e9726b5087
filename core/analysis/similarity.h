// Self-cosine-similarity of hidden states along the sequence, and the two
// measures built on it (docs/science.md): the similarity-decay profile and the
// adjacency probability score (Zuo, Guerzhoy & Guerzhoy 2025; the
// operational form is ours, stated in docs/analysis.md).
#pragma once
#include <vector>

#include "tensor.h"

namespace nope {

// S (T, T) = cos(h_i, h_j) for one sequence h (T, C). A zero vector has
// similarity 0 with everything (and 1 with itself).
void similarity_matrix(double* S, const real* h, int T, int C);

// Decay profile out (T): out[k] = mean over i >= k of S[i, i-k] (out[0] = 1).
void decay_profile(double* out, const double* S, int T);

// Number of rows i of S whose most similar other position
// argmax_{j != i} S[i, j] is i-1 or i+1. Ties go to the lowest j.
int adjacency_hits(const double* S, int T);

// Expected score if argmax_{j != i} were uniform: rows 0 and T-1 have one
// neighbour, the others two, so (2(T-2) + 2) / (T(T-1)) = 2/T (~ 2/(T-1)).
double adjacency_chance(int T);

// Batch summary at one site: mean S over B sequences (T, T), the decay
// profile of that mean, and the adjacency score over all rows and sequences.
struct SimilaritySummary {
  int T = 0;
  std::vector<double> mean_similarity;  // (T, T)
  std::vector<double> decay;            // (T)
  double adjacency_score = 0;
  double adjacency_chance = 0;
};
void similarity_summary(SimilaritySummary& out, const real* h, int B, int T, int C);

// The content null of the adjacency score: the score of a representation
// that carries the tokens and no position, on the same inputs: each token id
// gets a fixed random Gaussian vector of width C (from
// rng_stream(seed, kStreamContentNull)), position t holds its token's
// vector. Equal tokens give equal vectors (cosine 1), so rows whose nearest
// other position is a neighbour *because the content repeats* count as hits:
// on uniform random tokens it is about 2/T, on structured inputs (sorted
// runs, separators, repeated labels) it is what content alone scores.
double adjacency_content_null(const int* tokens, int B, int T, int C, uint64_t seed);

}  // namespace nope
