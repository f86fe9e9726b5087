#include "model.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "error.h"
#include "ops.h"
#include "rng.h"
#include "threads.h"

namespace nope {

const char* to_string(Site s) {
  switch (s) {
    case Site::embed: return "embed";
    case Site::norm1: return "norm1";
    case Site::attn_out: return "attn_out";
    case Site::resid_mid: return "resid_mid";
    case Site::mlp_out: return "mlp_out";
    case Site::resid_post: return "resid_post";
  }
  return "?";
}

bool site_from_string(const std::string& s, Site* out) {
  for (int i = 0; i < kNumSites; i++) {
    if (s == to_string(Site(i))) {
      *out = Site(i);
      return true;
    }
  }
  return false;
}

// ------------------------------------------------------ parameter layout

namespace {

struct LayoutBuilder {
  std::vector<ParamTensor>& tensors;
  size_t total = 0;
  void add(const std::string& name, std::vector<int> shape, bool decay) {
    ParamTensor p;
    p.name = name;
    p.shape = std::move(shape);
    p.size = 1;
    for (int d : p.shape) p.size *= (size_t)d;
    p.offset = total;
    p.decay = decay;
    total += p.size;
    tensors.push_back(p);
  }
};

// The named parameter tensors of cfg in allocation order; returns their total.
size_t param_layout(std::vector<ParamTensor>& tensors, const ModelConfig& cfg, int V, int maxT) {
  const int C = cfg.d_model, F = cfg.d_ff, L = cfg.n_layers;
  const bool ln = cfg.norm != NormPlacement::none, bias = cfg.bias;
  LayoutBuilder lb{tensors};
  lb.add("wte", {V, C}, true);
  if (cfg.pos_encoding == PosEncoding::learned) lb.add("wpe", {maxT, C}, true);
  if (cfg.pos_encoding == PosEncoding::normalized) lb.add("wnp", {C}, false);
  if (cfg.pos_encoding == PosEncoding::index) lb.add("wix", {C}, false);
  if (cfg.pos_encoding == PosEncoding::t5_bias) lb.add("rel_bias", {cfg.t5_buckets, cfg.n_heads}, false);
  for (int l = 0; l < L; l++) {
    const std::string h = "h." + std::to_string(l) + ".";
    if (ln) lb.add(h + "ln_1.weight", {C}, false);
    if (ln && bias) lb.add(h + "ln_1.bias", {C}, false);
    lb.add(h + "attn.c_attn.weight", {3 * C, C}, true);
    if (bias) lb.add(h + "attn.c_attn.bias", {3 * C}, false);
    lb.add(h + "attn.c_proj.weight", {C, C}, true);
    if (bias) lb.add(h + "attn.c_proj.bias", {C}, false);
    if (ln) lb.add(h + "ln_2.weight", {C}, false);
    if (ln && bias) lb.add(h + "ln_2.bias", {C}, false);
    lb.add(h + "mlp.c_fc.weight", {F, C}, true);
    if (bias) lb.add(h + "mlp.c_fc.bias", {F}, false);
    lb.add(h + "mlp.c_proj.weight", {C, F}, true);
    if (bias) lb.add(h + "mlp.c_proj.bias", {C}, false);
  }
  if (ln) lb.add("ln_f.weight", {C}, false);
  if (ln && bias) lb.add("ln_f.bias", {C}, false);
  if (!cfg.tie_embeddings) lb.add("lm_head.weight", {V, C}, true);
  return lb.total;
}

}  // namespace

void model_build(Model& m, const ModelConfig& cfg, int V, int maxT) {
  model_config_validate(cfg);
  m = Model();
  m.cfg = cfg;
  m.V = V;
  m.maxT = maxT;
  const int C = cfg.d_model, L = cfg.n_layers;
  const size_t total = param_layout(m.tensors, cfg, V, maxT);

  m.params.assign(total, real(0));
  m.grads.assign(total, real(0));

  auto bind = [&](real* base, const std::string& name) -> real* {
    const ParamTensor* p = model_find_tensor(m, name);
    return p ? base + p->offset : nullptr;
  };
  auto bind_all = [&](real* base, real** wte, real** wpe, real** wnp, real** wix, real** lnfw,
                      real** lnfb, real** lm_head, std::vector<LayerParams>& layers) {
    *wte = bind(base, "wte");
    *wpe = bind(base, "wpe");
    *wnp = bind(base, "wnp");
    *wix = bind(base, "wix");
    *lnfw = bind(base, "ln_f.weight");
    *lnfb = bind(base, "ln_f.bias");
    *lm_head = cfg.tie_embeddings ? *wte : bind(base, "lm_head.weight");
    layers.assign(L, LayerParams());
    for (int l = 0; l < L; l++) {
      const std::string h = "h." + std::to_string(l) + ".";
      LayerParams& p = layers[l];
      p.ln1w = bind(base, h + "ln_1.weight");
      p.ln1b = bind(base, h + "ln_1.bias");
      p.qkvw = bind(base, h + "attn.c_attn.weight");
      p.qkvb = bind(base, h + "attn.c_attn.bias");
      p.attprojw = bind(base, h + "attn.c_proj.weight");
      p.attprojb = bind(base, h + "attn.c_proj.bias");
      p.ln2w = bind(base, h + "ln_2.weight");
      p.ln2b = bind(base, h + "ln_2.bias");
      p.fcw = bind(base, h + "mlp.c_fc.weight");
      p.fcb = bind(base, h + "mlp.c_fc.bias");
      p.fcprojw = bind(base, h + "mlp.c_proj.weight");
      p.fcprojb = bind(base, h + "mlp.c_proj.bias");
    }
  };
  bind_all(m.params.data(), &m.wte, &m.wpe, &m.wnp, &m.wix, &m.lnfw, &m.lnfb, &m.lm_head, m.layers);
  bind_all(m.grads.data(), &m.g_wte, &m.g_wpe, &m.g_wnp, &m.g_wix, &m.g_lnfw, &m.g_lnfb, &m.g_lm_head,
           m.layer_grads);
  m.rel_bias = bind(m.params.data(), "rel_bias");
  m.g_rel_bias = bind(m.grads.data(), "rel_bias");

  const int hs = C / cfg.n_heads;
  if (cfg.pos_encoding == PosEncoding::sinusoidal) {
    m.pe_table.resize((size_t)maxT * C);
    sinusoidal_table(m.pe_table.data(), maxT, C);
  } else if (cfg.pos_encoding == PosEncoding::rope) {
    m.pe_table.resize((size_t)maxT * hs);
    rope_table(m.pe_table.data(), maxT, hs);
  } else if (cfg.pos_encoding == PosEncoding::alibi) {
    m.alibi_slopes.resize(cfg.n_heads);
    alibi_slopes(m.alibi_slopes.data(), cfg.n_heads);
  } else if (cfg.pos_encoding == PosEncoding::t5_bias) {
    m.t5_bucket.resize((size_t)2 * maxT - 1);
    t5_bucket_table(m.t5_bucket.data(), maxT, cfg.t5_buckets, cfg.t5_max_distance,
                    cfg.attention == AttentionMask::bidirectional);
  }
}

const ParamTensor* model_find_tensor(const Model& m, const std::string& name) {
  for (const ParamTensor& p : m.tensors)
    if (p.name == name) return &p;
  return nullptr;
}

size_t model_num_params(const Model& m) { return m.params.size(); }

// ----------------------------------------------------------------- init

static bool ends_with(const std::string& s, const char* suffix) {
  const size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

void model_init(Model& m, uint64_t seed) {
  Rng rng = rng_stream(seed, kStreamInit);
  const InitConfig& ic = m.cfg.init;
  const double resid_scale = 1.0 / std::sqrt(2.0 * m.cfg.n_layers);
  // Tensors are visited in layout order and each draws its own normals, so
  // the weights depend only on (config, seed) on every platform.
  for (const ParamTensor& p : m.tensors) {
    real* w = m.params.data() + p.offset;
    const bool gain = ends_with(p.name, "ln_1.weight") || ends_with(p.name, "ln_2.weight") ||
                      p.name == "ln_f.weight";
    if (gain) {
      for (size_t i = 0; i < p.size; i++) w[i] = real(1);
      continue;
    }
    double std = 0;
    if (p.name == "wte" || p.name == "wpe" || p.name == "wnp" || p.name == "wix" || p.name == "rel_bias") {
      std = ic.embed_std;
    } else if (p.shape.size() == 2) {
      const double fan_out = p.shape[0], fan_in = p.shape[1];
      switch (ic.scheme) {
        case InitScheme::normal: std = ic.std; break;
        case InitScheme::xavier: std = std::sqrt(2.0 / (fan_in + fan_out)); break;
        case InitScheme::kaiming: std = std::sqrt(2.0 / fan_in); break;
        case InitScheme::gpt2:
          // GPT-2: projections into the residual stream scaled by 1/sqrt(2L).
          std = ic.std * (ends_with(p.name, "c_proj.weight") ? resid_scale : 1.0);
          break;
      }
    }
    if (std == 0) {
      for (size_t i = 0; i < p.size; i++) w[i] = real(0);  // biases
    } else {
      for (size_t i = 0; i < p.size; i++) w[i] = real(std * rng_normal(rng));
    }
  }
}

// ------------------------------------------------------- activation layout

// Offsets are 64-bit so a dry run (base = nullptr) sizes any config, even
// one far beyond a 32-bit wasm address space.
static void layout_acts(Model& m, real* base, std::vector<LayerActs>& la, real** encoded,
                        real** lnf, real** logits, int B, int T, uint64_t* total) {
  const ModelConfig& c = m.cfg;
  const uint64_t BT = (uint64_t)B * T, C = c.d_model, F = c.d_ff, NH = c.n_heads;
  const bool post = c.norm == NormPlacement::post;
  uint64_t off = 0;
  // Every buffer starts on a 64-byte boundary (with the aligned arena), so
  // vectorised row loops see the same alignment in every model instance.
  auto take = [&](uint64_t n) -> real* {
    real* p = base ? base + off : nullptr;
    off += (n + 15) / 16 * 16;
    return p;
  };
  *encoded = take(BT * C);
  la.resize(c.n_layers);
  for (int l = 0; l < c.n_layers; l++) {
    LayerActs& a = la[l];
    a.in = l == 0 ? *encoded : la[l - 1].res3;
    a.ln1 = take(BT * C);
    a.ln1_mean = take(BT);
    a.ln1_rstd = take(BT);
    a.qkv = take(BT * 3 * C);
    a.att = take((uint64_t)B * NH * T * T);
    a.atty = take(BT * C);
    a.attproj = take(BT * C);
    a.res2_pre = post ? take(BT * C) : nullptr;
    a.res2 = take(BT * C);
    a.ln2 = take(BT * C);
    a.ln2_mean = take(BT);
    a.ln2_rstd = take(BT);
    a.fch = take(BT * F);
    a.fch_gelu = take(BT * F);
    a.fcproj = take(BT * C);
    a.res3_pre = post ? take(BT * C) : nullptr;
    a.res3 = take(BT * C);
  }
  *lnf = take(BT * C);
  *logits = take(BT * m.V);
  *total = off;
}

// Floats of the activation arena for (B, T): the carved layout plus the
// tail of probs, losses and the final norm's mean/rstd.
static uint64_t act_floats(Model& m, int B, int T) {
  uint64_t total = 0;
  real *enc, *lnf, *logits;
  layout_acts(m, nullptr, m.la, &enc, &lnf, &logits, B, T, &total);
  return total + (uint64_t)B * T * (m.V + 3);
}

// Sizes and points the activation buffers for (B, T); grows only.
static void ensure_acts(Model& m, int B, int T) {
  uint64_t total = 0;
  const uint64_t need = act_floats(m, B, T);
  if (need > SIZE_MAX / sizeof(real))  // a 32-bit (wasm) size_t cannot even count it
    throw Error("activations for " + std::to_string(B) + " sequences of " + std::to_string(T) +
                " tokens do not fit in memory");
  if (m.acts.size() < need) m.acts.resize((size_t)need);
  layout_acts(m, m.acts.data(), m.la, &m.encoded, &m.lnf, &m.logits, B, T, &total);
  m.probs = m.acts.data() + total;
  m.losses = m.probs + (size_t)B * T * m.V;
  m.lnf_mean = m.losses + (size_t)B * T;
  m.lnf_rstd = m.lnf_mean + (size_t)B * T;
  if ((size_t)B * T > m.tokens.size()) {
    m.tokens.resize((size_t)B * T);
    m.targets.resize((size_t)B * T);
  }
  m.B = B;
  m.T = T;
}

ModelSize model_size(const ModelConfig& cfg, int V, int maxT, int B, int T) {
  Model dry;  // a layout only: no parameter or activation storage
  dry.cfg = cfg;
  dry.V = V;
  ModelSize s;
  s.params = param_layout(dry.tensors, cfg, V, maxT);
  s.activations = act_floats(dry, B, T);
  return s;
}

// ---------------------------------------------------------------- forward

// The T5 bias of the attention (table null unless pos_encoding = t5_bias).
static T5Bias model_t5_bias(const Model& m) {
  T5Bias t5;
  if (!m.rel_bias) return t5;
  t5.table = m.rel_bias;
  t5.bucket = m.t5_bucket.data();
  t5.zero = m.maxT - 1;
  t5.buckets = m.cfg.t5_buckets;
  return t5;
}

double model_forward(Model& m, const int* tokens, const int* targets, int B, int T) {
  const ModelConfig& c = m.cfg;
  if (B < 1 || T < 1) throw Error("model_forward: empty batch");
  if (T > m.maxT)
    throw Error("sequence length " + std::to_string(T) + " exceeds the model's maximum " +
                std::to_string(m.maxT));
  const size_t BT = (size_t)B * T;
  for (size_t i = 0; i < BT; i++) {
    if (tokens[i] < 0 || tokens[i] >= m.V)
      throw Error("token id " + std::to_string(tokens[i]) + " out of range [0, " + std::to_string(m.V - 1) + "]");
    if (targets && (targets[i] < -1 || targets[i] >= m.V))
      throw Error("target id " + std::to_string(targets[i]) + " out of range [-1, " + std::to_string(m.V - 1) + "]");
  }
  ensure_acts(m, B, T);
  std::memcpy(m.tokens.data(), tokens, sizeof(int) * BT);
  if (targets) std::memcpy(m.targets.data(), targets, sizeof(int) * BT);
  else std::fill(m.targets.begin(), m.targets.begin() + BT, -1);

  const int C = c.d_model, F = c.d_ff, NH = c.n_heads, N = (int)BT;
  const bool pre = c.norm == NormPlacement::pre, post = c.norm == NormPlacement::post;
  const bool causal = c.attention == AttentionMask::causal;
  const real* sin_table = c.pos_encoding == PosEncoding::sinusoidal ? m.pe_table.data() : nullptr;
  const real* alibi = c.pos_encoding == PosEncoding::alibi ? m.alibi_slopes.data() : nullptr;
  const T5Bias t5 = model_t5_bias(m);

  // A scalar coordinate per position times one learned direction: t/(T-1)
  // of this forward's own length (normalized; the same index gets another
  // value at another length), or the raw index t (index; unbounded).
  const real* dir = m.wnp ? m.wnp : m.wix;
  if (dir) {
    m.pos_coord.resize(T);
    for (int t = 0; t < T; t++)
      m.pos_coord[t] = m.wnp ? (T > 1 ? real(t) / real(T - 1) : real(0)) : real(t);
  }
  encoder_forward(m.encoded, tokens, m.wte, m.wpe, sin_table, dir, m.pos_coord.data(), B, T, C);
  for (int l = 0; l < c.n_layers; l++) {
    const LayerParams& p = m.layers[l];
    LayerActs& a = m.la[l];
    const real* attn_in = a.in;
    if (pre) {
      layernorm_forward(a.ln1, a.ln1_mean, a.ln1_rstd, a.in, p.ln1w, p.ln1b, N, C);
      attn_in = a.ln1;
    }
    matmul_forward(a.qkv, attn_in, p.qkvw, p.qkvb, N, C, 3 * C);
    if (c.pos_encoding == PosEncoding::rope) rope_forward(a.qkv, m.pe_table.data(), B, T, C, NH);
    attention_forward(a.atty, a.att, a.qkv, alibi, causal, B, T, C, NH, t5.table ? &t5 : nullptr);
    matmul_forward(a.attproj, a.atty, p.attprojw, p.attprojb, N, C, C);
    if (post) {
      residual_forward(a.res2_pre, a.in, a.attproj, N * C);
      layernorm_forward(a.res2, a.ln1_mean, a.ln1_rstd, a.res2_pre, p.ln1w, p.ln1b, N, C);
    } else {
      residual_forward(a.res2, a.in, a.attproj, N * C);
    }
    const real* mlp_in = a.res2;
    if (pre) {
      layernorm_forward(a.ln2, a.ln2_mean, a.ln2_rstd, a.res2, p.ln2w, p.ln2b, N, C);
      mlp_in = a.ln2;
    }
    matmul_forward(a.fch, mlp_in, p.fcw, p.fcb, N, C, F);
    gelu_forward(a.fch_gelu, a.fch, a.fch, N * F);  // a.fch becomes the slope
    matmul_forward(a.fcproj, a.fch_gelu, p.fcprojw, p.fcprojb, N, F, C);
    if (post) {
      residual_forward(a.res3_pre, a.res2, a.fcproj, N * C);
      layernorm_forward(a.res3, a.ln2_mean, a.ln2_rstd, a.res3_pre, p.ln2w, p.ln2b, N, C);
    } else {
      residual_forward(a.res3, a.res2, a.fcproj, N * C);
    }
  }
  const real* x = c.n_layers > 0 ? m.la[c.n_layers - 1].res3 : m.encoded;
  const real* head_in = x;
  if (c.norm != NormPlacement::none) {
    layernorm_forward(m.lnf, m.lnf_mean, m.lnf_rstd, x, m.lnfw, m.lnfb, N, C);
    head_in = m.lnf;
  }
  matmul_forward(m.logits, head_in, m.lm_head, nullptr, N, C, m.V);

  m.mean_loss = 0;
  m.n_loss = 0;
  if (!targets) return 0;
  const double sum = crossentropy_forward(m.losses, m.probs, m.logits, targets, N, m.V, &m.n_loss);
  m.mean_loss = m.n_loss > 0 ? sum / m.n_loss : 0.0;
  return m.mean_loss;
}

// Zeroes n reals in fixed chunks on the pool (memory bound: a second core
// adds bandwidth).
static void zero_fill(real* p, size_t n) {
  constexpr size_t kChunk = 65536;
  parallel_for(num_chunks((long)n, (long)kChunk), [&](int task) {
    const size_t s = (size_t)task * kChunk;
    std::memset(p + s, 0, sizeof(real) * std::min(kChunk, n - s));
  });
}

void model_zero_grad(Model& m) { zero_fill(m.grads.data(), m.grads.size()); }

// --------------------------------------------------------------- backward

void model_backward(Model& m) {
  const ModelConfig& c = m.cfg;
  const int B = m.B, T = m.T, C = c.d_model, F = c.d_ff, NH = c.n_heads, N = B * T;
  const bool pre = c.norm == NormPlacement::pre, post = c.norm == NormPlacement::post;
  const bool causal = c.attention == AttentionMask::causal;
  if (N == 0) throw Error("model_backward: no forward pass to differentiate");
  const T5Bias t5 = model_t5_bias(m);

  if (m.dacts.size() < m.acts.size()) m.dacts.resize(m.acts.size());
  uint64_t total = 0;
  real* d_logits = nullptr;
  layout_acts(m, m.dacts.data(), m.dla, &m.d_encoded, &m.d_lnf, &d_logits, B, T, &total);
  m.d_logits = d_logits;
  // Most activation gradients have one first writer, told to overwrite
  // (Grad::overwrite, copy_into, attention_backward), so only the buffers
  // that several calls add into are cleared: the logits' gradient, the last
  // block's output gradient (the final norm or head adds into it) and, after
  // a post-norm, the norm inputs. Clearing all of them cost ~4% of a model-B
  // step in memset alone.
  const size_t NC = (size_t)N * C;
  zero_fill(m.d_logits, (size_t)N * m.V);
  zero_fill(c.n_layers > 0 ? m.dla[c.n_layers - 1].res3 : m.d_encoded, NC);
  if (post)
    for (const LayerActs& d : m.dla) {
      zero_fill(d.res2_pre, NC);
      zero_fill(d.res3_pre, NC);
    }

  if (m.n_loss == 0) return;  // nothing counted: zero gradient
  crossentropy_backward(m.d_logits, m.probs, m.targets.data(), N, m.V, real(1) / real(m.n_loss));

  const real* x = c.n_layers > 0 ? m.la[c.n_layers - 1].res3 : m.encoded;
  real* dx = c.n_layers > 0 ? m.dla[c.n_layers - 1].res3 : m.d_encoded;
  if (c.norm != NormPlacement::none) {
    matmul_backward(m.d_lnf, m.g_lm_head, nullptr, m.d_logits, m.lnf, m.lm_head, N, C, m.V, Grad::overwrite);
    layernorm_backward(dx, m.g_lnfw, m.g_lnfb, m.d_lnf, x, m.lnfw, m.lnf_mean, m.lnf_rstd, N, C);
  } else {
    matmul_backward(dx, m.g_lm_head, nullptr, m.d_logits, x, m.lm_head, N, C, m.V);
  }

  for (int l = c.n_layers - 1; l >= 0; l--) {
    const LayerParams& p = m.layers[l];
    LayerParams& g = m.layer_grads[l];
    const LayerActs& a = m.la[l];
    LayerActs& d = m.dla[l];
    real* din = l == 0 ? m.d_encoded : m.dla[l - 1].res3;

    // MLP sub-block: d.res3 holds the gradient of the block output.
    const real* dmlp_out = d.res3;
    if (post) {
      layernorm_backward(d.res3_pre, g.ln2w, g.ln2b, d.res3, a.res3_pre, p.ln2w, a.ln2_mean, a.ln2_rstd, N, C);
      dmlp_out = d.res3_pre;
    }
    // The residual path: copied into d.res2 first, or (pre-norm) added by
    // the norm's backward as it writes d.res2.
    if (!pre) copy_into(d.res2, dmlp_out, N * C);
    matmul_backward(d.fch_gelu, g.fcprojw, g.fcprojb, dmlp_out, a.fch_gelu, p.fcprojw, N, F, C, Grad::overwrite);
    // The fc output's gradient over its GELU output's, in place (a.fch: the
    // slope): one (B, T, F) buffer fewer through the cache every step.
    real* dfc = d.fch_gelu;
    gelu_backward(dfc, a.fch, d.fch_gelu, N * F, Grad::overwrite);
    if (pre) {
      matmul_backward(d.ln2, g.fcw, g.fcb, dfc, a.ln2, p.fcw, N, C, F, Grad::overwrite);
      layernorm_backward(d.res2, g.ln2w, g.ln2b, d.ln2, a.res2, p.ln2w, a.ln2_mean, a.ln2_rstd, N, C, dmlp_out);
    } else {
      matmul_backward(d.res2, g.fcw, g.fcb, dfc, a.res2, p.fcw, N, C, F);
    }

    // Attention sub-block: d.res2 holds the gradient of the residual after it.
    const real* dattn_out = d.res2;
    if (post) {
      layernorm_backward(d.res2_pre, g.ln1w, g.ln1b, d.res2, a.res2_pre, p.ln1w, a.ln1_mean, a.ln1_rstd, N, C);
      dattn_out = d.res2_pre;
    }
    if (!pre) copy_into(din, dattn_out, N * C);  // the residual path (as above)
    matmul_backward(d.atty, g.attprojw, g.attprojb, dattn_out, a.atty, p.attprojw, N, C, C, Grad::overwrite);
    attention_backward(d.qkv, d.att, d.atty, a.qkv, a.att, causal, B, T, C, NH, t5.table ? &t5 : nullptr,
                       m.g_rel_bias);
    if (c.pos_encoding == PosEncoding::rope) rope_backward(d.qkv, m.pe_table.data(), B, T, C, NH);
    if (pre) {
      matmul_backward(d.ln1, g.qkvw, g.qkvb, d.qkv, a.ln1, p.qkvw, N, C, 3 * C, Grad::overwrite);
      layernorm_backward(din, g.ln1w, g.ln1b, d.ln1, a.in, p.ln1w, a.ln1_mean, a.ln1_rstd, N, C, dattn_out);
    } else {
      matmul_backward(din, g.qkvw, g.qkvb, d.qkv, a.in, p.qkvw, N, C, 3 * C);
    }
  }
  encoder_backward(m.g_wte, m.g_wpe, m.g_wnp ? m.g_wnp : m.g_wix, m.pos_coord.data(), m.d_encoded,
                   m.tokens.data(), B, T, C);
}

// --------------------------------------------------------------- analysis

const real* model_site(const Model& m, int layer, Site s) {
  if (layer < 0 || layer >= m.cfg.n_layers) throw Error("layer " + std::to_string(layer) + " out of range");
  const LayerActs& a = m.la[layer];
  const bool pre = m.cfg.norm == NormPlacement::pre;
  switch (s) {
    case Site::embed: return a.in;
    case Site::norm1: return pre ? a.ln1 : a.in;
    case Site::attn_out: return a.attproj;
    case Site::resid_mid: return a.res2;
    case Site::mlp_out: return a.fcproj;
    case Site::resid_post: return a.res3;
  }
  return nullptr;
}

const real* model_attention(const Model& m, int layer) {
  if (layer < 0 || layer >= m.cfg.n_layers) throw Error("layer " + std::to_string(layer) + " out of range");
  return m.la[layer].att;
}

}  // namespace nope
