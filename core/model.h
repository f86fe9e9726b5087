// The one architecture, with switches: a GPT-style decoder (token embedding,
// N blocks of multi-head attention + GELU MLP, final norm, LM head) with a
// hand-written backward pass. Parameters live in one allocation and
// activations in another, with named views into each (llm.c style).
//
// Dimension names: B batch, T time, C d_model, NH heads, hs head size,
// F d_ff, V vocab, L layers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "tensor.h"

namespace nope {

// One named parameter tensor inside Model::params. Names and shapes follow
// GPT-2/nanoGPT; matrices are (out_features, in_features), row-major.
struct ParamTensor {
  std::string name;
  std::vector<int> shape;
  size_t offset = 0;
  size_t size = 0;
  bool decay = false;  // AdamW weight decay applies (matrices only)
};

struct LayerParams {
  real *ln1w = nullptr, *ln1b = nullptr;          // (C)
  real *qkvw = nullptr, *qkvb = nullptr;          // (3C, C), (3C)
  real *attprojw = nullptr, *attprojb = nullptr;  // (C, C), (C)
  real *ln2w = nullptr, *ln2b = nullptr;          // (C)
  real *fcw = nullptr, *fcb = nullptr;            // (F, C), (F)
  real *fcprojw = nullptr, *fcprojb = nullptr;    // (C, F), (C)
};

// Where the analysis can look inside a block (see docs/science.md):
//   embed      block input (residual stream; for layer 0 the embeddings)
//   norm1      input to attention (normed in pre-norm, raw otherwise)
//   attn_out   attention output after c_proj, before the residual add
//   resid_mid  residual stream after the attention sub-block
//   mlp_out    MLP output after c_proj, before the residual add
//   resid_post block output
enum class Site { embed, norm1, attn_out, resid_mid, mlp_out, resid_post };
constexpr int kNumSites = 6;
const char* to_string(Site s);
bool site_from_string(const std::string& s, Site* out);

struct LayerActs {
  real* in = nullptr;          // (B, T, C) block input (alias of previous output)
  real* ln1 = nullptr;         // (B, T, C)
  real* ln1_mean = nullptr;    // (B, T)
  real* ln1_rstd = nullptr;    // (B, T)
  real* qkv = nullptr;         // (B, T, 3C) after RoPE if enabled
  real* att = nullptr;         // (B, NH, T, T) attention probabilities
  real* atty = nullptr;        // (B, T, C) attention output before c_proj
  real* attproj = nullptr;     // (B, T, C)
  real* res2_pre = nullptr;    // (B, T, C) in + attproj (post-norm only)
  real* res2 = nullptr;        // (B, T, C) residual after attention sub-block
  real* ln2 = nullptr;         // (B, T, C)
  real* ln2_mean = nullptr;    // (B, T)
  real* ln2_rstd = nullptr;    // (B, T)
  real* fch = nullptr;         // (B, T, F) fc output, then the GELU's slope at it
  real* fch_gelu = nullptr;    // (B, T, F)
  real* fcproj = nullptr;      // (B, T, C)
  real* res3_pre = nullptr;    // (B, T, C) res2 + fcproj (post-norm only)
  real* res3 = nullptr;        // (B, T, C) block output
};

struct Model {
  // Views point into the model's own buffers: moving is fine (vector storage
  // moves with it), copying would leave them pointing at the original.
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;

  ModelConfig cfg;
  int V = 0;     // vocabulary
  int maxT = 0;  // longest sequence the model will see (learned PE table size)

  RealVec params;  // every parameter, one allocation
  RealVec grads;   // same layout as params
  std::vector<ParamTensor> tensors;

  real* wte = nullptr;      // (V, C)
  real* wpe = nullptr;      // (maxT, C) learned only
  real* wnp = nullptr;      // (C) normalized-position direction (times t/(T-1))
  real* wix = nullptr;      // (C) index direction (times t)
  real* rel_bias = nullptr; // (t5_buckets, NH) T5 bias, shared by every layer as in T5
  real* lnfw = nullptr;     // (C)
  real* lnfb = nullptr;     // (C)
  real* lm_head = nullptr;  // (V, C); aliases wte when tied
  std::vector<LayerParams> layers, layer_grads;
  real *g_wte = nullptr, *g_wpe = nullptr, *g_wnp = nullptr, *g_wix = nullptr, *g_rel_bias = nullptr,
       *g_lnfw = nullptr,
       *g_lnfb = nullptr, *g_lm_head = nullptr;

  // Activations, sized for the largest B*T seen so far.
  int B = 0, T = 0;         // shape of the last forward
  size_t act_capacity = 0;  // in B*T units
  RealVec acts, dacts;
  std::vector<int> tokens, targets;  // (B, T)
  real* encoded = nullptr;           // (B, T, C)
  std::vector<LayerActs> la;
  real* lnf = nullptr;               // (B, T, C)
  real* lnf_mean = nullptr;          // (B, T)
  real* lnf_rstd = nullptr;          // (B, T)
  real* logits = nullptr;            // (B, T, V)
  real* probs = nullptr;             // (B, T, V)
  real* losses = nullptr;            // (B, T)
  std::vector<LayerActs> dla;        // gradients of the activations, same layout
  real *d_encoded = nullptr, *d_lnf = nullptr, *d_logits = nullptr;
  // Fixed position tables: sinusoidal (maxT, C), or RoPE (maxT, hs) with
  // cos in the first hs/2 columns and sin in the last hs/2.
  RealVec pe_table;
  RealVec alibi_slopes;    // (NH)
  std::vector<int> t5_bucket;  // (2 maxT - 1) T5 bucket of offset j - i, at (j - i) + maxT - 1
  // The scalar coordinate of each position of the last forward (T) that
  // wnp or wix is scaled by: t/(T-1) of that forward's T, or t.
  RealVec pos_coord;
  double mean_loss = 0;  // of the last forward with targets
  int n_loss = 0;
};

// Dry-run sizing from the same layout code model_build and a (B, T) forward
// use, in floats: params (grads, AdamW m and v are the same size again) and
// the activation arena (its gradient arena is the same size again).
struct ModelSize {
  uint64_t params = 0;
  uint64_t activations = 0;
};
ModelSize model_size(const ModelConfig& cfg, int V, int maxT, int B, int T);

// Builds the parameter layout for `cfg` with vocabulary V and sequences up to
// maxT (validated by the config). Weights are zero until model_init.
void model_build(Model& m, const ModelConfig& cfg, int V, int maxT);
// Draws initial weights from the project's RNG with the configured scheme.
void model_init(Model& m, uint64_t seed);
// Forward pass over tokens (B, T). With targets (B, T; -1 = ignore) it also
// computes the mean cross-entropy over counted positions and returns it;
// without, returns 0. Activations stay in m.acts for backward and analysis.
double model_forward(Model& m, const int* tokens, const int* targets, int B, int T);
void model_zero_grad(Model& m);
// Backward of the last forward (which must have had targets). Accumulates
// into m.grads.
void model_backward(Model& m);
// (B, T, C) hidden state at a site of a layer, from the last forward.
const real* model_site(const Model& m, int layer, Site s);
// (B, NH, T, T) attention probabilities of a layer, from the last forward.
const real* model_attention(const Model& m, int layer);
size_t model_num_params(const Model& m);
const ParamTensor* model_find_tensor(const Model& m, const std::string& name);

}  // namespace nope
