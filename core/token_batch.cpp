// Reads and checks the `nopelab grad` token batch (see token_batch.h).
#include "token_batch.h"

#include <string>

#include <nlohmann/json.hpp>

#include "config.h"
#include "error.h"

namespace nope {

static std::vector<int> read_rows(const nlohmann::json& j, const char* key, int* B, int* T, long lo, long hi) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_array() || j[key].empty())
    throw Error(std::string("tokens file: \"") + key + "\" must be a non-empty array of rows");
  const nlohmann::json& rows = j[key];
  if (rows.size() > (size_t)Limits::max_batch)
    throw Error("tokens file: " + std::to_string(rows.size()) + " rows exceed the limit of " +
                std::to_string(Limits::max_batch));
  *B = (int)rows.size();
  *T = rows[0].is_array() ? (int)rows[0].size() : 0;
  std::vector<int> out;
  for (int b = 0; b < *B; b++) {
    if (!rows[b].is_array() || (int)rows[b].size() != *T || *T == 0)
      throw Error(std::string("tokens file: every row of \"") + key + "\" must be a non-empty array of the same length");
    for (const auto& v : rows[b]) {
      // is_number_integer covers both signed and unsigned JSON integers;
      // compare as double so 2^64 - 1 cannot wrap into range.
      if (!v.is_number_integer() || v.get<double>() < lo || v.get<double>() > hi)
        throw Error(std::string("tokens file: \"") + key + "\" has " + json_show(v) + ", expected an integer in [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
      out.push_back(v.get<int>());
    }
  }
  return out;
}

TokenBatch token_batch_from_json(const nlohmann::json& j, int V, int maxT) {
  if (!j.is_object()) throw Error("tokens file: must be a JSON object with \"tokens\" and \"targets\"");
  TokenBatch b;
  int B2 = 0, T2 = 0;
  b.tokens = read_rows(j, "tokens", &b.B, &b.T, 0, V - 1);
  b.targets = read_rows(j, "targets", &B2, &T2, -1, V - 1);
  if (b.B != B2 || b.T != T2) throw Error("tokens file: \"tokens\" and \"targets\" must have the same shape");
  if (b.T > maxT)
    throw Error("tokens file: rows of length " + std::to_string(b.T) + " exceed the model's maximum " +
                std::to_string(maxT));
  return b;
}

}  // namespace nope
