#include "json_check.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "config.h"
#include "error.h"

namespace nope {

int json_int(const nlohmann::json& v, const std::string& name, long long lo, long long hi) {
  const double d = v.is_number() ? v.get<double>() : NAN;
  if (!std::isfinite(d) || d != std::floor(d)) throw Error(name + " must be an integer, got " + json_show(v));
  if (d < (double)lo || d > (double)hi)
    throw Error(name + " = " + json_show(v) + " is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "]");
  return (int)d;
}

nlohmann::json json_number(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) <= 9007199254740992.0) return (long long)x;
  return x;
}

int json_int_field(const nlohmann::json& obj, const char* key, const std::string& name, int def, long long lo,
                   long long hi) {
  return obj.contains(key) ? json_int(obj[key], name, lo, hi) : def;
}

}  // namespace nope
