#include "sites.h"

#include "registry.h"

namespace nope {

const std::vector<SiteRow>& site_rows() {
  static const std::vector<SiteRow> rows = {
      {Site::embed, "embed", "block input (residual stream)", "residual stream entering the block (for layer 0 the embeddings)"},
      {Site::norm1, "norm1", "normed input to attention", "input to attention: normed in pre-norm, raw otherwise"},
      {Site::attn_out, "attn_out", "attention output", "attention output after c_proj, before the residual add"},
      {Site::resid_mid, "resid_mid", "residual after attention", "residual stream after the attention sub-block"},
      {Site::mlp_out, "mlp_out", "MLP output", "MLP output after c_proj, before the residual add"},
      {Site::resid_post, "resid_post", "block output", "residual stream leaving the block"},
  };
  return rows;
}

const char* to_string(Site s) { return site_rows().at((size_t)s).name; }  // rows in enum order (tested)

bool site_from_string(const std::string& s, Site* out) { return registry_parse(site_rows(), s, &SiteRow::site, out); }

std::string site_names_joined() { return registry_names(site_rows()); }

}  // namespace nope
