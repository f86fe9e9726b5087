#include "encodings.h"

#include "config.h"
#include "error.h"

namespace nope {

namespace {

void sinusoidal_check(const ModelConfig& m) {
  if (m.d_model % 2 != 0)
    throw Error("model.pos_encoding = sinusoidal needs an even model.d_model, got " + std::to_string(m.d_model));
}

void rope_check(const ModelConfig& m) {
  if ((m.d_model / m.n_heads) % 2 != 0)
    throw Error("model.pos_encoding = rope needs an even head size, but d_model / n_heads = " +
                std::to_string(m.d_model / m.n_heads));
}

// Per direction: `side` buckets, the first side/2 of them exact distances.
void t5_bias_check(const ModelConfig& m) {
  const bool bidir = m.attention == AttentionMask::bidirectional;
  const int side = bidir ? m.t5_buckets / 2 : m.t5_buckets, exact = side / 2;
  if (exact < 1)
    throw Error("model.t5_buckets = " + std::to_string(m.t5_buckets) +
                " must be at least 4 with model.attention = bidirectional (half per direction)");
  if (m.t5_max_distance <= exact)
    throw Error("model.t5_max_distance = " + std::to_string(m.t5_max_distance) + " must exceed the " +
                std::to_string(exact) + " exact distances of model.t5_buckets = " + std::to_string(m.t5_buckets) +
                (bidir ? " (bidirectional)" : ""));
}

}  // namespace

const std::vector<PosEncodingRow>& pos_encoding_rows() {
  static const std::vector<PosEncodingRow> rows = {
      {PosEncoding::none, "none", "NoPE", "no positional encoding: order only through the causal mask", nullptr, true},
      {PosEncoding::sinusoidal, "sinusoidal", "sinusoidal", "fixed sin/cos table added to the token embeddings",
       sinusoidal_check, true},
      {PosEncoding::learned, "learned", "learned", "a learned (T, C) table added to the token embeddings (wpe)",
       nullptr, true},
      {PosEncoding::rope, "rope", "RoPE", "queries and keys rotated by position in each head", rope_check, true},
      {PosEncoding::alibi, "alibi", "ALiBi", "a per-head linear distance penalty added to the attention scores",
       nullptr, false},
      {PosEncoding::normalized, "normalized", "normalised t/(T-1)", "t/(T-1) times a learned vector (wnp) added",
       nullptr, true},
      // index: the embeddings grow with t, so the first layer's inputs are
      // not the i.i.d. tokens the small-sigma law assumes.
      {PosEncoding::index, "index", "index t", "the raw index t = 0, 1, 2, ... times a learned vector (wix) added",
       nullptr, false},
      {PosEncoding::t5_bias, "t5_bias", "T5 relative bias",
       "a learned per-head bias by bucket of the offset j - i added to the attention scores (rel_bias)",
       t5_bias_check, false},
  };
  return rows;
}

const PosEncodingRow& pos_encoding_row(PosEncoding e) {
  for (const PosEncodingRow& r : pos_encoding_rows())
    if (r.id == e) return r;
  return pos_encoding_rows().front();  // unreachable: every enumerator has a row (tested)
}

}  // namespace nope
