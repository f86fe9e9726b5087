// The random-init prediction of the similarity-decay profile (Zuo et al.'s
// argument, made exact for our first layer; docs/science.md). With uniform
// causal attention the first attention output at 1-based position t is the
// mean of t value vectors z_{x_1..x_t}, one per token, each the projected
// LayerNormed token embedding. Write z_x = mu + u_x, mu the mean over tokens
// and s^2 = E|u_x|^2. For tokens drawn independently, i <= j:
//   E[o_i . o_j] = |mu|^2 + s^2 / j,   E|o_i|^2 = |mu|^2 + s^2 / i,
//   cos(o_i, o_j) ~ sqrt((rho + 1/j) / (rho + 1/i)),  rho = |mu|^2 / s^2,
// which is sqrt(i/j) for rho = 0. Position 1 attends to itself alone
// whatever the attention logits, so the states at position 0 of a batch of
// random tokens are samples of z_x: rho is estimated from them.
#pragma once

#include "tensor.h"

namespace nope {

// rho = |mu|^2 / s^2 from the states at position 0 of B sequences (T, C
// each): s^2 the unbiased spread, |mu|^2 = |sample mean|^2 - s^2 / B (the
// sample mean's own noise removed), floored at 0; 0 when B < 2 or s^2 = 0.
double averaging_rho(const real* h, int B, int T, int C);

// out (T): the predicted decay profile, out[k] = mean over 0-based rows
// i = k..T-1 of cos(o_{i-k+1}, o_{i+1}) with the formula above (out[0] = 1),
// the same averaging as the measured profile (similarity.h).
void decay_theory(double* out, double rho, int T);

// Mean |measured[k] - theory[k]| over k = 1..T-1 (0 for T < 2).
double decay_theory_gap(const double* measured, const double* theory, int T);

}  // namespace nope
