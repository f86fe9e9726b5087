"""python/nopelab_torch.py against the native core (ctest torch_interop).

For seven architectures covering every positional encoding, causal and
bidirectional attention, pre/post/no norm, tied and untied heads and biases
on and off: a model trained a few steps by `nopelab train`, exported with
`nopelab export`, loaded in PyTorch from the safetensors file and from the
JSON checkpoint, gives the logits and every site's hidden states of
`nopelab grad --hidden` to <= 1e-5 relative (max |torch - native| over the
tensor / max |native|). Then the round trip: PyTorch writes the weights
(its own writer, and after PyTorch training steps), `nopelab analyze` reads
them and reports the same adjacency scores as the native run on the JSON
checkpoint (also for a file without NoPE Lab metadata, given --config), and `nopelab export` back to JSON holds PyTorch's exact bits.

Usage: /usr/bin/python3 tests/torch_interop_test.py NOPELAB   (needs torch)
"""
import json
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import nopelab_torch as nt  # noqa: E402

NOPELAB = sys.argv[1]
TOL = 1e-5
BASE = ["--set", "model.d_model=16", "--set", "model.n_heads=2", "--set", "model.d_ff=32",
        "--set", "task.train_len=4", "--set", "task.test_len=6", "--set", "task.vocab_size=4",
        "--set", "train.batch_size=8", "--set", "train.warmup=2",
        # Larger weights than the default init, so every site is far from zero.
        "--set", "model.init.std=0.3", "--set", "model.init.embed_std=0.5"]
ARCHS = [  # pos_encoding, attention, norm, tie_embeddings, bias, n_layers
    ("learned", "causal", "pre", False, True, 2),
    ("none", "causal", "pre", True, False, 2),
    ("rope", "causal", "post", False, True, 1),
    ("alibi", "bidirectional", "pre", False, False, 2),
    ("normalized", "causal", "none", True, True, 1),
    ("sinusoidal", "bidirectional", "post", True, False, 1),
    ("none", "bidirectional", "none", False, True, 2),
]
TOKENS = {"tokens": [[4, 0, 1, 2, 5, 0, 1, 2, 3], [4, 3, 3, 2, 5, 3, 3, 2, 0]],
          "targets": [[-1, -1, -1, -1, 0, 1, 2, 3, -1], [-1, -1, -1, -1, 3, 3, 2, 0, -1]]}
failures = []


def run(*args):
    return subprocess.run([NOPELAB, *args], check=True, capture_output=True, text=True).stdout


def rel(a, ref):
    return ((a - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()


def check(what, err):
    print(f"  {what:<34} max rel diff {err:.2e}")
    if not err <= TOL:
        failures.append(f"{what}: {err:.2e} > {TOL:.0e}")


def compare(model, native, label):
    tok = torch.tensor(TOKENS["tokens"])
    with torch.no_grad():
        out = model(tok, torch.tensor(TOKENS["targets"]), output_hidden_states=True)
    check(f"{label} logits", rel(out.logits, torch.tensor(native["logits"]).reshape(out.logits.shape)))
    check(f"{label} loss", abs(out.loss.item() - native["loss"]) / abs(native["loss"]))
    worst = 0.0
    for layer, sites in enumerate(native["hidden_states"]):
        assert set(sites) == set(nt.SITES) == set(out.hidden_states[layer])
        for site, values in sites.items():
            mine = out.hidden_states[layer][site]
            worst = max(worst, rel(mine, torch.tensor(values).reshape(mine.shape)))
    check(f"{label} hidden states (all sites)", worst)


with tempfile.TemporaryDirectory() as work:
    tok_path = os.path.join(work, "tok.json")
    with open(tok_path, "w") as f:
        json.dump(TOKENS, f)
    for pe, att, norm, tied, bias, layers in ARCHS:
        name = f"{pe}/{att}/{norm}-norm/{'tied' if tied else 'untied'}/{'bias' if bias else 'no-bias'}/L{layers}"
        print(name)
        ck, st = os.path.join(work, "ck.json"), os.path.join(work, "m.safetensors")
        run("train", *BASE, "--set", f"model.pos_encoding={pe}", "--set", f"model.attention={att}",
            "--set", f"model.norm={norm}", "--set", f"model.tie_embeddings={str(tied).lower()}",
            "--set", f"model.bias={str(bias).lower()}", "--set", f"model.n_layers={layers}",
            "--steps", "3", "--quiet", "--out", ck)
        run("export", "--checkpoint", ck, "--out", st)
        native = json.loads(run("grad", "--checkpoint", ck, "--tokens", tok_path, "--hidden"))
        from_st, from_json = nt.load(st), nt.load(ck)
        assert from_st.step == from_json.step == 3
        for (k1, a), (k2, b) in zip(from_st.state_dict().items(), from_json.state_dict().items()):
            assert k1 == k2 and torch.equal(a, b), f"{name}: {k1} differs between safetensors and JSON"
        compare(from_st, native, "safetensors")

    # Round trip: the last architecture's checkpoint analysed natively, then
    # the same weights written by PyTorch; then PyTorch-trained weights.
    print("round trip PyTorch -> safetensors -> nopelab analyze")
    args = ["--batch", "16", "--length", "6", "--no-probes", "--quiet"]
    native = json.loads(run("analyze", "--checkpoint", ck, *args))
    pt_file = os.path.join(work, "torch.safetensors")
    model = nt.load(ck)
    nt.save(model, pt_file)
    via_torch = json.loads(run("analyze", "--checkpoint", pt_file, *args))
    scores = lambda j: [(l["layer"], s, v["adjacency_score"]) for l in j["layers"] for s, v in sorted(l["sites"].items())]
    if scores(native) != scores(via_torch):
        failures.append("adjacency scores differ between the native run and the PyTorch-written file")
    print(f"  {len(scores(native))} adjacency scores identical: {scores(native) == scores(via_torch)}")

    # A foreign file (no NoPE Lab metadata) takes its config from --config.
    foreign = os.path.join(work, "foreign.safetensors")
    nt.write_safetensors(foreign, model.state_dict(), {"format": "pt"})
    with_config = json.loads(run("analyze", "--checkpoint", foreign, "--config", ck, *args))
    if scores(with_config) != scores(native):
        failures.append("a safetensors file without metadata, given --config, analyses differently")
    print(f"  file without metadata + --config: same scores: {scores(with_config) == scores(native)}")

    torch.manual_seed(0)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    tok, tgt = torch.tensor(TOKENS["tokens"]), torch.tensor(TOKENS["targets"])
    for _ in range(5):
        opt.zero_grad()
        model(tok, tgt).loss.backward()
        opt.step()
    nt.save(model, pt_file, step=8)
    trained = json.loads(run("analyze", "--checkpoint", pt_file, *args))
    back = os.path.join(work, "back.json")
    run("export", "--checkpoint", pt_file, "--out", back)
    reloaded = nt.load(back)
    same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), reloaded.state_dict().values()))
    if not same or trained["step"] != 8 or scores(trained) == scores(native):
        failures.append("PyTorch-trained weights did not survive safetensors -> nopelab -> JSON exactly")
    native_back = json.loads(run("analyze", "--checkpoint", back, *args))
    if scores(native_back) != scores(trained):
        failures.append("adjacency scores differ between the PyTorch-written file and its JSON export")
    print(f"  PyTorch-trained weights bit-exact through nopelab: {same}; analyze agrees: {scores(native_back) == scores(trained)}")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("torch interop: ok")
