"""Masked self-attention in the forms exporters write, built with the onnx
helper, and their float64 numpy references. Shared by the e2e test
(test/e2e/sparse_attention.py) and the benchmark (bench/attention_bench.py).

Masks are numpy bool arrays `visible[S, S]` (query row q, key column k), or
`[H, S, S]` for a mask per head:

  causal(S)                 k <= q
  strict_causal(S)          k < q (row 0 sees no key: a fully masked row)
  window(S, L, R)           q - L <= k <= q + R
  window_global(S, L, R, G) a window, or q < G, or k < G
  bigbird(S, bs)            blocks qb = q // bs, kb = k // bs with
                            |qb - kb| <= 1, qb == 0 or kb == 0
  partial_blocks(S, seed)   bigbird(S, 64) AND a random pattern (each pair
                            visible with probability 0.7), diagonal always
                            visible: not a union of whole blocks
  per_head_window(S, H)     head h: window(S, 16 (h + 1), 0)

Builders return (model, inputs, reference): `inputs` {name: float32 array},
`reference()` the graph's output in float64 from float64 copies of the same
float32 weights and inputs.

  mha(B, S, H, D, mask, ...)   Hugging Face-style multi-head self-attention
                               (torch.onnx.export of a BertSelfAttention-like
                               module, or of F.scaled_dot_product_attention
                               with key_form="sdpa", scale_form="qk"):
                               input x [B, S, E], E = H D, output y [B, S, E].
  single_head(B, S, D, mask, ...)
                               q, k, v [B, S, D] straight to the scores,
                               output y [B, S, D].

Forms (keyword arguments):

  key_form    "hf": the key goes Reshape [B, S, H, D] then one Transpose
              perm [0, 2, 3, 1] to [B, H, D, S]; "sdpa": Transpose
              [0, 2, 1, 3] then Transpose [0, 1, 3, 2].
  scale_form  "div": Div(scores, sqrt(D)); "mul": Mul(scores, 1/sqrt(D));
              "qk": Mul(q, D^-1/4) and Mul(k^T, D^-1/4) before the MatMul
              (what torch exports for SDPA); "none": scale 1. Scalars are f32
              initializers of shape [].
  mask_form   "add_neginf" / "add_large" / "add_min": Add(scores, M), M an f32
              initializer, 0 where visible and -inf / -1e9 /
              finfo(float32).min elsewhere; "where_neginf" / "where_min":
              Where(C, fill, scores), C the bool initializer NOT visible
              (torch's masked_fill(~mask, fill)); "range": the additive mask
              computed from constants as torch exports a mask made in
              forward (two Range(0, S, 1), Unsqueeze, Sub, LessOrEqual(diff,
              L), GreaterOrEqual(diff, -R), And, Where(visible, 0, -inf)),
              for window(S, L, R) masks only (causal: L = S, R = 0), L and
              R given by `lr`.
  mask_rank   rank of M / C (default the scores' rank: [1, 1, S, S] for
              mha, [1, S, S] for single_head; [1, H, S, S] for masks per
              head); 2 gives [S, S].
  mask_input  the additive mask is the graph input `mask` [S, S] f32 instead
              of a constant (add forms only).
  softmax_axis
              Softmax's axis (opset 13 semantics), -1 unless a near miss
              wants another.

The reference follows the graph literally: scores in float64, scaled as the
graph scales them, masked, a dense softmax (max, exp, sum: a row all -inf
is NaN, as in onnxruntime), times v. One deliberate departure from pure
float64: where an add form adds a finite fill to a masked score, the
reference rounds that sum to float32, the value the graph holds. Without it
a fully masked row with fill -1e9 would be softmax(s) over every key (the
fill cancels in float64), while the float32 graph holds -1e9 in every
masked entry (for |s| < 32) and averages v uniformly over all keys.
"""
import math

import numpy as np

from onnx_graph import GraphBuilder

OPSET = 17
F32_MIN = float(np.finfo(np.float32).min)

FILL = {"add_neginf": -np.inf, "add_large": -1e9, "add_min": F32_MIN,
        "where_neginf": -np.inf, "where_min": F32_MIN, "range": -np.inf}
MASK_FORMS = tuple(FILL)
SCALE_FORMS = ("div", "mul", "qk", "none")
KEY_FORMS = ("hf", "sdpa")


# --------------------------------------------------------------------------
# Mask structures: bool visible[S, S] (or [H, S, S])
# --------------------------------------------------------------------------

def _qk(S):
    i = np.arange(S)
    return i[:, None], i[None, :]


def causal(S):
    q, k = _qk(S)
    return k <= q


def strict_causal(S):
    q, k = _qk(S)
    return k < q


def window(S, L, R):
    q, k = _qk(S)
    return (k >= q - L) & (k <= q + R)


def window_global(S, L, R, G):
    q, k = _qk(S)
    return window(S, L, R) | (q < G) | (k < G)


def bigbird(S, bs):
    q, k = _qk(S)
    qb, kb = q // bs, k // bs
    return (np.abs(qb - kb) <= 1) | (qb == 0) | (kb == 0)


def partial_blocks(S, seed=0, bs=64, p=0.7):
    q, k = _qk(S)
    rng = np.random.default_rng(seed)
    return (bigbird(S, bs) & (rng.random((S, S)) < p)) | (k == q)


def per_head_window(S, H, step=16):
    return np.stack([window(S, step * (hd + 1), 0) for hd in range(H)])


def fully_masked_rows(mask):
    """bool [S]: query rows with no visible key (in some head)."""
    m = np.asarray(mask).reshape(-1, *np.shape(mask)[-2:])
    return (~m.any(-1)).any(0)


# --------------------------------------------------------------------------
# Graph building
# --------------------------------------------------------------------------

class _Graph(GraphBuilder):
    def model(self, inputs, out, out_shape, opset):
        return self.onnx_model("attention", [(n, a.shape) for n, a in inputs.items()],
                               [(out, out_shape)], opset)


def _scale_value(scale_form, D):
    """The f32 scalar the graph holds, or None."""
    return {"div": np.float32(math.sqrt(D)), "mul": np.float32(1 / math.sqrt(D)),
            "qk": np.float32(D ** -0.25), "none": None}[scale_form]


class _Spec:
    """How one graph scales, masks and normalizes its scores: builds the
    nodes and computes the float64 reference."""

    def __init__(self, S, D, mask, mask_form, scale_form, score_rank, mask_rank,
                 mask_input, softmax_axis, lr):
        assert mask_form in MASK_FORMS, mask_form
        assert scale_form in SCALE_FORMS, scale_form
        if mask_form == "range":
            assert lr is not None, "the range form needs lr=(L, R)"
            if mask is None:
                mask = window(S, *lr)
            assert np.array_equal(mask, window(S, *lr)), "range: mask must be window(S, L, R)"
        mask = np.asarray(mask, bool)
        assert mask.shape[-2:] == (S, S) and mask.ndim in (2, 3), mask.shape
        if mask_input:
            assert mask_form.startswith("add_") and mask.ndim == 2, \
                "mask_input: an add form and an [S, S] mask"
        self.S, self.D, self.mask = S, D, mask
        self.mask_form, self.scale_form = mask_form, scale_form
        self.fill = FILL[mask_form]
        self.score_rank, self.mask_input, self.lr = score_rank, mask_input, lr
        self.softmax_axis = softmax_axis
        if mask.ndim == 3:          # per head: [1, H, S, S]
            assert score_rank == 4 and mask_rank in (None, 4)
            self.mask_shape = (1,) + mask.shape
        else:
            r = score_rank if mask_rank is None else mask_rank
            assert 2 <= r <= score_rank
            self.mask_shape = (1,) * (r - 2) + (S, S)
        self.scale = _scale_value(scale_form, D)
        self.extra_inputs = {}

    def additive(self):
        return np.where(self.mask, np.float32(0), np.float32(self.fill)).astype(np.float32)

    # --- nodes --------------------------------------------------------------

    def scores(self, g, q, kt):
        """q [.., S, D], kt [.., D, S] -> masked scores."""
        if self.scale_form == "qk":
            c = g.const(self.scale, "scale")
            q, kt = g.node("Mul", [q, c]), g.node("Mul", [kt, c])
        s = g.node("MatMul", [q, kt])
        if self.scale_form == "div":
            s = g.node("Div", [s, g.const(self.scale, "scale")])
        elif self.scale_form == "mul":
            s = g.node("Mul", [s, g.const(self.scale, "scale")])
        form = self.mask_form
        if self.mask_input:
            self.extra_inputs["mask"] = self.additive()
            return g.node("Add", [s, "mask"])
        if form.startswith("add_"):
            return g.node("Add", [s, g.const(self.additive().reshape(self.mask_shape), "mask")])
        if form.startswith("where_"):
            cond = g.const((~self.mask).reshape(self.mask_shape), "masked")
            return g.node("Where", [cond, g.const(np.float32(self.fill), "fill"), s])
        return g.node("Add", [s, self._range_mask(g)])

    def _range_mask(self, g):
        L, R = self.lr
        i64 = lambda v: g.const(np.int64(v), "i")
        qpos = g.node("Unsqueeze", [g.node("Range", [i64(0), i64(self.S), i64(1)]),
                                    g.const(np.array([1], np.int64), "axes")])
        kpos = g.node("Unsqueeze", [g.node("Range", [i64(0), i64(self.S), i64(1)]),
                                    g.const(np.array([0], np.int64), "axes")])
        diff = g.node("Sub", [qpos, kpos])
        vis = g.node("And", [g.node("LessOrEqual", [diff, i64(L)]),
                             g.node("GreaterOrEqual", [diff, i64(-R)])])
        return g.node("Where", [vis, g.const(np.float32(0), "zero"),
                                g.const(np.float32(-np.inf), "fill")])

    def attend(self, g, q, kt, v, out=None):
        p = g.node("Softmax", [self.scores(g, q, kt)], axis=self.softmax_axis)
        return g.node("MatMul", [p, v], out)

    # --- reference ----------------------------------------------------------

    def reference(self, q, k, v):
        """float64 q, k, v [..., S, D] (the same leading dims as the
        scores but the last two) -> [..., S, D]."""
        axis = self.softmax_axis
        axis = axis - self.score_rank if axis >= 0 else axis
        assert axis in (-1, -2)
        c = None if self.scale is None else float(self.scale)
        if self.scale_form == "qk":
            q, k = q * c, k * c
        kt = np.swapaxes(k, -1, -2)
        vis = self.mask
        S = self.S
        lead = int(np.prod(q.shape[:-2]))
        # Query chunks keep the [.., chunk, S] temporaries near 64 MB; a
        # softmax over queries needs them whole.
        chunk = S if axis == -2 else max(1, min(S, (8 << 20) // max(1, lead * S)))
        out = np.empty(q.shape[:-1] + (v.shape[-1],))
        with np.errstate(all="ignore"):
            for i0 in range(0, S, chunk):
                i1 = min(S, i0 + chunk)
                s = q[..., i0:i1, :] @ kt
                if self.scale_form == "div":
                    s = s / c
                elif self.scale_form == "mul":
                    s = s * c
                vi = vis[..., i0:i1, :]
                if self.mask_form.startswith("where_"):
                    z = np.where(vi, s, self.fill)
                elif np.isinf(self.fill):
                    z = s + np.where(vi, 0.0, self.fill)
                else:   # a finite fill: the float32 sum the graph holds
                    z = np.where(vi, s, (s + self.fill).astype(np.float32))
                m = z.max(axis=axis, keepdims=True)
                e = np.exp(z - m)
                p = e / e.sum(axis=axis, keepdims=True)
                out[..., i0:i1, :] = p @ v
        return out


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

def mha(B, S, H, D, mask, *, mask_form="add_neginf", scale_form="div", key_form="hf",
        opset=OPSET, seed=0, mask_input=False, mask_rank=None, softmax_axis=-1,
        lr=None):
    """Multi-head self-attention over x [B, S, E], E = H D: q/k/v = x W + b
    (W [E, E] scaled 1/sqrt(E), b scale 0.1), heads split by Reshape
    [B, S, H, D] and Transpose, masked scaled scores, Softmax, P v, heads
    merged by Transpose and Reshape [B, S, E], output projection y = o Wo +
    bo. `mask` [S, S] or [H, S, S] bool (None with mask_form="range": the
    window `lr` gives)."""
    assert key_form in KEY_FORMS, key_form
    E = H * D
    spec = _Spec(S, D, mask, mask_form, scale_form, 4, mask_rank, mask_input,
                 softmax_axis, lr)
    g = _Graph(np.random.default_rng(seed))
    x = g.rnd(B, S, E)
    w = {n: (g.rnd(E, E, scale=1 / math.sqrt(E)), g.rnd(E, scale=0.1))
         for n in ("q", "k", "v", "o")}
    split = g.const(np.array([B, S, H, D], np.int64), "shape")

    def proj(inp, n, out=None):
        return g.node("Add", [g.node("MatMul", [inp, g.const(w[n][0], "w" + n)]),
                              g.const(w[n][1], "b" + n)], out)

    def heads(n, perm):
        return g.node("Transpose", [g.node("Reshape", [proj("x", n), split])], perm=perm)

    q = heads("q", [0, 2, 1, 3])
    if key_form == "hf":
        kt = heads("k", [0, 2, 3, 1])
    else:
        kt = g.node("Transpose", [heads("k", [0, 2, 1, 3])], perm=[0, 1, 3, 2])
    v = heads("v", [0, 2, 1, 3])
    o = spec.attend(g, q, kt, v)
    o = g.node("Reshape", [g.node("Transpose", [o], perm=[0, 2, 1, 3]),
                           g.const(np.array([B, S, E], np.int64), "shape")])
    proj(o, "o", "y")
    inputs = {"x": x, **spec.extra_inputs}
    model = g.model(inputs, "y", (B, S, E), opset)

    def reference():
        x64 = x.astype(np.float64)

        def p64(inp, n):
            return inp @ w[n][0].astype(np.float64) + w[n][1].astype(np.float64)

        def split64(n):
            return p64(x64, n).reshape(B, S, H, D).transpose(0, 2, 1, 3)

        o64 = spec.reference(split64("q"), split64("k"), split64("v"))
        return p64(o64.transpose(0, 2, 1, 3).reshape(B, S, E), "o")

    return model, inputs, reference


def single_head(B, S, D, mask, *, mask_form="add_neginf", scale_form="div",
                opset=OPSET, seed=0, mask_input=False, mask_rank=None, softmax_axis=-1,
                lr=None):
    """One head on inputs q, k, v [B, S, D]: MatMul(q, Transpose(k, [0, 2,
    1])), scaled, masked, Softmax, MatMul with v -> y [B, S, D]."""
    spec = _Spec(S, D, mask, mask_form, scale_form, 3, mask_rank, mask_input,
                 softmax_axis, lr)
    assert spec.mask.ndim == 2, "single_head: one [S, S] mask"
    g = _Graph(np.random.default_rng(seed))
    qkv = {n: g.rnd(B, S, D) for n in ("q", "k", "v")}
    kt = g.node("Transpose", ["k"], perm=[0, 2, 1])
    spec.attend(g, "q", kt, "v", "y")
    inputs = {**qkv, **spec.extra_inputs}
    model = g.model(inputs, "y", (B, S, D), opset)

    def reference():
        return spec.reference(*(qkv[n].astype(np.float64) for n in ("q", "k", "v")))

    return model, inputs, reference
