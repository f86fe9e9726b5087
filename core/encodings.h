// The positional encodings (model.pos_encoding): one row each in
// pos_encoding_rows() with its name, a label, a one-line doc, the rule it
// adds to the model config and whether the small-sigma variance theory
// (docs/science.md) holds for it. To add an encoding: an enumerator here, a
// row in encodings.cpp, and its parameters/forward/backward in model.cpp;
// the config parser, the schema, the CLI and the page read the row.
#pragma once
#include <string>
#include <vector>

namespace nope {

enum class PosEncoding { none, sinusoidal, learned, rope, alibi, normalized, index, t5_bias };

struct ModelConfig;

struct PosEncodingRow {
  PosEncoding id;
  const char* name;   // in JSON, the CLI and URLs
  const char* label;  // for people
  const char* doc;    // one line
  // Throws nope::Error when the model config cannot carry this encoding
  // (e.g. RoPE's even head size); nullptr when any valid config can.
  void (*check)(const ModelConfig& m);
  // The first layer's attention output follows the small-sigma variance
  // law at a normal init (false where the encoding biases attention itself).
  bool variance_theory;
};

// Every encoding, in enum order.
const std::vector<PosEncodingRow>& pos_encoding_rows();
const PosEncodingRow& pos_encoding_row(PosEncoding e);

}  // namespace nope
