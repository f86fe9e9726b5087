// nopelab grad: loss, logits and every parameter gradient for a batch given
// in a file, so the core can be checked against any other framework
// (docs/checkpoint.md describes the weights and the forward pass).
#include <cstdio>

#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "error.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab grad --checkpoint CKPT --tokens F\n"
    "\n"
    "F is {\"tokens\": [[ids...]...], \"targets\": [[ids or -1...]...]} (B rows of equal\n"
    "length T <= the model's maximum). Prints {loss, logits, grads: {name: [...]}} where\n"
    "loss is the mean cross-entropy over targets != -1, logits is (B, T, V) flat\n"
    "row-major, and each gradient is flat in the tensor's shape (docs/checkpoint.md).\n";

static std::vector<int> read_rows(const nlohmann::json& j, const char* key, int* B, int* T, int lo, int hi) {
  if (!j.contains(key) || !j[key].is_array() || j[key].empty())
    throw Error(std::string("tokens file: \"") + key + "\" must be a non-empty array of rows");
  const nlohmann::json& rows = j[key];
  *B = (int)rows.size();
  *T = rows[0].is_array() ? (int)rows[0].size() : 0;
  std::vector<int> out;
  for (int b = 0; b < *B; b++) {
    if (!rows[b].is_array() || (int)rows[b].size() != *T || *T == 0)
      throw Error(std::string("tokens file: every row of \"") + key + "\" must be a non-empty array of the same length");
    for (const auto& v : rows[b]) {
      if (!v.is_number_integer() || v.get<long>() < lo || v.get<long>() > hi)
        throw Error(std::string("tokens file: \"") + key + "\" has " + v.dump() + ", expected an integer in [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
      out.push_back(v.get<int>());
    }
  }
  return out;
}

int cmd_grad(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "tokens"}, {});
  if (!a.has("checkpoint") || !a.has("tokens")) throw Error("grad needs --checkpoint CKPT and --tokens F");
  Trainer tr;
  checkpoint_from_json(tr, read_json_file(a.get("checkpoint")));
  Model& m = tr.model;
  const nlohmann::json batch = read_json_file(a.get("tokens"));
  int B, T, B2, T2;
  const std::vector<int> tokens = read_rows(batch, "tokens", &B, &T, 0, m.V - 1);
  const std::vector<int> targets = read_rows(batch, "targets", &B2, &T2, -1, m.V - 1);
  if (B != B2 || T != T2) throw Error("tokens file: \"tokens\" and \"targets\" must have the same shape");
  if (B > Limits::max_batch)
    throw Error("tokens file: " + std::to_string(B) + " rows exceed the limit of " + std::to_string(Limits::max_batch));
  if (T > m.maxT) throw Error("tokens file: rows of length " + std::to_string(T) + " exceed the model's maximum " + std::to_string(m.maxT));
  model_zero_grad(m);
  const double loss = model_forward(m, tokens.data(), targets.data(), B, T);
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
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace nope::cli
