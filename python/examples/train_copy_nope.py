"""Trains a NoPE model (no positional encoding, causal attention) on NoPE
Lab's copy task in PyTorch, then saves it as safetensors for the lab:

    /usr/bin/python3 python/examples/train_copy_nope.py --out copy.safetensors
    nopelab analyze --checkpoint copy.safetensors --out analysis.json
    nopelab eval --checkpoint copy.safetensors

(`--nopelab build/nopelab` runs the analysis itself.) The model is larger
than configs/copy_nope.json's (d_model 128, 3 layers); the batches follow
docs/tasks.md's copy format, so the lab's own evaluation and analysis read
the trained weights as they would a model it trained itself.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import nopelab_torch as nt  # noqa: E402

CONFIG = {
    "model": {"d_model": 128, "n_heads": 4, "n_layers": 3, "d_ff": 512, "pos_encoding": "none",
              "attention": "causal", "norm": "pre", "bias": True, "tie_embeddings": False},
    "task": {"name": "copy", "train_len": 8, "test_len": 16, "vocab_size": 16, "vary_length": False},
    "train": {"batch_size": 32, "lr": 0.003, "weight_decay": 0.1, "seed": 1},
}


def copy_batch(n, batch, symbols, gen):
    """docs/tasks.md's copy: <bos> x1..xn | x1..x(n-1); targets x1..xn after '|'."""
    bos, sep = symbols, symbols + 1
    x = torch.randint(0, symbols, (batch, n), generator=gen)
    tokens = torch.cat([torch.full((batch, 1), bos), x, torch.full((batch, 1), sep), x[:, :-1]], dim=1)
    targets = torch.full_like(tokens, -1)
    targets[:, n + 1:] = x
    return tokens, targets


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--out", default="copy_nope_torch.safetensors")
    ap.add_argument("--nopelab", help="path to the nopelab binary: run `analyze` on the result")
    args = ap.parse_args()

    torch.manual_seed(CONFIG["train"]["seed"])
    task, train = CONFIG["task"], CONFIG["train"]
    vocab = task["vocab_size"] + 3            # symbols, <bos>, '|', '?' (docs/tasks.md)
    model = nt.NopeLabModel(CONFIG, vocab, max_seq_len=2 * task["test_len"] + 1)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    other = [p for n, p in model.named_parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": train["weight_decay"]},
                             {"params": other, "weight_decay": 0.0}], lr=train["lr"], betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(train["seed"])
    start = time.time()
    for step in range(1, args.steps + 1):
        for g in opt.param_groups:  # linear warmup over the first 10% of steps
            g["lr"] = train["lr"] * min(1.0, step / max(1, args.steps // 10))
        tokens, targets = copy_batch(task["train_len"], train["batch_size"], task["vocab_size"], gen)
        out = model(tokens, targets)
        opt.zero_grad()
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == args.steps:
            with torch.no_grad():
                hit = (out.logits.argmax(-1) == targets)[targets >= 0].float().mean().item()
            print(f"step {step:4d}  loss {out.loss.item():.4f}  token acc {hit:.3f}  ({time.time() - start:.1f} s)")
    nt.save(model, args.out, step=args.steps)
    print(f"wrote {args.out}: nopelab analyze --checkpoint {args.out}")
    if args.nopelab:
        res = json.loads(subprocess.check_output([args.nopelab, "analyze", "--checkpoint", args.out, "--quiet"]))
        for layer in res["layers"]:
            print(f"layer {layer['layer']}  adjacency score (resid_post) "
                  f"{layer['sites']['resid_post']['adjacency_score']:.3f}")
        for r in res["length_generalisation"]:
            print(f"length {r['length']:2d}  token acc {r['token_acc']:.3f}  seq acc {r['seq_acc']:.3f}")


if __name__ == "__main__":
    main()
