#include "config.h"

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "encodings.h"
#include "error.h"
#include "json_check.h"

namespace nope {

using json = nlohmann::json;

// ------------------------------------------------------------------ names

// An enum's names in enumerator order.
template <typename E>
struct EnumNames {
  std::vector<std::string> names;
};

// From the encoding rows (encodings.h), which are in enumerator order.
static const EnumNames<PosEncoding>& pos_names() {
  static const EnumNames<PosEncoding> n = [] {
    EnumNames<PosEncoding> out;
    for (const PosEncodingRow& r : pos_encoding_rows()) out.names.push_back(r.name);
    return out;
  }();
  return n;
}
static const EnumNames<AttentionMask> kMaskNames{{"causal", "bidirectional"}};
static const EnumNames<NormPlacement> kNormNames{{"pre", "post", "none"}};
static const EnumNames<InitScheme> kInitNames{{"normal", "xavier", "kaiming", "gpt2"}};
static const EnumNames<TaskKind> kTaskNames{
    {"copy", "reverse", "sort", "position", "kth", "count", "parity", "add", "add_lsd", "lm"}};

const char* to_string(PosEncoding v) { return pos_encoding_row(v).name; }
const char* to_string(AttentionMask v) { return kMaskNames.names[(int)v].c_str(); }
const char* to_string(NormPlacement v) { return kNormNames.names[(int)v].c_str(); }
const char* to_string(InitScheme v) { return kInitNames.names[(int)v].c_str(); }
const char* to_string(TaskKind v) { return kTaskNames.names[(int)v].c_str(); }

// ----------------------------------------------------------------- reader

std::string json_show(const json& v) {
  // Replace invalid UTF-8 (a --set value can hold any bytes) instead of
  // letting dump() throw while we build the error message.
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

namespace {

// Range ends as a reader would write them: 1000000 rather than 1e+06.
std::string show_bound(double x) {
  if (x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string((long long)x);
  std::ostringstream s;
  s << x;
  return s.str();
}

// Reads one JSON object, remembering which keys were consumed so unknown
// ones can be reported with their full path.
class ObjectReader {
 public:
  // With a sink, every field the reader asks for is also described there
  // (config_fields): the reader is the one source of the schema.
  ObjectReader(const json& j, std::string path, std::vector<ConfigField>* sink = nullptr)
      : j_(j), path_(std::move(path)), sink_(sink) {
    if (!j_.is_object())
      throw Error((path_.empty() ? std::string("config") : path_) + " must be a JSON object, got " + json_show(j_));
  }

  std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  void describe(const std::string& key, const char* type, double lo, double hi, bool lo_open = false,
                std::vector<std::string> values = {}) {
    if (sink_) sink_->push_back({field(key), type, lo, hi, lo_open, std::move(values)});
  }

  const json* get(const std::string& key) {
    seen_.push_back(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  void integer(const std::string& key, int* out, long lo, long hi) {
    describe(key, "int", lo, hi);
    if (const json* v = get(key)) *out = json_int(*v, field(key), lo, hi);
  }

  void seed(const std::string& key, uint64_t* out) {
    describe(key, "int", 0, 9007199254740991.0);
    const json* v = get(key);
    if (!v) return;
    const std::string f = field(key);
    // Seeds stay below 2^53 so a JavaScript number (the web app's URL state)
    // represents them exactly.
    constexpr double kMax = 9007199254740991.0;
    if (!v->is_number()) throw Error(f + " must be an integer, got " + json_show(*v));
    const double d = v->get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) throw Error(f + " must be an integer, got " + json_show(*v));
    if (d < 0 || d > kMax) throw range_error(f, json_show(*v), "0", "9007199254740991");
    *out = v->is_number_unsigned() ? v->get<uint64_t>() : (uint64_t)d;
  }

  // Range is open at lo when lo_open (e.g. std > 0).
  void number(const std::string& key, double* out, double lo, double hi, bool lo_open = false) {
    describe(key, "number", lo, hi, lo_open);
    const json* v = get(key);
    if (!v) return;
    const std::string f = field(key);
    if (!v->is_number()) throw Error(f + " must be a number, got " + json_show(*v));
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < lo || d > hi || (lo_open && d == lo))
      throw Error(f + " = " + json_show(*v) + " is out of range " + (lo_open ? "(" : "[") + show_bound(lo) + ", " +
                  show_bound(hi) + "]");
    *out = d;
  }

  void boolean(const std::string& key, bool* out) {
    describe(key, "bool", 0, 1);
    const json* v = get(key);
    if (!v) return;
    if (!v->is_boolean()) throw Error(field(key) + " must be true or false, got " + json_show(*v));
    *out = v->get<bool>();
  }

  template <typename E>
  void choice(const std::string& key, E* out, const EnumNames<E>& names) {
    const size_t N = names.names.size();
    describe(key, "enum", 0, N - 1, false, names.names);
    const json* v = get(key);
    if (!v) return;
    const std::string f = field(key);
    std::string allowed;
    for (size_t i = 0; i < N; i++) allowed += (i ? "|" : "") + names.names[i];
    if (!v->is_string()) throw Error(f + " must be one of " + allowed + ", got " + json_show(*v));
    const std::string s = v->get<std::string>();
    for (size_t i = 0; i < N; i++)
      if (s == names.names[i]) {
        *out = E(i);
        return;
      }
    throw Error(f + " = " + json_show(*v) + " is not one of " + allowed);
  }

  const json* object(const std::string& key) {
    const json* v = get(key);
    return v;
  }

  // Every key not read above is a typo or a field from another version.
  void reject_unknown() const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool known = false;
      for (const std::string& k : seen_) known |= k == it.key();
      if (!known) throw Error(field(it.key()) + ": unknown field");
    }
  }

  static Error range_error(const std::string& f, const std::string& v, const std::string& lo, const std::string& hi) {
    return Error(f + " = " + v + " is out of range [" + lo + ", " + hi + "]");
  }

 private:
  const json& j_;
  std::string path_;
  std::vector<ConfigField>* sink_;
  std::vector<std::string> seen_;
};

void read_init(const json& j, InitConfig& c, std::vector<ConfigField>* sink = nullptr) {
  ObjectReader r(j, "model.init", sink);
  r.choice("scheme", &c.scheme, kInitNames);
  r.number("std", &c.std, 0, 10, /*lo_open=*/true);
  r.number("embed_std", &c.embed_std, 0, 10, true);
  r.reject_unknown();
}

void read_model(const json& j, ModelConfig& c, std::vector<ConfigField>* sink = nullptr) {
  ObjectReader r(j, "model", sink);
  r.integer("d_model", &c.d_model, 8, Limits::max_d_model);
  r.integer("n_heads", &c.n_heads, 1, Limits::max_heads);
  r.integer("n_layers", &c.n_layers, 1, Limits::max_layers);
  r.integer("d_ff", &c.d_ff, 1, Limits::max_d_ff);
  r.choice("pos_encoding", &c.pos_encoding, pos_names());
  r.choice("attention", &c.attention, kMaskNames);
  r.choice("norm", &c.norm, kNormNames);
  r.boolean("bias", &c.bias);
  r.boolean("tie_embeddings", &c.tie_embeddings);
  r.integer("t5_buckets", &c.t5_buckets, 2, 256);
  r.integer("t5_max_distance", &c.t5_max_distance, 2, 4096);
  if (const json* init = r.object("init")) read_init(*init, c.init, sink);
  else if (sink) read_init(json::object(), c.init, sink);
  r.reject_unknown();
}

void read_task(const json& j, TaskConfig& c, std::vector<ConfigField>* sink = nullptr) {
  ObjectReader r(j, "task", sink);
  r.choice("name", &c.name, kTaskNames);
  r.integer("train_len", &c.train_len, 1, Limits::max_len);
  r.integer("test_len", &c.test_len, 1, Limits::max_len);
  r.integer("vocab_size", &c.vocab_size, 2, Limits::max_vocab);
  r.boolean("vary_length", &c.vary_length);
  r.reject_unknown();
}

void read_train(const json& j, TrainConfig& c, std::vector<ConfigField>* sink = nullptr) {
  ObjectReader r(j, "train", sink);
  r.integer("steps", &c.steps, 0, Limits::max_steps);
  r.integer("batch_size", &c.batch_size, 1, Limits::max_batch);
  r.number("lr", &c.lr, 0, 1, true);
  r.number("weight_decay", &c.weight_decay, 0, 10);
  r.integer("warmup", &c.warmup, 0, Limits::max_steps);
  r.number("clip", &c.clip, 0, 1e6);
  r.seed("seed", &c.seed);
  r.reject_unknown();
}

}  // namespace

// ------------------------------------------------------------- validation

std::vector<ConfigField> config_fields() {
  std::vector<ConfigField> out;
  Config c;
  const json empty = json::object();
  read_model(empty, c.model, &out);
  read_task(empty, c.task, &out);
  read_train(empty, c.train, &out);
  return out;
}

void model_config_validate(const ModelConfig& m) {
  if (m.d_model % m.n_heads != 0)
    throw Error("model.d_model = " + std::to_string(m.d_model) + " must be divisible by model.n_heads = " +
                std::to_string(m.n_heads));
  if (const auto check = pos_encoding_row(m.pos_encoding).check) check(m);
}

void config_validate(const Config& c) {
  model_config_validate(c.model);
  const TaskConfig& t = c.task;
  if (t.test_len < t.train_len)
    throw Error("task.test_len = " + std::to_string(t.test_len) + " must be at least task.train_len = " +
                std::to_string(t.train_len));
  if (t.name == TaskKind::parity && t.vocab_size != 2)
    throw Error("task.vocab_size = " + std::to_string(t.vocab_size) + " must be 2 for task.name = parity (bits)");
  if (c.train.warmup > c.train.steps && c.train.steps > 0)
    throw Error("train.warmup = " + std::to_string(c.train.warmup) + " must not exceed train.steps = " +
                std::to_string(c.train.steps));
}

Config config_from_json(const json& j) {
  Config c;
  ObjectReader r(j, "");
  if (const json* m = r.object("model")) read_model(*m, c.model);
  if (const json* t = r.object("task")) read_task(*t, c.task);
  if (const json* t = r.object("train")) read_train(*t, c.train);
  r.reject_unknown();
  config_validate(c);
  return c;
}

json config_to_json(const Config& c) {
  const ModelConfig& m = c.model;
  return json{
      {"model",
       {{"d_model", m.d_model},
        {"n_heads", m.n_heads},
        {"n_layers", m.n_layers},
        {"d_ff", m.d_ff},
        {"pos_encoding", to_string(m.pos_encoding)},
        {"attention", to_string(m.attention)},
        {"norm", to_string(m.norm)},
        {"bias", m.bias},
        {"tie_embeddings", m.tie_embeddings},
        {"t5_buckets", m.t5_buckets},
        {"t5_max_distance", m.t5_max_distance},
        {"init", {{"scheme", to_string(m.init.scheme)}, {"std", m.init.std}, {"embed_std", m.init.embed_std}}}}},
      {"task",
       {{"name", to_string(c.task.name)},
        {"train_len", c.task.train_len},
        {"test_len", c.task.test_len},
        {"vocab_size", c.task.vocab_size},
        {"vary_length", c.task.vary_length}}},
      {"train",
       {{"steps", c.train.steps},
        {"batch_size", c.train.batch_size},
        {"lr", c.train.lr},
        {"weight_decay", c.train.weight_decay},
        {"warmup", c.train.warmup},
        {"clip", c.train.clip},
        {"seed", c.train.seed}}}};
}

Config config_load(const json& j) {
  const Config c = config_from_json(j);
  config_check_budget(c);
  return c;
}

const json& config_of_preset(const json& j) {
  return j.is_object() && j.contains("config") && j["config"].is_object() ? j["config"] : j;
}

// The keys of a dotted path, empty ones included.
static std::vector<std::string> path_keys(const std::string& path) {
  std::vector<std::string> keys;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
    keys.push_back(path.substr(start, dot - start));
  keys.push_back(path.substr(start));
  return keys;
}

const json* config_at_path(const json& j, const std::string& path) {
  const json* node = &j;
  for (const std::string& key : path_keys(path)) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
  }
  return node;
}

void config_set(json& j, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--set expects path.to.field=value, got '" + assignment + "'");
  const std::string path = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::exception&) {
    value = text;  // bare words such as none or causal are strings
  }
  if (!j.is_object()) j = json::object();
  const std::vector<std::string> keys = path_keys(path);
  for (const std::string& key : keys)
    if (key.empty()) throw Error("--set: empty field name in '" + path + "'");
  json* node = &j;
  std::string prefix;
  for (size_t i = 0; i + 1 < keys.size(); i++) {
    prefix += (i ? "." : "") + keys[i];
    json& child = (*node)[keys[i]];
    if (child.is_null()) child = json::object();
    if (!child.is_object()) throw Error("--set: " + prefix + " is not an object");
    node = &child;
  }
  (*node)[keys.back()] = value;
}

}  // namespace nope
