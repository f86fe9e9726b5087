#!/usr/bin/env bash
# End-to-end checks of the nopelab CLI: help, one-line errors with non-zero
# exit codes, and a tiny train -> eval -> grad -> analyze round trip.
# Usage: cli_test.sh path/to/nopelab
set -euo pipefail
NOPELAB=$1
source "$(dirname "$0")/lib/checks.sh"

for c in "" train eval analyze grad bench schema export; do
  expect_ok "help $c" "$NOPELAB" $c --help
  grep -q "usage" "$work/out" || fail "help $c prints usage"
done

expect_ok "schema" "$NOPELAB" schema
grep -q '"path": "model.pos_encoding"' "$work/out" || fail "schema lists the config fields"
expect_error "schema takes no options" "unknown option --bogus" "$NOPELAB" schema --bogus 1
expect_error "unknown command" "unknown command" "$NOPELAB" frobnicate
expect_error "unknown option" "unknown option --bogus" "$NOPELAB" train --bogus 1
expect_error "missing config file" "cannot read" "$NOPELAB" train --config "$work/nope.json"
echo '{"model": {"d_modle": 4}}' >"$work/typo.json"
expect_error "unknown field" "model.d_modle: unknown field" "$NOPELAB" train --config "$work/typo.json"
expect_error "out of range" "model.n_layers = 0 is out of range" "$NOPELAB" train --set model.n_layers=0
expect_error "bad enum" "model.pos_encoding = \"abc\" is not one of" "$NOPELAB" train --set model.pos_encoding=abc
expect_error "bad --set" "--set expects path.to.field=value" "$NOPELAB" train --set model.n_layers
echo '{not json' >"$work/bad.json"
expect_error "malformed JSON" "is not valid JSON" "$NOPELAB" train --config "$work/bad.json"
expect_error "malformed checkpoint" "checkpoint: \"format\"" "$NOPELAB" eval --checkpoint "$work/typo.json"
expect_error "analyze with two sources" "applies to a .safetensors checkpoint without a config" "$NOPELAB" analyze --config "$work/typo.json" --checkpoint "$work/typo.json"

S="--set model.d_model=16 --set model.n_heads=2 --set model.n_layers=1 --set model.d_ff=32
   --set task.train_len=4 --set task.test_len=6 --set task.vocab_size=4 --set train.batch_size=8
   --set train.warmup=2"
expect_ok "train" "$NOPELAB" train $S --steps 20 --out "$work/ck.json" --metrics "$work/m.jsonl" --quiet
grep -q '"final_loss"' "$work/out" || fail "train prints a summary"
[ "$(wc -l <"$work/m.jsonl")" -ge 10 ] || fail "train writes metrics"
expect_ok "eval" "$NOPELAB" eval --checkpoint "$work/ck.json" --length 4 --length 6 --examples 16
grep -q '"seq_acc"' "$work/out" || fail "eval prints accuracy"
expect_error "eval length out of range" "--length = 7 is out of range" "$NOPELAB" eval --checkpoint "$work/ck.json" --length 7

echo '{"tokens": [[0,1,2],[3,2,1]], "targets": [[1,2,-1],[-1,0,0]]}' >"$work/tok.json"
expect_ok "grad" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok.json"
grep -q '"h.0.attn.c_attn.weight"' "$work/out" || fail "grad lists gradients by name"
echo '{"tokens": [[0,1,99]], "targets": [[1,2,3]]}' >"$work/tok_bad.json"
expect_error "grad bad token" "expected an integer in" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok_bad.json"

echo '{"tokens": [[0,1],[2]], "targets": [[1,2],[3]]}' >"$work/tok_ragged.json"
expect_error "grad ragged rows" "same length" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok_ragged.json"
echo '{"tokens": [[0,1]], "targets": [[1,2,3]]}' >"$work/tok_shape.json"
expect_error "grad shape mismatch" "same shape" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok_shape.json"
echo '{"tokens": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0]], "targets": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}' >"$work/tok_long.json"
expect_error "grad too long" "exceed the model's maximum 13" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok_long.json"
expect_error "grad needs both" "grad needs --checkpoint CKPT and --tokens F" "$NOPELAB" grad --checkpoint "$work/ck.json"
# safetensors: export, every --checkpoint command reads it, back to JSON is exact.
expect_ok "export safetensors" "$NOPELAB" export --checkpoint "$work/ck.json" --out "$work/ck.safetensors"
expect_ok "eval safetensors" "$NOPELAB" eval --checkpoint "$work/ck.safetensors" --length 4 --examples 16
grep -q '"seq_acc"' "$work/out" || fail "eval reads a safetensors checkpoint"
expect_ok "grad safetensors" "$NOPELAB" grad --checkpoint "$work/ck.safetensors" --tokens "$work/tok.json" --hidden
grep -q '"resid_post"' "$work/out" || fail "grad --hidden lists the sites"
expect_ok "export back to JSON" "$NOPELAB" export --checkpoint "$work/ck.safetensors" --out "$work/ck_back.json"
expect_ok "grad JSON" "$NOPELAB" grad --checkpoint "$work/ck.json" --tokens "$work/tok.json" --hidden
cp "$work/out" "$work/grad_json.out"
expect_ok "grad JSON from safetensors" "$NOPELAB" grad --checkpoint "$work/ck_back.json" --tokens "$work/tok.json" --hidden
cmp -s "$work/out" "$work/grad_json.out" || fail "JSON -> safetensors -> JSON changes the model's output"
expect_error "safetensors with a second config" "has its own config in __metadata__" \
  "$NOPELAB" eval --checkpoint "$work/ck.safetensors" --config "$work/ck.json"
head -c 64 "$work/ck.safetensors" >"$work/short.safetensors"
expect_error "truncated safetensors" "truncated: the header says" "$NOPELAB" eval --checkpoint "$work/short.safetensors"
expect_error "export needs both" "export needs --checkpoint CKPT and --out FILE" "$NOPELAB" export --checkpoint "$work/ck.json"
sed 's/"data":\[[^,]*/"data":[null/' "$work/ck.json" >"$work/ck_null.json"
expect_error "checkpoint with a null weight" "non-finite or non-numeric value" "$NOPELAB" eval --checkpoint "$work/ck_null.json"
expect_ok "eval all lengths" "$NOPELAB" eval --checkpoint "$work/ck.json" --examples 4
[ "$(grep -c '"length"' "$work/out")" -eq 6 ] || fail "eval without --length covers lengths 1..test_len"
expect_ok "train from a checkpointed config" "$NOPELAB" train --config "$work/ck.json" --steps 2 --quiet
expect_ok "bench" "$NOPELAB" bench --steps 1 --json
grep -q '"ms_per_step"' "$work/out" || fail "bench --json prints ms_per_step"

expect_ok "analyze config" "$NOPELAB" analyze $S --batch 8 --length 8 --seeds 2 --out "$work/a.json" --quiet
grep -q '"adjacency_score_ci"' "$work/a.json" || fail "analyze --seeds adds _ci companions"
expect_ok "analyze checkpoint" "$NOPELAB" analyze --checkpoint "$work/ck.json" --batch 8 --out "$work/b.json" --quiet
grep -q '"length_generalisation"' "$work/b.json" || fail "analyze checkpoint reports length generalisation"
grep -q '"input":"task"' "$work/b.json" || fail "analyze checkpoint defaults to the task's own inputs"

# docs/checkpoint.md is enough to reimplement the model: an independent
# plain-Python forward from that page must reproduce nopelab's logits.
if command -v python3 >/dev/null; then
  echo '{"tokens": [[4,0,1,2,5,0,1],[4,3,3,2,5,3,3]], "targets": [[-1,-1,-1,-1,0,1,2],[-1,-1,-1,-1,3,3,2]]}' >"$work/ref.json"
  for v in "pos_encoding=rope model.norm=post" "pos_encoding=alibi model.attention=bidirectional" \
           "pos_encoding=normalized model.tie_embeddings=true model.bias=false" "pos_encoding=sinusoidal model.norm=none" \
           "pos_encoding=learned model.n_layers=2" "pos_encoding=index model.norm=post" \
           "pos_encoding=t5_bias model.t5_buckets=4 model.t5_max_distance=5" \
           "pos_encoding=t5_bias model.attention=bidirectional model.t5_buckets=6 model.t5_max_distance=3"; do
    sets=()
    for a in $v; do sets+=(--set "model.${a#model.}"); done
    expect_ok "train for reference ($v)" "$NOPELAB" train $S --set model.init.std=0.3 --set model.init.embed_std=0.5 \
      "${sets[@]}" --steps 3 --quiet --out "$work/ref_ck.json"
    expect_ok "documented forward matches ($v)" python3 "$(dirname "$0")/checkpoint_reference.py" "$NOPELAB" "$work/ref_ck.json" "$work/ref.json"
  done
fi

# --threads (and NOPELAB_THREADS) only change the speed: the same run with 1
# and 3 threads prints the same losses and writes the same weights.
expect_error "threads out of range" "--threads = 0 is out of range" "$NOPELAB" train $S --threads 0
expect_error "threads not a number" "--threads expects an integer" "$NOPELAB" eval --checkpoint "$work/ck.json" --threads two
expect_error "bad NOPELAB_THREADS" "NOPELAB_THREADS = 'x'" env NOPELAB_THREADS=x "$NOPELAB" train $S --steps 1
T="$S --set task.train_len=12 --set task.test_len=12 --set train.batch_size=16 --set model.d_model=32 --set model.d_ff=128"
for n in 1 3; do
  expect_ok "train --threads $n" "$NOPELAB" train $T --steps 5 --quiet --eval-examples 8 --threads $n --out "$work/ck_t$n.json"
  grep -o '"final_loss":[^,]*' "$work/out" >"$work/loss_t$n"
done
expect_ok "train NOPELAB_THREADS=2" env NOPELAB_THREADS=2 "$NOPELAB" train $T --steps 5 --quiet --eval-examples 8 --out "$work/ck_t2.json"
grep -o '"final_loss":[^,]*' "$work/out" >"$work/loss_t2"
cmp -s "$work/loss_t1" "$work/loss_t3" && cmp -s "$work/loss_t1" "$work/loss_t2" || fail "losses differ across thread counts"
cmp -s "$work/ck_t1.json" "$work/ck_t3.json" && cmp -s "$work/ck_t1.json" "$work/ck_t2.json" || fail "weights differ across thread counts"

summary cli
