#!/usr/bin/env bash
# The cluster recipes of docs/cluster.md, run on this machine on a small
# sweep: the Slurm array script with the variables Slurm sets, the Kubernetes
# Indexed Job's container command with JOB_COMPLETION_INDEX, and the GNU
# parallel recipe (skipped without parallel). Each merge must equal the
# unsharded sweep apart from timings.
# Usage: cluster_recipes_test.sh path/to/nopelab
set -euo pipefail
NOPELAB=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib/checks.sh"

cat >"$work/spec.json" <<'JSON'
{"base": {"model": {"d_model": 16, "n_heads": 2, "n_layers": 1, "d_ff": 32},
          "task": {"name": "copy", "train_len": 4, "test_len": 6, "vocab_size": 8}, "train": {"steps": 0, "warmup": 0}},
 "axes": [{"path": "model.init.std", "values": [0.02, 0.1, 0.5]}], "seeds": 5}
JSON
cd "$work"
"$NOPELAB" sweep --spec spec.json --quiet --out whole.json

# Slurm: array 0-3 (N = 4), as sbatch would set the variables.
for i in 0 1 2 3; do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=0 SLURM_CPUS_PER_TASK=1 NOPELAB=$NOPELAB \
    bash "$root/scripts/cluster/slurm_sweep.sbatch" spec.json slurm_parts
done
"$NOPELAB" sweep merge slurm_parts/part_*.json --out slurm.json && same_result "slurm array" whole.json slurm.json
# An array starting at 1 (--array=1-4) gives the same shards.
for i in 1 2 3 4; do
  SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=4 SLURM_ARRAY_TASK_MIN=1 NOPELAB=$NOPELAB \
    bash "$root/scripts/cluster/slurm_sweep.sbatch" spec.json slurm1_parts
done
"$NOPELAB" sweep merge slurm1_parts/part_*.json --out slurm1.json && same_result "slurm array 1-4" whole.json slurm1.json

# Kubernetes: the container command of the Indexed Job, SHARDS and the
# completion indices as the Job sets them; /spec and /results mapped here.
if python3 -c 'import yaml' 2>/dev/null; then
  python3 - "$root/scripts/cluster/k8s_sweep_job.yaml" >k8s.env <<'PY'
import sys, yaml, shlex
job = yaml.safe_load(open(sys.argv[1]))
spec = job["spec"]
c = spec["template"]["spec"]["containers"][0]
shards = next(e["value"] for e in c["env"] if e["name"] == "SHARDS")
assert spec["completionMode"] == "Indexed" and int(shards) == spec["completions"], "SHARDS must equal completions"
print(f"COMPLETIONS={spec['completions']}")
print(f"SHARDS={shards}")
print(f"CMD={shlex.quote(c['args'][0])}")
PY
  . ./k8s.env
  mkdir -p bin results && ln -sf "$NOPELAB" bin/nopelab
  cmd=${CMD//\/spec\/spec.json/spec.json}
  cmd=${cmd//\/results\//results\/}
  for ((k = 0; k < COMPLETIONS; k++)); do JOB_COMPLETION_INDEX=$k SHARDS=$SHARDS PATH="$work/bin:$PATH" sh -c "$cmd"; done
  "$NOPELAB" sweep merge results/part_*.json --out k8s.json && same_result "k8s indexed job" whole.json k8s.json
else
  echo "skip: python3 yaml not available for the k8s manifest"
fi

# GNU parallel, as in docs/cluster.md.
if command -v parallel >/dev/null; then
  N=5
  mkdir -p parts
  seq 0 $((N - 1)) | parallel -j 2 --retries 2 \
    "$NOPELAB" sweep --spec spec.json --shard {}/$N --jobs 1 --resume --out parts/part_{}.json --quiet
  "$NOPELAB" sweep merge parts/part_*.json --out parallel.json && same_result "gnu parallel" whole.json parallel.json
else
  echo "skip: GNU parallel not installed"
fi

summary "cluster recipes"
