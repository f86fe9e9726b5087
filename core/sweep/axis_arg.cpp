// `--axis` argument parsing: lists of --set-style values and range()/logrange().
#include "sweep/axis_arg.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "error.h"

namespace nope {

using json = nlohmann::json;

// One axis value as --set reads it: JSON when it parses, else a string.
static json axis_value(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;
  }
}

// Rounded to 12 significant digits (so logrange(0.01,0.1,3) ends at 0.1, not
// 0.09999999999999999), and an integer when it is one (so a range over
// d_model gives 32, 64, not 32.0).
static json tidy_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12g", x);
  const double y = std::strtod(buf, nullptr);
  if (y == std::floor(y) && std::fabs(y) < 1e15) return (long long)y;
  return y;
}

static std::vector<json> generated_values(const std::string& fn, const std::string& args, const std::string& axis) {
  std::vector<double> a;
  std::stringstream ss(args);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    const bool converted = end != item.c_str();  // "" and " " are not 0
    while (end && *end == ' ') end++;
    if (!converted || *end || !std::isfinite(v)) throw Error("--axis " + axis + ": " + fn + "(a,b,n) needs finite numbers, got '" + item + "'");
    a.push_back(v);
  }
  if (a.size() != 3 || a[2] != std::floor(a[2]) || a[2] < 1 || a[2] > 10000)
    throw Error("--axis " + axis + ": expected " + fn + "(a,b,n) with an integer count n in [1, 10000]");
  const int n = (int)a[2];
  if (fn == "logrange" && (a[0] <= 0 || a[1] <= 0))
    throw Error("--axis " + axis + ": logrange(a,b,n) needs a > 0 and b > 0");
  std::vector<json> out;
  for (int i = 0; i < n; i++) {
    const double f = n == 1 ? 0.0 : double(i) / (n - 1);
    const double x = fn == "range" ? a[0] + (a[1] - a[0]) * f : a[0] * std::pow(a[1] / a[0], f);
    // Finite ends can still overflow (range(-1e308,1e308,3)); JSON has no
    // inf or nan (they would dump as null).
    if (!std::isfinite(x))
      throw Error("--axis " + axis + ": " + fn + "(a,b,n) overflows the range of a double");
    out.push_back(tidy_number(x));
  }
  return out;
}

// "path=v1,v2,..." | "path=range(a,b,n)" | "path=logrange(a,b,n)".
json sweep_axis_from_arg(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--axis expects path=v1,v2,... (or path=range(a,b,n)), got '" + text + "'");
  const std::string path = text.substr(0, eq), rhs = text.substr(eq + 1);
  std::vector<json> values;
  for (const std::string fn : {"range", "logrange"})
    if (rhs.rfind(fn + "(", 0) == 0 && rhs.back() == ')')
      values = generated_values(fn, rhs.substr(fn.size() + 1, rhs.size() - fn.size() - 2), path);
  if (values.empty()) {
    size_t start = 0;
    for (;;) {
      const size_t comma = rhs.find(',', start);
      const std::string item = rhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (item.empty()) throw Error("--axis " + path + ": empty value in '" + rhs + "'");
      values.push_back(axis_value(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return json{{"path", path}, {"values", values}};
}

}  // namespace nope
