// Experiment configuration: the typed form of the config JSON. Parsing
// validates every field (unknown keys, types, ranges and cross-field rules of
// the config alone) and throws nope::Error naming the field, the value and the
// allowed range. docs/config.md documents each field.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "encodings.h"

namespace nope {

enum class AttentionMask { causal, bidirectional };
enum class NormPlacement { pre, post, none };
enum class InitScheme { normal, xavier, kaiming, gpt2 };
enum class TaskKind { copy, reverse, sort, position, kth, count, parity, add, add_lsd, lm };

struct InitConfig {
  InitScheme scheme = InitScheme::normal;
  double std = 0.02;        // weights (normal and gpt2 schemes)
  double embed_std = 0.02;  // token (and learned position) embeddings
};

struct ModelConfig {
  int d_model = 64;
  int n_heads = 4;
  int n_layers = 2;
  int d_ff = 256;
  PosEncoding pos_encoding = PosEncoding::none;
  AttentionMask attention = AttentionMask::causal;
  NormPlacement norm = NormPlacement::pre;
  bool bias = true;
  bool tie_embeddings = false;
  // T5 relative bias (pos_encoding = t5_bias): buckets of key-query offsets
  // (per direction: all when causal, half when bidirectional), exact below
  // half a side's count, log-spaced up to t5_max_distance. T5's defaults.
  int t5_buckets = 32;
  int t5_max_distance = 128;
  InitConfig init;
};

struct TaskConfig {
  TaskKind name = TaskKind::copy;
  int train_len = 16;   // items per example during training
  int test_len = 32;    // longest length evaluated (length generalisation)
  int vocab_size = 16;  // symbols the task draws from (lm: ignored, fixed by the text)
  // Train on lengths drawn uniformly from [1, train_len] (one per batch)
  // rather than always train_len, as Kazemnejad et al. 2023 do.
  bool vary_length = false;
};

struct TrainConfig {
  int steps = 1000;
  int batch_size = 16;
  double lr = 1e-3;
  double weight_decay = 0.1;
  int warmup = 100;
  double clip = 1.0;  // global grad-norm clip; 0 disables
  uint64_t seed = 1;
};

struct Config {
  ModelConfig model;
  TaskConfig task;
  TrainConfig train;
};

// Browser-safety limits, enforced by validation (also natively, so a config
// that runs in the CLI runs in the page). max_seq and max_bytes are checked
// by budget.h, once the task and the model give the config its shape.
struct Limits {
  static constexpr int max_d_model = 1024;
  static constexpr int max_layers = 16;
  static constexpr int max_heads = 32;
  static constexpr int max_d_ff = 4096;
  static constexpr int max_len = 256;        // task lengths (items)
  static constexpr int max_seq = 512;        // model sequence length T
  static constexpr int max_batch = 512;
  static constexpr int max_steps = 1000000;
  static constexpr int max_vocab = 256;
  // Parameters + activations of one training step must fit in this many
  // bytes (float32), so a page cannot exhaust its memory by accident.
  static constexpr double max_bytes = 1024.0 * 1024.0 * 1024.0;
};

// Parse and validate the config alone (fields, then config_validate).
// Missing fields take their defaults. Outside input goes through
// config_load, which adds the sequence and memory limits.
Config config_from_json(const nlohmann::json& j);
nlohmann::json config_to_json(const Config& c);
// config_from_json + config_check_budget (budget.h): what every outside
// config (CLI, page, checkpoint) goes through.
Config config_load(const nlohmann::json& j);
// A preset ({"config": {...}, "description": ..., ...}) names its config;
// any other JSON is the config itself.
const nlohmann::json& config_of_preset(const nlohmann::json& j);
// Apply one `path.to.field=value` override to a config JSON (before
// validation). The value is parsed as JSON when it parses (numbers, true,
// false), otherwise taken as a string. Throws on a malformed assignment.
void config_set(nlohmann::json& j, const std::string& assignment);
// The one walk over a dotted path ("model.init.std"): the value there, or
// nullptr when a key on the way is missing or not inside an object.
const nlohmann::json* config_at_path(const nlohmann::json& j, const std::string& path);
// Cross-field rules of the config alone (d_model % n_heads, the RoPE and
// sinusoidal head sizes, lengths, warmup); throws nope::Error naming both
// fields. Limits that need the task's sequences or the model's buffers
// (sequence length, memory) are checked one level up, in budget.h.
void config_validate(const Config& c);
// The model part of config_validate; model_build checks it too.
void model_config_validate(const ModelConfig& m);

// One config field as the parser reads it: "model.d_model", its JSON type
// (int|number|bool|enum), its range [lo, hi] ((lo, hi] when lo_open; enums:
// indices) and, for enums, the allowed names. schema.h adds defaults and docs.
struct ConfigField {
  std::string path;
  const char* type;
  double lo, hi;
  bool lo_open;
  std::vector<std::string> values;
};
// Every field, in the parser's order, recorded by running the parser itself.
std::vector<ConfigField> config_fields();

// A JSON value shortened for an error message (at most 60 characters).
// Never throws, even on invalid UTF-8 inside a string.
std::string json_show(const nlohmann::json& v);

// Names used in JSON, the CLI and the UI.
const char* to_string(PosEncoding);
const char* to_string(AttentionMask);
const char* to_string(NormPlacement);
const char* to_string(InitScheme);
const char* to_string(TaskKind);

}  // namespace nope
