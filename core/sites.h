// The sites: where the analysis can look inside a block (docs/science.md).
// One row each in site_rows(); the enum gives the rows their order and
// model_site (model.cpp) maps each to its activation buffer.
// To add a site: an enumerator, a row in sites.cpp, a case in model_site.
#pragma once
#include <string>
#include <vector>

namespace nope {

enum class Site { embed, norm1, attn_out, resid_mid, mlp_out, resid_post };

struct SiteRow {
  Site site;
  const char* name;   // in JSON, the CLI and URLs
  const char* label;  // for people (the page, docs)
  const char* doc;    // one line: which buffer
};

// Every site, in enum order.
const std::vector<SiteRow>& site_rows();
constexpr int kNumSites = 6;

const char* to_string(Site s);
bool site_from_string(const std::string& s, Site* out);
// "embed|norm1|..." for error messages.
std::string site_names_joined();

}  // namespace nope
