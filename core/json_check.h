// The one integer check for outside input: a JSON value that must be a whole
// number in [lo, hi]. Config fields, sweep specs, analysis requests, module
// calls (whose numbers arrive as doubles) and CLI options all use it, so 2.5,
// 1e12, NaN or "3" are refused the same way everywhere.
#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace nope {

// v as an int; throws nope::Error "NAME must be an integer, got V" or
// "NAME = V is out of range [LO, HI]".
int json_int(const nlohmann::json& v, const std::string& name, long long lo, long long hi);
// A number from outside JSON (a JS number, a CLI option) as JSON: integral
// values below 2^53 as JSON integers, so messages show 7 rather than 7.0.
nlohmann::json json_number(double x);
// obj[key] through json_int when present, else def.
int json_int_field(const nlohmann::json& obj, const char* key, const std::string& name, int def, long long lo,
                   long long hi);

}  // namespace nope
