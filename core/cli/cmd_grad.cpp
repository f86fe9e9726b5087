// nopelab grad: loss, logits and every parameter gradient for a batch given
// in a file, so the core can be checked against any other framework
// (docs/checkpoint.md describes the weights and the forward pass).
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "error.h"
#include "token_batch.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab grad --checkpoint CKPT [--config F] --tokens F [--hidden]\n"
    "\n"
    "F is {\"tokens\": [[ids...]...], \"targets\": [[ids or -1...]...]} (B rows of equal\n"
    "length T <= the model's maximum). Prints {loss, logits, grads: {name: [...]}} where\n"
    "loss is the mean cross-entropy over targets != -1, logits is (B, T, V) flat\n"
    "row-major, and each gradient is flat in the tensor's shape (docs/checkpoint.md).\n"
    "--hidden adds hidden_states: per layer, {site: (B, T, C) flat} for the six sites of\n"
    "docs/analysis.md. CKPT is JSON or .safetensors (--config F for a safetensors file\n"
    "without a NoPE Lab config; docs/interop.md).\n";

int cmd_grad(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "config", "tokens"}, {"hidden"});
  if (!a.has("checkpoint") || !a.has("tokens")) throw Error("grad needs --checkpoint CKPT and --tokens F");
  Trainer tr;
  load_checkpoint(tr, a);
  Model& m = tr.model;
  const TokenBatch batch = token_batch_from_json(read_json_file(a.get("tokens")), m.V, m.maxT);
  const int B = batch.B, T = batch.T;
  model_zero_grad(m);
  const double loss = model_forward(m, batch.tokens.data(), batch.targets.data(), B, T);
  // The sites as the forward left them, read before the backward pass.
  nlohmann::json hidden;
  if (a.flag("hidden")) {
    const size_t n = (size_t)B * T * m.cfg.d_model;
    nlohmann::json layers = nlohmann::json::array();
    for (int l = 0; l < m.cfg.n_layers; l++) {
      nlohmann::json sites = nlohmann::json::object();
      for (int s = 0; s < kNumSites; s++) {
        const real* h = model_site(m, l, Site(s));
        sites[to_string(Site(s))] = std::vector<real>(h, h + n);
      }
      layers.push_back(sites);
    }
    hidden = layers;
  }
  model_backward(m);
  nlohmann::json grads = nlohmann::json::object();
  for (const ParamTensor& p : m.tensors)
    grads[p.name] = std::vector<real>(m.grads.begin() + p.offset, m.grads.begin() + p.offset + p.size);
  nlohmann::json out{{"loss", loss},
                     {"B", B},
                     {"T", T},
                     {"V", m.V},
                     {"logits", std::vector<real>(m.logits, m.logits + (size_t)B * T * m.V)},
                     {"grads", grads}};
  if (a.flag("hidden")) out["hidden_states"] = std::move(hidden);
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace nope::cli
