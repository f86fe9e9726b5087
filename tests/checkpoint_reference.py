# An independent forward pass written only from docs/checkpoint.md, in plain
# Python (no numpy, no torch): loads a checkpoint, computes the logits for a
# batch and compares them with `nopelab grad`. If this passes, the document
# says enough for another framework to load and run the weights.
# Usage: checkpoint_reference.py NOPELAB CKPT BATCH.json   (tiny models only)
import json, math, subprocess, sys
nopelab, ck_path, tok_path = sys.argv[1:4]
ck = json.load(open(ck_path)); cfg = ck["config"]["model"]
P = {k: v for k, v in ck["params"].items()}
def mat(name):
    t = P[name]; r, c = t["shape"]; d = t["data"]; return [d[i*c:(i+1)*c] for i in range(r)]
def vec(name): return P[name]["data"] if name in P else None
def linear(x, W, b):  # x list of vectors, W (out,in)
    return [[sum(wi*xi for wi, xi in zip(w, v)) + (b[o] if b else 0) for o, w in enumerate(W)] for v in x]
def ln(x, w, b):
    out = []
    for v in x:
        m = sum(v)/len(v); var = sum((a-m)**2 for a in v)/len(v); s = 1/math.sqrt(var+1e-5)
        out.append([(a-m)*s*w[i] + (b[i] if b else 0) for i, a in enumerate(v)])
    return out
def gelu(a): return 0.5*a*(1+math.tanh(math.sqrt(2/math.pi)*(a+0.044715*a**3)))
C, NH, L = cfg["d_model"], cfg["n_heads"], cfg["n_layers"]; hs = C//NH
pe, norm, causal = cfg["pos_encoding"], cfg["norm"], cfg["attention"] == "causal"
def t5_bucket(off):  # docs/checkpoint.md: T5's bucket of the offset j - i
    nb, maxd = cfg["t5_buckets"], cfg["t5_max_distance"]
    side = nb//2 if not causal else nb; exact = side//2
    base = side if (not causal and off > 0) else 0
    d = abs(off) if not causal else max(-off, 0)
    if d < exact: return base + d
    return base + min(side-1, exact + math.floor(math.log(d/exact)/math.log(maxd/exact)*(side-exact) + 1e-9))
batch = json.load(open(tok_path))
out = json.loads(subprocess.check_output([nopelab, "grad", "--checkpoint", ck_path, "--tokens", tok_path]))
V = out["V"]; maxerr = 0
for bi, toks in enumerate(batch["tokens"]):
    T = len(toks)
    x = []
    for t, tok in enumerate(toks):
        v = list(P["wte"]["data"][tok*C:(tok+1)*C])
        if pe == "learned": v = [a + b for a, b in zip(v, P["wpe"]["data"][t*C:(t+1)*C])]
        if pe == "sinusoidal":
            for i in range(C//2):
                f = 10000 ** (-2*i/C); v[2*i] += math.sin(t*f); v[2*i+1] += math.cos(t*f)
        if pe == "normalized":
            p = t/(T-1) if T > 1 else 0; v = [a + p*w for a, w in zip(v, P["wnp"]["data"])]
        if pe == "index": v = [a + t*w for a, w in zip(v, P["wix"]["data"])]
        x.append(v)
    def attn(h_in, l):
        qkv = linear(h_in, mat(f"h.{l}.attn.c_attn.weight"), vec(f"h.{l}.attn.c_attn.bias"))
        y = [[0.0]*C for _ in range(T)]
        for h in range(NH):
            q = [r[h*hs:(h+1)*hs] for r in qkv]; k = [r[C+h*hs:C+(h+1)*hs] for r in qkv]; vv = [r[2*C+h*hs:2*C+(h+1)*hs] for r in qkv]
            if pe == "rope":
                def rot(a, t):
                    a = list(a)
                    for i in range(hs//2):
                        th = t * 10000 ** (-2*i/hs); c, s = math.cos(th), math.sin(th)
                        a[2*i], a[2*i+1] = a[2*i]*c - a[2*i+1]*s, a[2*i]*s + a[2*i+1]*c
                    return a
                q = [rot(a, t) for t, a in enumerate(q)]; k = [rot(a, t) for t, a in enumerate(k)]
            for i in range(T):
                n = i+1 if causal else T
                sc = [sum(a*b for a, b in zip(q[i], k[j]))/math.sqrt(hs) for j in range(n)]
                if pe == "alibi":
                    m = 2 ** (-8*(h+1)/NH); sc = [s - m*abs(i-j) for j, s in enumerate(sc)]
                if pe == "t5_bias":
                    sc = [s + P["rel_bias"]["data"][t5_bucket(j - i)*NH + h] for j, s in enumerate(sc)]
                mx = max(sc); e = [math.exp(s-mx) for s in sc]; z = sum(e)
                for j in range(n):
                    for d in range(hs): y[i][h*hs+d] += e[j]/z * vv[j][d]
        return linear(y, mat(f"h.{l}.attn.c_proj.weight"), vec(f"h.{l}.attn.c_proj.bias"))
    def mlp(h_in, l):
        hh = linear(h_in, mat(f"h.{l}.mlp.c_fc.weight"), vec(f"h.{l}.mlp.c_fc.bias"))
        hh = [[gelu(a) for a in r] for r in hh]
        return linear(hh, mat(f"h.{l}.mlp.c_proj.weight"), vec(f"h.{l}.mlp.c_proj.bias"))
    add = lambda a, b: [[p+q for p, q in zip(r, s)] for r, s in zip(a, b)]
    for l in range(L):
        if norm == "pre":
            x = add(x, attn(ln(x, vec(f"h.{l}.ln_1.weight"), vec(f"h.{l}.ln_1.bias")), l))
            x = add(x, mlp(ln(x, vec(f"h.{l}.ln_2.weight"), vec(f"h.{l}.ln_2.bias")), l))
        elif norm == "post":
            x = ln(add(x, attn(x, l)), vec(f"h.{l}.ln_1.weight"), vec(f"h.{l}.ln_1.bias"))
            x = ln(add(x, mlp(x, l)), vec(f"h.{l}.ln_2.weight"), vec(f"h.{l}.ln_2.bias"))
        else:
            x = add(x, attn(x, l)); x = add(x, mlp(x, l))
    if norm != "none": x = ln(x, vec("ln_f.weight"), vec("ln_f.bias"))
    head = mat("lm_head.weight") if "lm_head.weight" in P else mat("wte")
    logits = linear(x, head, None)
    for t in range(T):
        for v in range(V):
            maxerr = max(maxerr, abs(logits[t][v] - out["logits"][(bi*T + t)*V + v]))
print(cfg["pos_encoding"], cfg["norm"], cfg["attention"], cfg["tie_embeddings"], cfg["bias"], "max |logit diff| =", maxerr)
assert maxerr < 1e-4
