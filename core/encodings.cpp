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
  };
  return rows;
}

const PosEncodingRow& pos_encoding_row(PosEncoding e) {
  for (const PosEncodingRow& r : pos_encoding_rows())
    if (r.id == e) return r;
  return pos_encoding_rows().front();  // unreachable: every enumerator has a row (tested)
}

}  // namespace nope
