// Checkpoints as safetensors (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length, a JSON header mapping each tensor
// name to {dtype, shape, data_offsets} plus a "__metadata__" object of
// strings, then the raw little-endian data. Weights only: the optimizer
// state stays in the JSON format (checkpoint.h). Tensor names follow Hugging
// Face's GPT-2 where the architecture matches; docs/interop.md is the spec.
#pragma once
#include <cstddef>
#include <string>

#include "trainer.h"

namespace nope {

// A header longer than this is refused before it is parsed: a NoPE Lab
// model has at most 5 + 12 * Limits::max_layers tensors, a few KB of header.
constexpr size_t kSafetensorsMaxHeader = 1 << 20;
// Metadata keys the writer sets ("format": "pt" is the Hugging Face
// convention transformers checks for).
constexpr const char* kSafetensorsConfigKey = "nopelab_config";
constexpr const char* kSafetensorsStepKey = "nopelab_step";

// The safetensors name of a model tensor (`wte` -> `wte.weight`, block
// matrices unchanged) and whether it is stored transposed: the four block
// matrices are (in, out) as in GPT-2's Conv1D, while the core and the JSON
// checkpoint keep (out, in).
struct SafetensorsName {
  std::string name;
  bool transposed = false;
};
SafetensorsName safetensors_name(const ParamTensor& p);

// True when the bytes start like a safetensors file: an 8-byte header length
// whose top byte is zero (JSON text never holds a NUL) followed by '{'.
bool is_safetensors(const std::string& bytes);

// Every parameter of tr as float32, the full config and the step in the
// metadata.
std::string checkpoint_to_safetensors(const Trainer& tr);

// Rebuilds `tr` from a safetensors file. The config comes from the
// metadata's nopelab_config, or from `config` for a file without one
// (written elsewhere); neither, or both, is an error. F32, F16, BF16 and F64
// tensors are read (as float32). Validates everything (header size and
// JSON, dtypes, shapes against the config, offsets in range, neither
// overlapping nor leaving holes, finite values) before touching `tr`; any
// problem is one nope::Error naming it. Optimizer moments start fresh.
void checkpoint_from_safetensors(Trainer& tr, const std::string& bytes, const Config* config);

}  // namespace nope
