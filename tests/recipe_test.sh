#!/usr/bin/env bash
# Pins the copy recipe of configs/copy_nope.json: the same file a new user
# trains, shortened (8 items instead of 16, fewer steps) so that it runs in
# CI, must copy exactly (sequence accuracy >= 0.99 at the trained length) on a
# fixed seed. Also checks that every preset states its headline as data.
#   bash tests/recipe_test.sh path/to/nopelab
set -euo pipefail
N=${1:?usage: recipe_test.sh path/to/nopelab}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$N" train --config configs/copy_nope.json --set task.train_len=8 --set task.test_len=16 \
  --set train.steps=4000 --set train.seed=1 --quiet --out "$tmp/ck.json" >"$tmp/summary.json"
"$N" eval --checkpoint "$tmp/ck.json" --length 8 --examples 1000 >"$tmp/eval.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results[0];
console.log(`copy recipe, short: seq_acc @8 = ${r.seq_acc} on ${r.examples} examples (token_acc ${r.token_acc})`);
if (!(r.length === 8 && r.seq_acc >= 0.99)) { console.error("FAIL: the copy recipe no longer copies exactly at its trained length"); process.exit(1); }
' "$tmp/eval.json"

# Every preset carries an "expect" list that scripts/reproduce can check.
node --input-type=module -e '
import fs from "node:fs";
import { validateExpect } from "./scripts/lib/expect.mjs";
for (const f of fs.readdirSync("presets").filter((f) => f.endsWith(".json")))
  validateExpect(JSON.parse(fs.readFileSync("presets/" + f, "utf8")), f);
console.log("presets: every headline is stated as data");
'
echo "recipe_test: ok"
