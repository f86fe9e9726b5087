// Lookups shared by the registries (sites.h, encodings.h,
// analysis/probe_features.h, sweep/measures.h): each is a vector of rows
// with a `const char* name`, in the order the enum or the contract gives.
#pragma once
#include <string>
#include <vector>

namespace nope {

// The row called `name`, or nullptr.
template <typename Row>
const Row* registry_find(const std::vector<Row>& rows, const std::string& name) {
  for (const Row& r : rows)
    if (name == r.name) return &r;
  return nullptr;
}

// *out = the `id` of the row called `name`; false when there is none.
template <typename Row, typename Id>
bool registry_parse(const std::vector<Row>& rows, const std::string& name, Id Row::*id, Id* out) {
  const Row* r = registry_find(rows, name);
  if (r) *out = r->*id;
  return r != nullptr;
}

// "a|b|c": the names, for error messages.
template <typename Row>
std::string registry_names(const std::vector<Row>& rows) {
  std::string all;
  for (const Row& r : rows) all += (all.empty() ? "" : "|") + std::string(r.name);
  return all;
}

}  // namespace nope
