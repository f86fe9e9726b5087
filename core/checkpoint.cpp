#include "checkpoint.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"

namespace nope {

using json = nlohmann::json;


// A float32 as the shortest decimal (6 to 9 significant digits) that reads
// back to the same float: 0.02 rather than 0.019999999552965164, so files
// are about half the size and still restore bit-identical weights.
static double shortest_decimal(real x) {
#ifdef NOPE_DOUBLE
  return x;
#else
  char buf[32];
  for (int digits = 6; digits <= 9; digits++) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(x));
    const double d = std::strtod(buf, nullptr);
    if (real(d) == x) return d;
  }
  return x;  // every float is exactly a double
#endif
}

static json tensor_json(const ParamTensor& p, const RealVec& buf) {
  json data = json::array();
  data.get_ref<json::array_t&>().reserve(p.size);
  for (size_t i = 0; i < p.size; i++) data.push_back(shortest_decimal(buf[p.offset + i]));
  return json{{"shape", p.shape}, {"data", std::move(data)}};
}

json checkpoint_to_json(const Trainer& tr, bool with_optimizer) {
  json params = json::object();
  for (const ParamTensor& p : tr.model.tensors) params[p.name] = tensor_json(p, tr.model.params);
  json j{{"format", kCheckpointFormat},
         {"version", kCheckpointVersion},
         {"config", config_to_json(tr.cfg)},
         {"step", tr.step},
         {"params", params}};
  if (with_optimizer) {
    json m = json::object(), v = json::object();
    for (const ParamTensor& p : tr.model.tensors) {
      m[p.name] = tensor_json(p, tr.opt.m);
      v[p.name] = tensor_json(p, tr.opt.v);
    }
    j["optimizer"] = {{"t", tr.opt.t}, {"m", m}, {"v", v}};
  }
  return j;
}

// Copies every named tensor out of `obj` (an object of name -> {shape, data})
// into buf, checking names, shapes, lengths and finiteness. AdamW's second
// moment must also be non-negative: its square root divides the update.
static void read_tensors(const json& obj, const std::string& where, const Model& m, RealVec& buf,
                         bool non_negative = false) {
  if (!obj.is_object()) throw Error("checkpoint: " + where + " must be an object of tensors");
  std::set<std::string> expected;
  for (const ParamTensor& p : m.tensors) expected.insert(p.name);
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!expected.count(it.key()))
      throw Error("checkpoint: " + where + "." + it.key() + " is not a parameter of this configuration");
  for (const ParamTensor& p : m.tensors) {
    const std::string name = where + "." + p.name;
    auto it = obj.find(p.name);
    if (it == obj.end()) throw Error("checkpoint: missing tensor " + name);
    if (!it->is_object() || !it->contains("shape") || !it->contains("data"))
      throw Error("checkpoint: tensor " + name + " must have \"shape\" and \"data\"");
    const json& shape = (*it)["shape"];
    if (shape != json(p.shape))
      throw Error("checkpoint: tensor " + name + " has shape " + json_show(shape) + ", expected " + json(p.shape).dump());
    const json& data = (*it)["data"];
    if (!data.is_array() || data.size() != p.size)
      throw Error("checkpoint: tensor " + name + " must have " + std::to_string(p.size) + " numbers in \"data\"");
    for (size_t i = 0; i < p.size; i++) {
      const json& x = data[i];
      // JSON has no NaN or Inf (writers emit null); a finite double such as
      // 1e300 still overflows to Inf as float32, so check after conversion.
      const real v = x.is_number() ? real(x.get<double>()) : real(0);
      if (!x.is_number() || !std::isfinite(v))
        throw Error("checkpoint: tensor " + name + " has a non-finite or non-numeric value at index " +
                    std::to_string(i) + ": " + json_show(x));
      if (non_negative && v < 0)
        throw Error("checkpoint: tensor " + name + " has a negative value at index " + std::to_string(i) + ": " +
                    json_show(x));
      buf[p.offset + i] = v;
    }
  }
}

void checkpoint_from_json(Trainer& out, const json& j) {
  if (!j.is_object()) throw Error("checkpoint: not a JSON object");
  if (j.value("format", json()) != kCheckpointFormat)
    throw Error(std::string("checkpoint: \"format\" must be \"") + kCheckpointFormat + "\"");
  if (!j.contains("version") || j["version"] != kCheckpointVersion)
    throw Error("checkpoint: unsupported version " + (j.contains("version") ? json_show(j["version"]) : "(missing)") +
                ", this build reads version " + std::to_string(kCheckpointVersion));
  if (!j.contains("config")) throw Error("checkpoint: missing \"config\"");
  if (!j.contains("params")) throw Error("checkpoint: missing \"params\"");
  Config cfg;
  try {
    cfg = config_load(j["config"]);
  } catch (const Error& e) {
    throw Error(std::string("checkpoint: bad config: ") + e.what());
  }
  int step = 0;
  if (j.contains("step")) {
    const json& s = j["step"];
    if (!s.is_number_integer() || s.get<long>() < 0 || s.get<long>() > Limits::max_steps)
      throw Error("checkpoint: \"step\" must be an integer in [0, " + std::to_string(Limits::max_steps) + "]");
    step = s.get<int>();
  }
  // Build into a fresh trainer; only a fully valid checkpoint replaces `out`.
  Trainer tr;
  trainer_init(tr, cfg);
  read_tensors(j["params"], "params", tr.model, tr.model.params);
  if (j.contains("optimizer")) {
    const json& o = j["optimizer"];
    if (!o.is_object() || !o.contains("t") || !o["t"].is_number_integer() || o["t"].get<long>() < 0)
      throw Error("checkpoint: \"optimizer\" must have an integer \"t\" >= 0 and tensors \"m\" and \"v\"");
    tr.opt.t = o["t"].get<long>();
    read_tensors(o.value("m", json()), "optimizer.m", tr.model, tr.opt.m);
    read_tensors(o.value("v", json()), "optimizer.v", tr.model, tr.opt.v, /*non_negative=*/true);
  }
  tr.step = step;
  // The data RNG's position is not stored; a resumed run draws from a stream
  // keyed by seed and step, so resuming is deterministic (though it does not
  // replay the exact batches an uninterrupted run would have seen).
  tr.data_rng = rng_stream(cfg.train.seed + (uint64_t)step * 0x9e3779b97f4a7c15ull, kStreamTrainData);
  out = std::move(tr);
}

}  // namespace nope
