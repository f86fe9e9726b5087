// Shards of the length-generalisation grid (scripts/reproduce --long), as
// `nopelab sweep` shards a sweep (docs/cluster.md): run r of the grid belongs
// to shard r % N, so N machines need no coordination. A shard writes a part
// file (the grid it belongs to and its runs' per-length accuracies);
// mergeParts checks that the parts are of one grid, that no run is in two of
// them and none is missing, and returns the runs in grid order.

// "I/N" -> {index, count}; an error names the value and the range.
export function parseShard(text) {
  const m = /^(\d+)\/(\d+)$/.exec(text || '');
  if (!m) throw new Error(`--shard: "${text}" is not I/N (e.g. 0/4)`);
  const index = +m[1], count = +m[2];
  if (count < 1 || index >= count) throw new Error(`--shard ${text}: I must be in [0, ${count - 1}] and N >= 1`);
  return { index, count };
}

// The runs of the grid, in a fixed order: seed, task, encoding (so a run cut
// short has every cell of its first seeds).
export function gridRuns(grid) {
  const runs = [];
  for (const seed of grid.seeds) for (const task of grid.tasks) for (const pe of grid.encodings) runs.push({ task, pe, seed });
  return runs;
}

export function shardRuns(grid, shard) {
  return gridRuns(grid).filter((_, r) => r % shard.count === shard.index);
}

const runKey = (r) => `${r.task}/${r.pe}/seed ${r.seed}`;

// parts: [{grid, shard: {index, count}, runs: [{task, pe, seed, ...}]}]
export function mergeParts(parts) {
  if (!parts.length) throw new Error('merge: no part files');
  const grid = JSON.stringify(parts[0].grid), count = parts[0].shard.count;
  const seen = new Map();
  for (const [i, p] of parts.entries()) {
    if (JSON.stringify(p.grid) !== grid) throw new Error(`merge: part ${i} (shard ${p.shard.index}/${p.shard.count}) is of another grid`);
    if (p.shard.count !== count) throw new Error(`merge: part ${i} has ${p.shard.count} shards, part 0 has ${count}`);
    for (const r of p.runs) {
      if (seen.has(runKey(r))) throw new Error(`merge: run ${runKey(r)} is in two parts`);
      seen.set(runKey(r), r);
    }
  }
  const all = gridRuns(parts[0].grid);
  const missing = all.map((r, k) => [r, k]).filter(([r]) => !seen.has(runKey(r)));
  if (missing.length)
    throw new Error(`merge: ${missing.length} run(s) missing, e.g. ${missing.slice(0, 3).map(([r, k]) => `${runKey(r)} (shard ${k % count}/${count})`).join(', ')}`);
  if (seen.size !== all.length) throw new Error(`merge: ${seen.size - all.length} run(s) not in the grid`);
  return all.map((r) => seen.get(runKey(r)));
}
