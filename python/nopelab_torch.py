"""NoPE Lab models in PyTorch: the lab's forward pass for every architecture
option, loaded from a lab checkpoint (safetensors or JSON) and saved back as
safetensors that `nopelab analyze --checkpoint` reads.

    import nopelab_torch
    model = nopelab_torch.load("model.safetensors")   # or "ck.json"
    out = model(tokens, output_hidden_states=True)    # tokens: (B, T) int64
    out.logits                                        # (B, T, V)
    out.hidden_states[layer]["attn_out"]              # (B, T, C), sites of docs/analysis.md
    nopelab_torch.save(model, "trained.safetensors", step=1000)

One file, depends on torch only (copy it, or `pip install ./python`).
docs/interop.md describes the tensor names and the file format;
docs/checkpoint.md the maths this module implements.
"""
import ctypes
import json
import math
import struct
from collections import OrderedDict, namedtuple

import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["NopeLabModel", "NopeLabOutput", "SITES", "load", "save", "read_safetensors", "write_safetensors"]

# Hidden-state sites per layer, in pipeline order (docs/analysis.md).
SITES = ("embed", "norm1", "attn_out", "resid_mid", "mlp_out", "resid_post")
# Model fields a config may leave out, with the lab's defaults (docs/config.md).
MODEL_DEFAULTS = {"pos_encoding": "none", "attention": "causal", "norm": "pre", "bias": True, "tie_embeddings": False}
POS_ENCODINGS = ("none", "learned", "sinusoidal", "rope", "alibi", "normalized")
NopeLabOutput = namedtuple("NopeLabOutput", ["logits", "loss", "hidden_states"])
LN_EPS = 1e-5

_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2), "F64": (torch.float64, 8)}
_CONFIG_KEY, _STEP_KEY = "nopelab_config", "nopelab_step"


class Weight(nn.Module):
    """A bare parameter under the name `<module>.weight` (wnp.weight)."""

    def __init__(self, *shape):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(*shape))


class LayerNorm(nn.Module):
    """LayerNorm with an optional bias (torch 1.13's nn.LayerNorm always has one)."""

    def __init__(self, C, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(C))
        self.bias = nn.Parameter(torch.zeros(C)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, x.shape[-1:], self.weight, self.bias, LN_EPS)


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight (in, out), y = x @ weight + bias."""

    def __init__(self, n_in, n_out, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out)) if bias else None

    def forward(self, x):
        y = x @ self.weight
        return y + self.bias if self.bias is not None else y


def _rotate_pairs(x, cos, sin):
    """RoPE on interleaved pairs (x[2i], x[2i+1]) of the last dimension."""
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C, self.nh = cfg["d_model"], cfg["n_heads"]
        self.hs = C // self.nh
        self.pos, self.causal = cfg["pos_encoding"], cfg["attention"] == "causal"
        self.c_attn = Conv1D(C, 3 * C, cfg["bias"])
        self.c_proj = Conv1D(C, C, cfg["bias"])

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.nh, self.hs).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2))
        if self.pos == "rope":
            t = torch.arange(T, dtype=torch.float64)[:, None]
            theta = 10000.0 ** (-2.0 * torch.arange(self.hs // 2, dtype=torch.float64) / self.hs)
            cos, sin = (f(t * theta).to(x) for f in (torch.cos, torch.sin))
            q, k = _rotate_pairs(q, cos, sin), _rotate_pairs(k, cos, sin)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.hs)
        if self.pos == "alibi":
            slopes = torch.tensor([2.0 ** (-8.0 * (h + 1) / self.nh) for h in range(self.nh)]).to(x)
            pos = torch.arange(T, device=x.device)
            dist = (pos[:, None] - pos[None, :]).abs().to(x)
            scores = scores - slopes[:, None, None] * dist
        if self.causal:
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(mask, float("-inf"))
        y = scores.softmax(dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = Conv1D(cfg["d_model"], cfg["d_ff"], cfg["bias"])
        self.c_proj = Conv1D(cfg["d_ff"], cfg["d_model"], cfg["bias"])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.norm = cfg["norm"]
        if self.norm != "none":
            self.ln_1 = LayerNorm(cfg["d_model"], cfg["bias"])
            self.ln_2 = LayerNorm(cfg["d_model"], cfg["bias"])
        self.attn = Attention(cfg)
        self.mlp = MLP(cfg)

    def forward(self, x):
        """The block output and its six sites (docs/analysis.md)."""
        s = {"embed": x}
        if self.norm == "post":
            s["norm1"] = x
            s["attn_out"] = self.attn(x)
            s["resid_mid"] = x = self.ln_1(x + s["attn_out"])
            s["mlp_out"] = self.mlp(x)
            s["resid_post"] = x = self.ln_2(x + s["mlp_out"])
        else:
            pre = self.norm == "pre"
            s["norm1"] = self.ln_1(x) if pre else x
            s["attn_out"] = self.attn(s["norm1"])
            s["resid_mid"] = x = x + s["attn_out"]
            s["mlp_out"] = self.mlp(self.ln_2(x) if pre else x)
            s["resid_post"] = x = x + s["mlp_out"]
        return x, s


class NopeLabModel(nn.Module):
    """The NoPE Lab decoder for `config` (the lab's config dict, or just its
    "model" part). Its state_dict has exactly the safetensors names and
    shapes of docs/interop.md. `max_seq_len` sizes the learned position
    table (the only encoding with one); the others take any length."""

    def __init__(self, config, vocab_size, max_seq_len=None):
        super().__init__()
        self.config = json.loads(json.dumps(config if "model" in config else {"model": config}))
        cfg = dict(MODEL_DEFAULTS, **self.config["model"])
        if cfg["pos_encoding"] not in POS_ENCODINGS:
            raise ValueError(f"model.pos_encoding = {cfg['pos_encoding']!r} is not one of {POS_ENCODINGS}")
        if cfg["norm"] not in ("pre", "post", "none") or cfg["attention"] not in ("causal", "bidirectional"):
            raise ValueError(f"model.norm = {cfg['norm']!r} / model.attention = {cfg['attention']!r} not supported")
        self.cfg = cfg
        C = cfg["d_model"]
        self.wte = nn.Embedding(vocab_size, C)
        if cfg["pos_encoding"] == "learned":
            if not max_seq_len:
                raise ValueError("pos_encoding = learned needs max_seq_len (the wpe table's rows)")
            self.wpe = nn.Embedding(max_seq_len, C)
        if cfg["pos_encoding"] == "normalized":
            self.wnp = Weight(C)
        self.h = nn.ModuleList(Block(cfg) for _ in range(cfg["n_layers"]))
        if cfg["norm"] != "none":
            self.ln_f = LayerNorm(C, cfg["bias"])
        if not cfg["tie_embeddings"]:
            self.lm_head = nn.Linear(C, vocab_size, bias=False)
        self.reset_parameters()

    def reset_parameters(self, std=0.02):
        """Normal(0, std) weights, unit LayerNorm gains, zero biases (the lab's default init)."""
        for name, p in self.named_parameters():
            if ".ln_" in "." + name:
                nn.init.ones_(p) if name.endswith("weight") else nn.init.zeros_(p)
            elif name.endswith("bias"):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx, targets=None, output_hidden_states=False):
        """idx (B, T) int64 -> NopeLabOutput(logits (B, T, V), loss (mean
        cross-entropy over targets != -1, or None), hidden_states: per layer
        {site: (B, T, C)} when asked, else None)."""
        cfg = self.cfg
        B, T = idx.shape
        x = self.wte(idx)
        pe = cfg["pos_encoding"]
        if pe == "learned":
            x = x + self.wpe(torch.arange(T, device=idx.device))
        elif pe == "sinusoidal":
            C = cfg["d_model"]
            t = torch.arange(T, dtype=torch.float64)[:, None]
            freq = 10000.0 ** (-2.0 * torch.arange(C // 2, dtype=torch.float64) / C)
            table = torch.stack((torch.sin(t * freq), torch.cos(t * freq)), dim=-1).flatten(-2)
            x = x + table.to(x)
        elif pe == "normalized":
            frac = torch.arange(T).to(x) / (T - 1) if T > 1 else torch.zeros(1).to(x)
            x = x + frac[:, None] * self.wnp.weight
        hidden = []
        for block in self.h:
            x, sites = block(x)
            hidden.append(sites)
        if cfg["norm"] != "none":
            x = self.ln_f(x)
        head = self.wte.weight if cfg["tie_embeddings"] else self.lm_head.weight
        logits = x @ head.t()
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T), ignore_index=-1)
        return NopeLabOutput(logits, loss, hidden if output_hidden_states else None)


# ------------------------------------------------------------------ files

def read_safetensors(path):
    """(OrderedDict name -> float32 tensor, metadata dict) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path}: {len(raw)} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f"{path}: truncated: the header says {n} bytes but only {len(raw) - 8} follow")
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {}) or {}
    data = memoryview(raw)[8 + n:]
    tensors = OrderedDict()
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        if e["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {e['dtype']}; F32, F16, BF16 and F64 are read")
        dtype, size = _DTYPES[e["dtype"]]
        b, end = e["data_offsets"]
        count = math.prod(e["shape"])
        if end > len(data) or end - b != count * size:
            raise ValueError(f"{path}: tensor {name} has data_offsets [{b}, {end}] that do not fit its shape")
        t = torch.frombuffer(bytearray(data[b:end]), dtype=dtype) if count else torch.zeros(0, dtype=dtype)
        tensors[name] = t.reshape(e["shape"]).to(torch.float32)
    return tensors, meta


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors (name -> tensor) and string metadata as safetensors."""
    header, blobs, at = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().to("cpu", torch.float32).contiguous()
        blob = ctypes.string_at(t.data_ptr(), t.numel() * 4) if t.numel() else b""
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(blob)]}
        blobs.append(blob)
        at += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)  # data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def _from_lab_json(ck):
    """State dict in the safetensors layout from a JSON checkpoint's params."""
    state = OrderedDict()
    for name, t in ck["params"].items():
        w = torch.tensor(t["data"], dtype=torch.float32).reshape(t["shape"])
        if "." not in name:  # wte, wpe, wnp
            name += ".weight"
        elif name.startswith("h.") and w.dim() == 2:  # (out, in) -> Conv1D (in, out)
            w = w.t().contiguous()
        state[name] = w
    return state


def load(path, config=None):
    """A NopeLabModel with the weights of a lab checkpoint: a .safetensors file
    (config from its metadata, else `config`) or a JSON checkpoint. The
    model's `.step` is the checkpoint's step."""
    with open(path, "rb") as f:
        head = f.read(9)
    if len(head) == 9 and head[7] == 0 and head[8:9] == b"{":
        state, meta = read_safetensors(path)
        if _CONFIG_KEY in meta:
            if config is not None:
                raise ValueError(f"{path} has its own config in __metadata__; drop config=")
            config = json.loads(meta[_CONFIG_KEY])
        elif config is None:
            raise ValueError(f"{path} has no NoPE Lab config in __metadata__.{_CONFIG_KEY}; pass config=")
        step = int(meta.get(_STEP_KEY, 0))
    else:
        with open(path) as f:
            ck = json.load(f)
        if ck.get("format") != "nopelab-checkpoint" or ck.get("version") != 1:
            raise ValueError(f"{path} is neither safetensors nor a nopelab-checkpoint version 1")
        state, config, step = _from_lab_json(ck), ck["config"], ck.get("step", 0)
    wpe = state.get("wpe.weight")
    model = NopeLabModel(config, state["wte.weight"].shape[0], wpe.shape[0] if wpe is not None else None)
    model.load_state_dict(state, strict=True)
    model.step = step
    return model


def save(model, path, step=None):
    """Writes the model as safetensors with its config and step in the
    metadata, for `nopelab analyze/eval/grad --checkpoint path`."""
    step = getattr(model, "step", 0) if step is None else step
    meta = {"format": "pt", _CONFIG_KEY: json.dumps(model.config), _STEP_KEY: str(int(step))}
    write_safetensors(path, model.state_dict(), meta)
