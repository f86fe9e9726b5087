#include "safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"

namespace nope {

using json = nlohmann::json;

SafetensorsName safetensors_name(const ParamTensor& p) {
  // wte, wpe and wnp are bare in the core; every other name already ends in
  // .weight or .bias. Block matrices (h.*, 2-D) are GPT-2's Conv1D weights.
  if (p.name.find('.') == std::string::npos) return {p.name + ".weight", false};
  return {p.name, p.shape.size() == 2 && p.name.rfind("h.", 0) == 0};
}

bool is_safetensors(const std::string& b) { return b.size() >= 9 && b[7] == '\0' && b[8] == '{'; }

// ---------------------------------------------------------------- writing

static void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; i++) out.push_back(char((v >> (8 * i)) & 0xff));
}

static void put_f32(std::string& out, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  for (int i = 0; i < 4; i++) out.push_back(char((u >> (8 * i)) & 0xff));
}

std::string checkpoint_to_safetensors(const Trainer& tr) {
  const Model& m = tr.model;
  json header = json::object();
  header["__metadata__"] = {{"format", "pt"},
                            {kSafetensorsConfigKey, config_to_json(tr.cfg).dump()},
                            {kSafetensorsStepKey, std::to_string(tr.step)}};
  std::string data;
  data.reserve(m.params.size() * 4);
  for (const ParamTensor& p : m.tensors) {
    const SafetensorsName st = safetensors_name(p);
    const size_t begin = data.size();
    const real* w = m.params.data() + p.offset;
    if (st.transposed) {
      const int rows = p.shape[0], cols = p.shape[1];
      for (int c = 0; c < cols; c++)
        for (int r = 0; r < rows; r++) put_f32(data, float(w[(size_t)r * cols + c]));
    } else {
      for (size_t i = 0; i < p.size; i++) put_f32(data, float(w[i]));
    }
    std::vector<int> shape = p.shape;
    if (st.transposed) std::swap(shape[0], shape[1]);
    header[st.name] = {{"dtype", "F32"}, {"shape", shape}, {"data_offsets", {begin, data.size()}}};
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // data starts 8-byte aligned
  std::string out;
  out.reserve(8 + text.size() + data.size());
  put_u64(out, text.size());
  out += text;
  out += data;
  return out;
}

// ---------------------------------------------------------------- reading

namespace {

enum class DType { f32, f64, f16, bf16 };

struct Entry {
  DType dtype;
  std::vector<uint64_t> shape;
  uint64_t begin = 0, end = 0;
};

[[noreturn]] void fail(const std::string& what) { throw Error("safetensors: " + what); }

size_t dtype_bytes(DType d) {
  switch (d) {
    case DType::f32: return 4;
    case DType::f64: return 8;
    case DType::f16:
    case DType::bf16: return 2;
  }
  return 4;
}

uint64_t get_le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

float half_to_float(uint16_t h) {
  const int sign = h >> 15, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  float v;
  if (exp == 0) v = std::ldexp(float(frac), -24);  // zero and subnormals
  else if (exp == 31) v = frac ? NAN : INFINITY;
  else v = std::ldexp(float(frac | 0x400), exp - 25);
  return sign ? -v : v;
}

double element(const unsigned char* p, DType d) {
  switch (d) {
    case DType::f32: {
      const uint32_t u = uint32_t(get_le(p, 4));
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
    case DType::f64: {
      const uint64_t u = get_le(p, 8);
      double x;
      std::memcpy(&x, &u, 8);
      return x;
    }
    case DType::f16: return half_to_float(uint16_t(get_le(p, 2)));
    case DType::bf16: {
      const uint32_t u = uint32_t(get_le(p, 2)) << 16;
      float f;
      std::memcpy(&f, &u, 4);
      return f;
    }
  }
  return 0;
}

Entry parse_entry(const std::string& name, const json& e, uint64_t data_size) {
  if (!e.is_object() || e.size() != 3 || !e.contains("dtype") || !e.contains("shape") || !e.contains("data_offsets"))
    fail("tensor " + name + " must be {\"dtype\", \"shape\", \"data_offsets\"}");
  Entry out{};
  const json& dt = e["dtype"];
  static const std::map<std::string, DType> kDTypes{
      {"F32", DType::f32}, {"F64", DType::f64}, {"F16", DType::f16}, {"BF16", DType::bf16}};
  const auto it = dt.is_string() ? kDTypes.find(dt.get<std::string>()) : kDTypes.end();
  if (it == kDTypes.end())
    fail("tensor " + name + " has dtype " + json_show(dt) + "; NoPE Lab reads F32, F16, BF16 and F64");
  out.dtype = it->second;
  const json& shape = e["shape"];
  if (!shape.is_array() || shape.size() > 8) fail("tensor " + name + " has a bad shape " + json_show(shape));
  // Elements, capped as they multiply: any count above the data size is
  // already wrong, so the product never overflows.
  uint64_t count = 1;
  for (const json& d : shape) {
    if (!d.is_number_unsigned()) fail("tensor " + name + " has a bad shape " + json_show(shape));
    const uint64_t n = d.get<uint64_t>();
    out.shape.push_back(n);
    count = (n == 0 || count == 0) ? 0 : (n > data_size || count > data_size / n) ? data_size + 1 : count * n;
  }
  const json& off = e["data_offsets"];
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    fail("tensor " + name + " has bad data_offsets " + json_show(off) + " (two integers expected)");
  out.begin = off[0].get<uint64_t>();
  out.end = off[1].get<uint64_t>();
  if (out.begin > out.end || out.end > data_size)
    fail("tensor " + name + " has data_offsets [" + std::to_string(out.begin) + ", " + std::to_string(out.end) +
         "] outside the " + std::to_string(data_size) + " bytes of data");
  if (count > data_size || out.end - out.begin != count * dtype_bytes(out.dtype))
    fail("tensor " + name + " spans " + std::to_string(out.end - out.begin) + " bytes, but its shape " +
         json_show(shape) + " and dtype " + dt.get<std::string>() + " need " +
         (count > data_size ? std::string("more than the file holds") : std::to_string(count * dtype_bytes(out.dtype))));
  return out;
}

// The byte ranges must tile the data exactly: no overlap, no hole, nothing
// after the last tensor (the safetensors rule).
void check_tiling(const std::map<std::string, Entry>& entries, uint64_t data_size) {
  std::vector<std::pair<const Entry*, const std::string*>> order;
  for (const auto& [name, e] : entries) order.push_back({&e, &name});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first->begin != b.first->begin ? a.first->begin < b.first->begin : a.first->end < b.first->end;
  });
  uint64_t at = 0;
  const std::string* prev = nullptr;
  for (const auto& [e, name] : order) {
    if (e->begin < at) fail("tensors " + *prev + " and " + *name + " overlap");
    if (e->begin > at) fail("bytes " + std::to_string(at) + ".." + std::to_string(e->begin) + " belong to no tensor");
    at = e->end;
    prev = name;
  }
  if (at != data_size)
    fail(std::to_string(data_size - at) + " bytes after the last tensor belong to no tensor");
}

Config config_of(const json& meta, const Config* given) {
  if (meta.contains(kSafetensorsConfigKey)) {
    if (given) fail(std::string("the file has its own config in __metadata__.") + kSafetensorsConfigKey + "; drop --config");
    const json j = json::parse(meta[kSafetensorsConfigKey].get<std::string>(), nullptr, false);
    if (j.is_discarded()) fail(std::string("__metadata__.") + kSafetensorsConfigKey + " is not valid JSON");
    try {
      return config_load(j);
    } catch (const Error& e) {
      fail(std::string("bad config in __metadata__: ") + e.what());
    }
  }
  if (!given) fail(std::string("no NoPE Lab config in __metadata__.") + kSafetensorsConfigKey + "; pass one (--config F)");
  return *given;
}

int step_of(const json& meta) {
  if (!meta.contains(kSafetensorsStepKey)) return 0;
  const std::string s = meta[kSafetensorsStepKey].get<std::string>();
  const bool digits = !s.empty() && s.size() <= 7 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stol(s) > Limits::max_steps)
    fail(std::string("__metadata__.") + kSafetensorsStepKey + " = " + json(s).dump() + " is not an integer in [0, " +
         std::to_string(Limits::max_steps) + "]");
  return int(std::stol(s));
}

}  // namespace

void checkpoint_from_safetensors(Trainer& out, const std::string& bytes, const Config* config) {
  const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 8)
    fail("file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length");
  const uint64_t n = get_le(raw, 8);
  if (n > kSafetensorsMaxHeader)
    fail("header length " + std::to_string(n) + " exceeds the limit of " + std::to_string(kSafetensorsMaxHeader) + " bytes");
  if (n > bytes.size() - 8)
    fail("truncated: the header says " + std::to_string(n) + " bytes but only " + std::to_string(bytes.size() - 8) +
         " follow");
  if (n < 2 || raw[8] != '{') fail("the header must be a JSON object starting with '{'");
  const json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + n, nullptr, false);
  if (header.is_discarded() || !header.is_object()) fail("the header is not a JSON object");
  const uint64_t data_size = bytes.size() - 8 - n;
  const unsigned char* data = raw + 8 + n;

  json meta = json::object();
  std::map<std::string, Entry> entries;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      meta = it.value();
      if (!meta.is_object()) fail("__metadata__ must be an object of strings");
      for (auto m = meta.begin(); m != meta.end(); ++m)
        if (!m.value().is_string()) fail("__metadata__." + m.key() + " must be a string, got " + json_show(m.value()));
    } else {
      entries[it.key()] = parse_entry(it.key(), it.value(), data_size);
    }
  }
  check_tiling(entries, data_size);
  const Config cfg = config_of(meta, config);
  const int step = step_of(meta);

  // Build into a fresh trainer; only a fully valid file replaces `out`.
  Trainer tr;
  trainer_init(tr, cfg);
  std::map<std::string, const ParamTensor*> expected;
  for (const ParamTensor& p : tr.model.tensors) expected[safetensors_name(p).name] = &p;
  for (const auto& [name, e] : entries)
    if (!expected.count(name)) fail("tensor " + name + " is not a parameter of this configuration");
  for (const auto& [name, p] : expected) {
    const auto it = entries.find(name);
    if (it == entries.end()) fail("missing tensor " + name);
    const Entry& e = it->second;
    const bool transposed = safetensors_name(*p).transposed;
    std::vector<uint64_t> want(p->shape.begin(), p->shape.end());
    if (transposed) std::swap(want[0], want[1]);
    if (e.shape != want)
      fail("tensor " + name + " has shape " + json(e.shape).dump() + ", expected " + json(want).dump() +
           (transposed ? " (GPT-2 Conv1D layout: in, out)" : ""));
    const size_t esize = dtype_bytes(e.dtype);
    const size_t cols = p->shape.size() == 2 ? size_t(p->shape[1]) : p->size;
    for (size_t i = 0; i < p->size; i++) {
      const real v = real(element(data + e.begin + i * esize, e.dtype));
      if (!std::isfinite(float(v)))
        fail("tensor " + name + " has a non-finite value at index " + std::to_string(i));
      // Element i of the file is (row i / width, column i % width) of the
      // stored shape; a transposed tensor's stored row is the core's column.
      const size_t dst = transposed ? (i % size_t(want[1])) * cols + i / size_t(want[1]) : i;
      tr.model.params[p->offset + dst] = v;
    }
  }
  tr.step = step;
  // As checkpoint_from_json: the data stream is keyed by seed and step.
  tr.data_rng = rng_stream(cfg.train.seed + (uint64_t)step * 0x9e3779b97f4a7c15ull, kStreamTrainData);
  out = std::move(tr);
}

}  // namespace nope
