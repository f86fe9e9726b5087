// The config schema the core exports (`nopelab schema`, the module's
// schema()): every field with its type, default, range, enum values and a
// one-line doc, and the registries' rows, so the web app's controls, the
// sweep form and docs/config.md are derived from (or checked against) the
// core rather than copied from it.
#pragma once
#include <nlohmann/json_fwd.hpp>

namespace nope {

// {"version": 1, "fields": [{path, type, default, min, max, min_open, values,
// doc}...], "sites": [name], "probe_features": [name], "registries": {...},
// "limits": {...}}; min/max only for int and number, values only for enums.
// Field order is the parser's.
nlohmann::json config_schema_json();

// The registries as rows of data, each list in its table's order:
//   measures         sweep measures          core/sweep/measures.h
//                    {name, label, needs_training, needs_analysis,
//                     probe_features, default, baseline, baseline_label}
//   sites            analysis sites          core/sites.h       {name, label, doc}
//   probe_features   probe feature sets      core/analysis/probe_features.h {name, label, doc}
//   analysis_arrays  the analysis wire's arrays  core/analysis/wire.h {name, layout}
//   pos_encodings    positional encodings    core/encodings.h   {name, label, doc, variance_theory}
// Where to add a measure, site, feature set, array or encoding: the header
// named beside it says (a row plus its function).
nlohmann::json registries_json();

}  // namespace nope
