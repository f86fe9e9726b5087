// The registries (core/schema.h lists them): every enumerator has exactly one
// row, rows are in enumerator order (the parsers index by position), names
// are unique, the cross-references between tables resolve, and the schema
// exports every row.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/probe_features.h"
#include "analysis/wire.h"
#include "config.h"
#include "encodings.h"
#include "schema.h"
#include "sites.h"
#include "sweep/measures.h"

using namespace nope;
using json = nlohmann::json;

template <typename Rows>
static void check_names(const Rows& rows) {
  std::set<std::string> names;
  for (const auto& r : rows) {
    CHECK(std::string(r.name).size() > 0);
    CHECK(names.insert(r.name).second);
  }
}

TEST_CASE("registries: one row per enumerator, in enumerator order") {
  REQUIRE(site_rows().size() == (size_t)kNumSites);
  for (size_t i = 0; i < site_rows().size(); i++) CHECK(site_rows()[i].site == Site(i));
  REQUIRE(probe_feature_rows().size() == (size_t)kNumProbeFeatures);
  for (size_t i = 0; i < probe_feature_rows().size(); i++) CHECK(probe_feature_rows()[i].id == ProbeFeatures(i));
  for (size_t i = 0; i < pos_encoding_rows().size(); i++) CHECK(pos_encoding_rows()[i].id == PosEncoding(i));
  check_names(site_rows());
  check_names(probe_feature_rows());
  check_names(pos_encoding_rows());
  check_names(sweep_measure_rows());
  check_names(kAnalysisArrays);
}

TEST_CASE("registries: names round-trip through the parsers") {
  for (const SiteRow& r : site_rows()) {
    Site s;
    REQUIRE(site_from_string(r.name, &s));
    CHECK(s == r.site);
    CHECK(std::string(to_string(s)) == r.name);
  }
  for (const ProbeFeatureRow& r : probe_feature_rows()) {
    ProbeFeatures f;
    REQUIRE(probe_features_from_string(r.name, &f));
    CHECK(f == r.id);
    CHECK(r.width(40, 16) > 0);
  }
  for (const PosEncodingRow& r : pos_encoding_rows()) {
    const Config c = config_from_json(json{{"model", {{"pos_encoding", r.name}}}});
    CHECK(c.model.pos_encoding == r.id);
  }
  Site s;
  CHECK_FALSE(site_from_string("nowhere", &s));
}

TEST_CASE("registries: a measure's references resolve") {
  for (const SweepMeasure& m : sweep_measure_rows()) {
    INFO(m.name);
    CHECK(m.value != nullptr);
    CHECK((m.baseline == nullptr) == (m.baseline_value == nullptr));
    CHECK((m.baseline == nullptr) == (m.baseline_label == nullptr));
    if (m.probe_features) {
      ProbeFeatures f;
      CHECK(probe_features_from_string(m.probe_features, &f));
      CHECK(m.needs_analysis);
    }
    CHECK(sweep_measure(m.name) == &m);
  }
  CHECK(sweep_measure("nope") == nullptr);
}

TEST_CASE("registries: the schema exports every row") {
  const json s = config_schema_json();
  const json& r = s["registries"];
  CHECK(r["measures"].size() == sweep_measure_rows().size());
  CHECK(r["sites"].size() == site_rows().size());
  CHECK(r["probe_features"].size() == probe_feature_rows().size());
  CHECK(r["analysis_arrays"].size() == kAnalysisArrays.size());
  CHECK(r["pos_encodings"].size() == pos_encoding_rows().size());
  for (size_t i = 0; i < site_rows().size(); i++) CHECK(s["sites"][i] == site_rows()[i].name);
  for (const json& f : s["fields"])
    if (f["path"] == "model.pos_encoding") CHECK(f["values"].size() == pos_encoding_rows().size());
}
