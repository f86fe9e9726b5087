// The two scalar-coordinate encodings: `normalized` adds t/(T-1)·wnp, with T
// the length of the sequence being run, `index` adds t·wix. The embedding of
// position t is read back from the model's first block input.
#include <catch2/catch.hpp>

#include <vector>

#include "model.h"
#include "small_models.h"

using namespace nope;

namespace {

// Block input at position t of a forward over T tokens of symbol 0, minus
// the token embedding: what the encoding added there.
std::vector<real> code_at(Model& m, int t, int T) {
  std::vector<int> tokens(T, 0);
  model_forward(m, tokens.data(), nullptr, 1, T);
  const real* x = model_site(m, 0, Site::embed) + (size_t)t * m.cfg.d_model;
  std::vector<real> out(m.cfg.d_model);
  for (int c = 0; c < m.cfg.d_model; c++) out[c] = x[c] - m.wte[c];
  return out;
}

Model build(PosEncoding pe) {
  ModelConfig c = model_sizes(8, 2, 1, 16);
  c.pos_encoding = pe;
  Model m;
  model_build(m, c, 4, 40);
  model_init(m, 5);
  return m;
}

}  // namespace

TEST_CASE("index adds t times wix at every length; normalized's code of t depends on T", "[model][encoding]") {
  Model ix = build(PosEncoding::index);
  REQUIRE(model_find_tensor(ix, "wix"));
  CHECK(model_find_tensor(ix, "wix")->shape == std::vector<int>{8});
  for (int T : {10, 20, 40}) {
    const auto code = code_at(ix, 6, T);
    for (int c = 0; c < 8; c++) CHECK(code[c] == Approx(6 * ix.wix[c]).margin(1e-6));
  }
  // Beyond any length: position 39 adds 39·wix, 13 times position 3's code.
  const auto far = code_at(ix, 39, 40);
  for (int c = 0; c < 8; c++) CHECK(far[c] == Approx(39 * ix.wix[c]).margin(1e-5));

  Model nz = build(PosEncoding::normalized);
  // Position 6 of 10 tokens and of 20 tokens: 6/9 and 6/19 of wnp.
  const auto a = code_at(nz, 6, 10), b = code_at(nz, 6, 20);
  for (int c = 0; c < 8; c++) {
    CHECK(a[c] == Approx(6.0 / 9 * nz.wnp[c]).margin(1e-6));
    CHECK(b[c] == Approx(6.0 / 19 * nz.wnp[c]).margin(1e-6));
  }
  // The last token of any prefix gets the full wnp: a model generating token
  // by token sees code 1 at its newest position whatever t is.
  for (int T : {2, 7, 30}) {
    const auto last = code_at(nz, T - 1, T);
    for (int c = 0; c < 8; c++) CHECK(last[c] == Approx(nz.wnp[c]).margin(1e-6));
  }
}
