// safetensors checkpoints: bit-exact round trip, the GPT-2 names and Conv1D
// layout, and every malformed header, offset, dtype, shape or value gives an
// error naming it while leaving the caller's trainer untouched.
#include <catch2/catch.hpp>

#include <cstring>

#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "error.h"
#include "safetensors.h"
#include "small_models.h"

using namespace nope;
using json = nlohmann::json;

static Config small(const std::string& pe = "learned", bool tied = false) {
  json j = {{"model",
             {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 32}, {"pos_encoding", pe},
              {"tie_embeddings", tied}}},
            {"task", {{"train_len", 4}, {"test_len", 6}, {"vocab_size", 5}}},
            {"train", {{"steps", 20}, {"batch_size", 4}, {"warmup", 2}}}};
  return config_from_json(j);
}

static json header_of(const std::string& file) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | (unsigned char)file[i];
  return json::parse(file.substr(8, n));
}

// A file from a header and data, as a foreign writer would produce it.
static std::string file_of(const json& header, const std::string& data) {
  const std::string text = header.dump();
  std::string out;
  for (int i = 0; i < 8; i++) out.push_back(char((text.size() >> (8 * i)) & 0xff));
  return out + text + data;
}

static std::string data_of(const std::string& file) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | (unsigned char)file[i];
  return file.substr(8 + n);
}

TEST_CASE("safetensors round trip keeps every weight bit and the step", "[safetensors]") {
  for (const char* pe : {"learned", "normalized", "rope"})
    for (bool tied : {false, true}) {
      Trainer a = fresh_trainer(small(pe, tied));
      trainer_step(a, 3);
      const std::string file = checkpoint_to_safetensors(a);
      CHECK(is_safetensors(file));
      CHECK(file.size() % 4 == 0);  // header padded to 8 bytes, float32 data
      Trainer b;
      checkpoint_from_safetensors(b, file, nullptr);
      CHECK(b.step == 3);
      CHECK(b.model.params == a.model.params);
      CHECK(config_to_json(b.cfg) == config_to_json(a.cfg));
      CHECK(b.opt.t == 0);  // optimizer state is JSON-only
    }
}

TEST_CASE("safetensors uses GPT-2 names and stores block matrices as Conv1D (in, out)", "[safetensors]") {
  Trainer a = fresh_trainer(small());
  const std::string file = checkpoint_to_safetensors(a);
  const json h = header_of(file);
  CHECK(h["__metadata__"]["format"] == "pt");
  CHECK(h["__metadata__"]["nopelab_step"] == "0");
  CHECK(h["wte.weight"]["shape"] == json({8, 16}));
  CHECK(h["wpe.weight"]["shape"] == json({13, 16}));
  CHECK(h["h.0.attn.c_attn.weight"]["shape"] == json({16, 48}));
  CHECK(h["h.0.attn.c_proj.weight"]["shape"] == json({16, 16}));
  CHECK(h["h.0.mlp.c_fc.weight"]["shape"] == json({16, 32}));
  CHECK(h["h.0.mlp.c_proj.weight"]["shape"] == json({32, 16}));
  CHECK(h["lm_head.weight"]["shape"] == json({8, 16}));
  CHECK(h["h.0.ln_1.weight"]["dtype"] == "F32");
  CHECK(!h.contains("wte"));
  // Stored element (i, j) of c_fc is the core's (j, i).
  const ParamTensor* fc = model_find_tensor(a.model, "h.0.mlp.c_fc.weight");
  const std::string data = data_of(file);
  const uint64_t begin = h["h.0.mlp.c_fc.weight"]["data_offsets"][0];
  for (int i : {0, 3, 15})
    for (int j : {0, 1, 31}) {
      float f;
      std::memcpy(&f, data.data() + begin + 4 * (i * 32 + j), 4);
      CHECK(f == a.model.params[fc->offset + j * 16 + i]);
    }
}

TEST_CASE("safetensors reads F16, BF16 and F64 and a config given for a foreign file", "[safetensors]") {
  Trainer a = fresh_trainer(small());
  const std::string file = checkpoint_to_safetensors(a);
  json h = header_of(file);
  const std::string data = data_of(file);
  h.erase("__metadata__");
  // Re-encode ln_1.weight (16 floats) as F64, F16 and BF16 of the value 1.5.
  for (const char* dt : {"F64", "F16", "BF16"}) {
    json h2 = h;
    std::string d2 = data;
    const uint64_t b = h["h.0.ln_1.weight"]["data_offsets"][0], e = h["h.0.ln_1.weight"]["data_offsets"][1];
    std::string enc;
    for (int i = 0; i < 16; i++) {
      if (!std::strcmp(dt, "F64")) {
        const double x = 1.5;
        enc.append(reinterpret_cast<const char*>(&x), 8);
      } else {
        const uint16_t x = !std::strcmp(dt, "F16") ? 0x3e00 : 0x3fc0;  // 1.5 in each
        enc.append(reinterpret_cast<const char*>(&x), 2);
      }
    }
    d2 = data.substr(0, b) + enc + data.substr(e);
    const int64_t shift = int64_t(enc.size()) - int64_t(e - b);
    for (auto it = h2.begin(); it != h2.end(); ++it) {
      json& off = it.value()["data_offsets"];
      if (off[0].get<uint64_t>() > b) off = {off[0].get<int64_t>() + shift, off[1].get<int64_t>() + shift};
    }
    h2["h.0.ln_1.weight"] = {{"dtype", dt}, {"shape", {16}}, {"data_offsets", {b, b + enc.size()}}};
    Trainer t;
    REQUIRE_THROWS_WITH(checkpoint_from_safetensors(t, file_of(h2, d2), nullptr),
                        Catch::Contains("no NoPE Lab config in __metadata__"));
    const Config cfg = small();
    checkpoint_from_safetensors(t, file_of(h2, d2), &cfg);
    CHECK(t.model.params[model_find_tensor(t.model, "h.0.ln_1.weight")->offset + 7] == real(1.5));
    CHECK(t.model.params[model_find_tensor(t.model, "wte")->offset] == a.model.params[a.model.wte - a.model.params.data()]);
  }
  const Config cfg = small();
  Trainer t;
  REQUIRE_THROWS_WITH(checkpoint_from_safetensors(t, file, &cfg), Catch::Contains("has its own config"));
}

TEST_CASE("malformed safetensors give an error and leave the trainer as it was", "[safetensors]") {
  Trainer a = fresh_trainer(small());
  const std::string file = checkpoint_to_safetensors(a);
  const json h = header_of(file);
  const std::string data = data_of(file);
  Trainer keep = fresh_trainer(small("none"));
  trainer_step(keep, 2);
  const RealVec before = keep.model.params;

  auto expect = [&](const std::string& bytes, const std::string& message) {
    INFO(message);
    REQUIRE_THROWS_WITH(checkpoint_from_safetensors(keep, bytes, nullptr), Catch::Contains(message));
    CHECK(keep.model.params == before);
    CHECK(keep.step == 2);
  };
  auto edit = [&](const std::string& name, const json& entry) {
    json h2 = h;
    h2[name] = entry;
    return file_of(h2, data);
  };
  const json ln1 = h["h.0.ln_1.weight"];
  const uint64_t b = ln1["data_offsets"][0];

  expect(file.substr(0, 5), "shorter than the 8-byte header length");
  expect(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10), "exceeds the limit of 1048576 bytes");
  expect(file.substr(0, 100), "truncated: the header says");
  expect(file.substr(0, file.size() - 4), "outside the");
  expect(file + "abcd", "bytes after the last tensor belong to no tensor");
  expect(file_of(json::array(), ""), "the header must be a JSON object");
  std::string broken = file;
  broken[9] = 'x';
  expect(broken, "the header is not a JSON object");
  expect(edit("h.0.ln_1.weight", {{"dtype", "I64"}, {"shape", {2}}, {"data_offsets", {b, b + 16}}}), "has dtype \"I64\"");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {-1}}, {"data_offsets", {b, b + 64}}}), "has a bad shape");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {16}}, {"data_offsets", {b, b + 60}}}),
         "spans 60 bytes, but its shape [16] and dtype F32 need 64");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {4294967296ull, 4294967296ull}}, {"data_offsets", {b, b + 64}}}),
         "need more than the file holds");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {16}}, {"data_offsets", {b, 1ull << 62}}}),
         "outside the");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {16}}, {"data_offsets", {8, 72}}}), "overlap");
  expect(edit("h.0.ln_1.weight", {{"dtype", "F32"}, {"shape", {16}}}), "must be {\"dtype\", \"shape\", \"data_offsets\"}");
  expect(edit("__metadata__", {{"nopelab_step", 3}}), "__metadata__.nopelab_step must be a string");
  expect(edit("__metadata__", {{"nopelab_config", "{\"model\": {\"d_model\": 0}}"}}),
         "bad config in __metadata__: model.d_model = 0 is out of range");
  json meta = h["__metadata__"];
  meta["nopelab_step"] = "-4";
  expect(edit("__metadata__", meta), "nopelab_step = \"-4\" is not an integer");
  {
    json h2 = h;
    h2["extra.weight"] = {{"dtype", "F32"}, {"shape", {0}}, {"data_offsets", {0, 0}}};
    expect(file_of(h2, data), "tensor extra.weight is not a parameter of this configuration");
  }
  {
    json h2 = h;  // a config whose tensors the file lacks
    h2["__metadata__"]["nopelab_config"] = config_to_json(small("learned")).dump();
    h2.erase("wpe.weight");
    const uint64_t wb = h["wpe.weight"]["data_offsets"][0], we = h["wpe.weight"]["data_offsets"][1];
    for (auto it = h2.begin(); it != h2.end(); ++it)
      if (it.key() != "__metadata__" && it.value()["data_offsets"][0].get<uint64_t>() >= we)
        it.value()["data_offsets"] = {it.value()["data_offsets"][0].get<uint64_t>() - (we - wb),
                                      it.value()["data_offsets"][1].get<uint64_t>() - (we - wb)};
    expect(file_of(h2, data.substr(0, wb) + data.substr(we)), "missing tensor wpe.weight");
  }
  {
    json h2 = h;  // the Conv1D matrix in the core's own (out, in) layout
    h2["h.0.mlp.c_fc.weight"]["shape"] = {32, 16};
    expect(file_of(h2, data), "has shape [32,16], expected [16,32] (GPT-2 Conv1D layout: in, out)");
  }
  {
    std::string d2 = data;
    const float nan = NAN;
    std::memcpy(&d2[b + 12], &nan, 4);
    expect(file_of(h, d2), "tensor h.0.ln_1.weight has a non-finite value at index 3");
  }
  {
    const Config other = small("learned", true);  // tied: no lm_head.weight
    json h2 = h;
    h2["__metadata__"]["nopelab_config"] = config_to_json(other).dump();
    expect(file_of(h2, data), "lm_head.weight is not a parameter of this configuration");
  }
}

TEST_CASE("is_safetensors tells the two checkpoint formats apart", "[safetensors]") {
  Trainer a = fresh_trainer(small());
  CHECK(!is_safetensors(checkpoint_to_json(a, false).dump()));
  CHECK(!is_safetensors("{\"format\": {\"a\": 1}}"));
  CHECK(is_safetensors(checkpoint_to_safetensors(a)));
  CHECK(!is_safetensors(std::string("\0\0\0\0\0\0\0\0", 8)));
}
