#!/usr/bin/env python3
"""PyTorch reference for `nopelab bench`: the same two models (core/bench.h),
the same step (forward, backward, grad-norm clip 1.0, AdamW with decay on
matrices only), float32, one thread unless --threads N (torch.set_num_threads,
as `nopelab bench --threads N`).

    /usr/bin/python3 bench/pytorch_bench.py [--steps-a N] [--steps-b N] [--threads N] [--json]

Needs Debian's python3-torch (see bench/README.md). Attention is written out
(matmul, mask, softmax) because PyTorch 1.13 has no scaled_dot_product_attention.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS = {"A": dict(C=64, L=2, NH=4, F=256, T=64, B=16, V=32),
          "B": dict(C=128, L=4, NH=4, F=512, T=128, B=16, V=32)}


class Block(nn.Module):
    def __init__(self, C, NH, Fd):
        super().__init__()
        self.NH = NH
        self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
        self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.c_fc, self.mlp_proj = nn.Linear(C, Fd), nn.Linear(Fd, C)

    def attn(self, x, mask):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.NH, C // self.NH).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.NH)
        att = F.softmax(att.masked_fill(mask, float("-inf")), dim=-1)
        return self.c_proj((att @ v).transpose(1, 2).reshape(B, T, C))

    def forward(self, x, mask):
        x = x + self.attn(self.ln_1(x), mask)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, C, L, NH, F, T, V, **_):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.h = nn.ModuleList(Block(C, NH, F) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.register_buffer("mask", torch.triu(torch.ones(T, T, dtype=torch.bool), 1))
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, idx, targets):
        x = self.wte(idx)
        for b in self.h:
            x = b(x, self.mask)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def bench(m, steps):
    torch.manual_seed(0)
    model = GPT(**m)
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.95), eps=1e-8)
    idx = torch.randint(0, m["V"], (m["B"], m["T"]))
    tgt = torch.randint(0, m["V"], (m["B"], m["T"]))

    def step():
        opt.zero_grad(set_to_none=True)
        model(idx, tgt).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(steps):  # the median step, as `nopelab bench` reports
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    ms = sorted(times)[steps // 2]
    return ms, m["B"] * m["T"] / ms * 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps-a", type=int, default=100)
    ap.add_argument("--steps-b", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = []
    for name, steps in (("A", args.steps_a), ("B", args.steps_b)):
        ms, tps = bench(MODELS[name], steps)
        out.append({"model": name, "ms_per_step": ms, "tokens_per_s": tps, "steps": steps})
        if not args.json:
            print(f"pytorch {torch.__version__} model {name}: {ms:8.2f} ms/step  {tps:10.0f} tokens/s ({torch.get_num_threads()} threads)")
    if args.json:
        print(json.dumps({"pytorch": out, "torch_version": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
