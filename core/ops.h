// The layers of the model as forward/backward pairs over flat row-major
// buffers (llm.c style): outputs first, inputs next, dimensions last.
// Every backward *accumulates* into its gradient outputs; the caller zeroes
// them once per step. The exceptions: an input gradient passed with
// `Grad::overwrite`, and attention_backward's dqkv, are written, not added
// to. The model's backward uses that for an activation gradient whose first
// writer is that call, so the buffer need not be cleared (at model-B size,
// clearing every activation gradient moved ~75 MB per step).
#pragma once
#include "gemm.h"  // Grad
#include "tensor.h"

namespace nope {

// out (B,T,C) = wte[tokens] + wpe[t] (learned, may be null)
//             + table[t] (sinusoidal, may be null)
//             + coord[t] * dir (a scalar coordinate of each position times one
//               learned direction, both null or both set: t/(T-1) for
//               normalized, t for index)
void encoder_forward(real* out, const int* tokens, const real* wte, const real* wpe,
                     const real* table, const real* dir, const real* coord, int B, int T, int C);
void encoder_backward(real* dwte, real* dwpe, real* ddir, const real* coord, const real* dout,
                      const int* tokens, int B, int T, int C);

// Per-row LayerNorm over C with gain w and bias b (b may be null). N = B*T.
void layernorm_forward(real* out, real* mean, real* rstd, const real* inp,
                       const real* w, const real* b, int N, int C);
// dinp += the input gradient; or, with dres (a residual path's gradient,
// as the copy it replaces would have started dinp), dinp = dres + it.
void layernorm_backward(real* dinp, real* dw, real* db, const real* dout, const real* inp,
                        const real* w, const real* mean, const real* rstd, int N, int C,
                        const real* dres = nullptr);

// out (N, OC) = inp (N, C) * w^T + bias, w (OC, C) as nn.Linear stores it.
void matmul_forward(real* out, const real* inp, const real* w, const real* bias,
                    int N, int C, int OC);
// dw and dbias always accumulate; dinp as `into` says.
void matmul_backward(real* dinp, real* dw, real* dbias, const real* dout,
                     const real* inp, const real* w, int N, int C, int OC,
                     Grad into = Grad::accumulate);

// Rotates q and k of every head in qkv (B, T, 3C) in place by the RoPE angles
// in table (T, hs) (cos | sin halves); pairs are (2i, 2i+1) within a head.
void rope_forward(real* qkv, const real* table, int B, int T, int C, int NH);
// Inverse rotation of dq and dk in place (the rotation is orthogonal).
void rope_backward(real* dqkv, const real* table, int B, int T, int C, int NH);

// Causal attention works in blocks of query rows: rows [i0, i1) see keys
// [0, i1) only, so each block's products stop at i1 instead of T (and the
// key blocks of the backward start at their first row). At T 128 that skips
// 3/8 of the attention FLOPs; the masked entries past i1 are zeroed with the
// rest of each row's masked tail.
constexpr int kAttnRowBlock = 32;

// T5's relative-position bias (Raffel et al. 2020): score(i, j) of head h
// gains table[bucket(j - i)][h], a learned scalar per (bucket, head).
// bucket[(j - i) + zero] is the bucket of the key-minus-query offset j - i
// (t5_bucket_table); zero >= T - 1 of the attention's T.
struct T5Bias {
  const real* table = nullptr;  // (buckets, NH), as T5's relative_attention_bias
  const int* bucket = nullptr;  // (2 * zero + 1)
  int zero = 0;
  int buckets = 0;
};

// Multi-head scaled dot-product attention over qkv (B, T, 3C).
// out (B, T, C), att (B, NH, T, T) probabilities (zero above the diagonal
// when causal). alibi_slopes (NH) and t5 may be null.
void attention_forward(real* out, real* att, const real* qkv, const real* alibi_slopes,
                       bool causal, int B, int T, int C, int NH, const T5Bias* t5 = nullptr);
// datt is (B, NH, T, T) scratch, overwritten. dqkv is overwritten too (every
// q, k, v gradient is one product), not accumulated. With t5, dt5_table
// (buckets, NH) accumulates the gradient of t5->table (summed per (batch,
// head), then over the batch in order: the same bits for any thread count).
void attention_backward(real* dqkv, real* datt, const real* dout, const real* qkv,
                        const real* att, bool causal, int B, int T, int C, int NH,
                        const T5Bias* t5 = nullptr, real* dt5_table = nullptr);

// GELU, tanh form (GPT-2). The forward also writes the slope gelu'(inp) to
// `slope`, which may be inp itself (the model overwrites the fc output, which
// nothing else reads): the backward is then one multiply instead of
// recomputing the tanh, the GELU's whole cost, a second time.
void gelu_forward(real* out, real* slope, const real* inp, int N);
// dinp (+)= dout * slope
void gelu_backward(real* dinp, const real* slope, const real* dout, int N,
                   Grad into = Grad::accumulate);

void residual_forward(real* out, const real* a, const real* b, int N);
// dst += src
void add_inplace(real* dst, const real* src, int N);
// dst = src (a residual branch's first gradient)
void copy_into(real* dst, const real* src, int N);

// Softmax cross-entropy over V for rows whose target >= 0. Writes per-row
// losses (0 for ignored rows) and probs (ignored rows untouched); returns
// the sum of losses and the number of counted rows in *count.
double crossentropy_forward(real* losses, real* probs, const real* logits,
                            const int* targets, int N, int V, int* count);
// dlogits += (probs - onehot(target)) * scale on counted rows.
void crossentropy_backward(real* dlogits, const real* probs, const int* targets,
                           int N, int V, real scale);

// Fixed tables.
void sinusoidal_table(real* out, int maxT, int C);     // (maxT, C)
void rope_table(real* out, int maxT, int hs);          // (maxT, hs)
void alibi_slopes(real* out, int NH);                  // (NH)
// T5's bucket of every key-minus-query offset j - i in [-(maxT-1), maxT-1],
// at out[(j - i) + maxT - 1] (2 maxT - 1 entries). Causal: one-sided, all
// `buckets` for i - j >= 0 (future offsets, masked anyway, get bucket 0).
// Bidirectional: buckets/2 per sign, keys after the query in the upper half.
// Per side of n buckets, distances below n/2 get their own bucket and the
// rest share n/2 log-spaced ones up to max_distance (and beyond it, the last):
// n/2 + floor(log(d / (n/2)) / log(max_distance / (n/2)) * (n - n/2)),
// the formula of T5's _relative_position_bucket, evaluated in double with the
// exact ties (d = (n/2)·r^k) landing on the higher bucket on every platform.
// Needs n/2 >= 1 and max_distance > n/2 (config_validate checks both).
void t5_bucket_table(int* out, int maxT, int buckets, int max_distance, bool bidirectional);

}  // namespace nope
