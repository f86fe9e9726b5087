// Accessors over one analysis result from the worker: {meta, arrays} where
// arrays are Float32Arrays laid out by meta.site_order / meta.layer_order
// (see docs/worker-protocol.md). Site names come from the core's schema.
import { SCHEMA } from '../dist/schema.js';

export const SITES = SCHEMA.sites;
export const PROBE_FEATURES = SCHEMA.probe_features;
export const SITE_LABELS = Object.fromEntries(SCHEMA.registries.sites.map((s) => [s.name, s.label]));

export class AnalysisData {
  constructor({ meta, arrays }) {
    this.meta = meta;
    this.arrays = arrays;
    this.T = meta.T;
    this.layers = meta.layers.map((l) => l.layer);
    this.index = new Map(meta.site_order.map((s, k) => [`${s.layer}/${s.site}`, k]));
  }

  has(layer, site) { return this.index.has(`${layer}/${site}`); }

  site(layer, site) { return this.meta.layers.find((l) => l.layer === layer)?.sites[site]; }

  slice(name, layer, site, width) {
    const k = this.index.get(`${layer}/${site}`);
    return k === undefined ? null : this.arrays[name].subarray(k * width, (k + 1) * width);
  }

  similarity(layer, site) { return this.slice('similarity', layer, site, this.T * this.T); }
  variance(layer, site) { return this.slice('variance', layer, site, this.T); }
  decay(layer, site) { return this.slice('decay', layer, site, this.T); }
  theory(layer, site) { return this.site(layer, site)?.variance_theory ? this.slice('theory', layer, site, this.T) : null; }

  attention(layer, head) {
    const k = this.meta.layer_order.indexOf(layer);
    const TT = this.T * this.T;
    const H = this.meta.n_heads;
    return k < 0 ? null : this.arrays.attention.subarray((k * H + head) * TT, (k * H + head + 1) * TT);
  }

  probes(filter = {}) {
    return this.meta.probes
      .map((p, k) => ({ ...p, predicted: this.arrays.probe_predicted.subarray(k * this.T, (k + 1) * this.T) }))
      .filter((p) => Object.entries(filter).every(([key, v]) => p[key] === v));
  }
}
