// The CLI's `--axis path=v1,v2,...` argument (also path=range(a,b,n) and
// path=logrange(a,b,n)), parsed into one spec axis {"path", "values"}; in the
// core so it is unit-tested and fuzzed (fuzz/fuzz_sweep_spec.cpp).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace nope {

// Throws nope::Error naming the axis and the offending part. The values are
// checked against the config later, by sweep_spec_from_json.
nlohmann::json sweep_axis_from_arg(const std::string& text);

}  // namespace nope
