"""MoE layers in the forms exporters write, built with the onnx helper, and
their float64 numpy references. Shared by the e2e tests (test/e2e/moe_*.py)
and the benchmark (bench/moe_bench.py).

Each builder returns (model, inputs, reference) where `reference()` computes
the layer's output in float64 from the same parameters, by the form's own
definition (every expert on every token under the dense mask, not the
routed computation Switchyard performs).

The graphs follow what torch.onnx.export (PyTorch 2.x, opset 20) writes for
the matching nn.Module: see test/e2e/fixtures/export_fixtures.py for the
modules themselves.
"""
import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

OPSET = 20


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _gelu(v):
    from math import erf
    return 0.5 * v * (1 + np.vectorize(erf)(v / np.sqrt(2)))


def _gelu_tanh(v):
    return 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v**3)))


ACT = {"relu": lambda v: np.maximum(v, 0), "gelu": _gelu,
       "gelu_tanh": _gelu_tanh, "silu": lambda v: v * _sigmoid(v),
       "identity": lambda v: v}


class Graph:
    """A growing list of nodes and initializers with fresh value names."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, value, name=None):
        self.count += 1
        name = name or f"c{self.count}"
        self.inits.append(nh.from_array(np.asarray(value), name))
        return name

    def node(self, op, inputs, n_out=1, **attrs):
        self.count += 1
        outs = [f"v{self.count}_{i}" for i in range(n_out)]
        self.nodes.append(h.make_node(op, inputs, outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def axes(self, *a):
        return self.const(np.array(a, np.int64))

    def model(self, x_shape, y, y_shape):
        g = h.make_graph(self.nodes, "moe",
                         [h.make_tensor_value_info("x", T.FLOAT, list(x_shape))],
                         [h.make_tensor_value_info(y, T.FLOAT, list(y_shape))],
                         self.inits)
        return h.make_model(g, opset_imports=[h.make_opsetid("", OPSET)])


def _routing(g, logits, e, k, routing, renorm):
    """Router logits -> (weights [T, k], ids [T, k]) nodes."""
    kk = g.const(np.array([k], np.int64))
    if routing == "topk_softmax":
        v, ids = g.node("TopK", [logits, kk], 2, axis=-1)
        w = g.node("Softmax", [v], axis=-1)
    else:
        p = g.node("Softmax" if routing == "softmax_topk" else "Sigmoid",
                   [logits], **({"axis": -1} if routing == "softmax_topk" else {}))
        w, ids = g.node("TopK", [p, kk], 2, axis=-1)
    if renorm:
        s = g.node("ReduceSum", [w, g.axes(-1)], keepdims=1)
        w = g.node("Div", [w, s])
    return w, ids


def _torch_one_hot(g, ids, n):
    """F.one_hot(ids, n).to(float) as torch exports it: Equal with an
    arange, then Casts."""
    eq = g.node("Equal", [g.node("Unsqueeze", [ids, g.axes(-1)]),
                          g.const(np.arange(n, dtype=np.int64))])
    return g.node("Cast", [g.node("Cast", [eq], to=T.INT64)], to=T.FLOAT)


def _mask(g, w, ids, t, e, how):
    """The dense [T, E] mask, zero but at the chosen experts."""
    if how == "scatter":
        return g.node("ScatterElements",
                      [g.const(np.zeros((t, e), np.float32)), ids, w], axis=1)
    if how == "onehot_equal":
        oh = _torch_one_hot(g, ids, e)
    else:                       # the OneHot op
        oh = g.node("OneHot", [ids, g.const(np.array([e], np.int64)),
                               g.const(np.array([0, 1], np.float32))], axis=-1)
    prod = g.node("Mul", [oh, g.node("Unsqueeze", [w, g.axes(-1)])])
    return g.node("ReduceSum", [prod, g.axes(1)], keepdims=0)


def _activation(g, z, act):
    if act == "relu":
        return g.node("Relu", [z])
    if act in ("gelu", "gelu_tanh"):
        return g.node("Gelu", [z], approximate="tanh" if act == "gelu_tanh" else "none")
    if act == "silu":
        return g.node("Mul", [z, g.node("Sigmoid", [z])])
    assert act == "identity"
    return z


class _Experts:
    """A layer's input, router and expert MLPs fc2(act(fc1 x)) (SwiGLU:
    fc2(silu(fc1 x) * fc3 x)), drawn from `seed` in one fixed order."""

    def __init__(self, t, hid, inter, e, act, bias, gate_bias, seed):
        rng = np.random.default_rng(seed)
        self.rnd = lambda *s, scale=1.0: (scale * rng.standard_normal(s)).astype(np.float32)
        rnd = self.rnd
        self.act, self.swiglu = act, act == "swiglu"
        self.x = rnd(t, hid)
        self.wg = rnd(e, hid, scale=1 / np.sqrt(hid))
        self.bg = (np.zeros(e, np.float32) if gate_bias is None
                   else np.asarray(gate_bias, np.float32))
        self.w1 = rnd(e, hid, inter, scale=1 / np.sqrt(hid))
        self.w3 = rnd(e, hid, inter, scale=1 / np.sqrt(hid)) if self.swiglu else None
        self.w2 = rnd(e, inter, hid, scale=1 / np.sqrt(inter))
        self.b1 = rnd(e, inter, scale=0.1) if bias else None
        self.b3 = rnd(e, inter, scale=0.1) if bias and self.swiglu else None
        self.b2 = rnd(e, hid, scale=0.1) if bias else None

    def logits64(self):
        return self.x.astype(np.float64) @ self.wg.T.astype(np.float64) + self.bg

    def graph(self, g, inp, linear, j=None):
        """The MLP nodes on `inp`; linear(inp, W [.., K, N], bias [.., N])
        builds one GEMM; j picks one expert's weights, None all of them."""
        pick = lambda p: None if p is None else (p if j is None else p[j])
        z = linear(inp, pick(self.w1), pick(self.b1))
        if self.swiglu:
            a = g.node("Mul", [_activation(g, z, "silu"),
                               linear(inp, pick(self.w3), pick(self.b3))])
        else:
            a = _activation(g, z, self.act)
        return linear(a, pick(self.w2), pick(self.b2))

    def reference(self, x64, j):
        """Expert j on the float64 rows x64."""
        bias = lambda p: 0 if p is None else p[j]
        z = x64 @ self.w1[j] + bias(self.b1)
        if self.swiglu:
            a = ACT["silu"](z) * (x64 @ self.w3[j] + bias(self.b3))
        else:
            a = ACT[self.act](z)
        return a @ self.w2[j] + bias(self.b2)

    def routed_reference(self, k, routing, renorm):
        """The float64 top-k layer over all tokens: sum over experts of the
        dense mask's column times the expert's output."""
        x64 = self.x.astype(np.float64)
        mask64 = _route_reference(self.logits64(), k, routing, renorm)
        y = np.zeros(x64.shape)
        for j in range(mask64.shape[1]):
            y += mask64[:, j:j + 1] * self.reference(x64, j)
        return y


def _nn_linear(g):
    """The `linear` of _Experts.graph for nn.Linear exports: weight [out,
    in] as Gemm with transB = 1, optional bias."""
    def linear(inp, wt, b):
        ins = [inp, g.const(np.ascontiguousarray(wt.T))]
        return g.node("Gemm", ins + ([g.const(b)] if b is not None else []), transB=1)
    return linear


def _route_reference(logits, k, routing, renorm):
    """float64 top-k routing as a dense [T, E] mask (ties: lower expert)."""
    t, e = logits.shape
    if routing == "softmax_topk":
        s = np.exp(logits - logits.max(1, keepdims=True))
        s /= s.sum(1, keepdims=True)
    elif routing == "sigmoid_topk":
        s = _sigmoid(logits)
    else:
        s = logits
    mask = np.zeros((t, e))
    for i in range(t):
        ids = np.argsort(-s[i], kind="stable")[:k]
        w = s[i, ids]
        if routing == "topk_softmax":
            w = np.exp(w - w.max())
            w /= w.sum()
        if renorm:
            w = w / w.sum()
        mask[i, ids] = w
    return mask


def dense_moe(t, hid, inter, e, k, *, routing="softmax_topk", renorm=True,
              act="gelu", bias=False, mask="scatter", combine="reducesum",
              layout="stacked", column="slice", shared=False, gate_bias=None,
              seed=0):
    """The dense-masked MoE: every expert on every token, weighted by a
    top-k-sparse [T, E] mask and summed.

    layout "stacked": experts as batched MatMuls x [T, H] x W [E, H, F]
      (biases [E, 1, F]); combine "reducesum" (Transpose, Unsqueeze, Mul,
      ReduceSum over experts) or "einsum" ("te,eth->th").
    layout "unrolled": one subgraph per expert, nn.Linear as Gemm with
      transB = 1 (weights [F, H]), summed as mask[:, e:e+1] * expert_e(x)
      (column "slice") or mask[:, e, None] (column "gather").
    act: relu, gelu, gelu_tanh, silu, identity, or swiglu (silu(x Wg) * x Wu).
    mask: "scatter" (ScatterElements into zeros), "onehot_equal" (torch's
      F.one_hot), "onehot" (the OneHot op).
    shared: adds a shared SiLU expert on every token.
    gate_bias: [E] added to the router logits (steers tokens in tests).
    """
    p = _Experts(t, hid, inter, e, act, bias, gate_bias, seed)
    rnd = p.rnd
    if shared:
        ws1, bs1 = rnd(inter, hid, scale=1 / np.sqrt(hid)), rnd(inter, scale=0.1)
        ws2, bs2 = rnd(hid, inter, scale=1 / np.sqrt(inter)), rnd(hid, scale=0.1)

    g = Graph()
    logits = g.node("Gemm", ["x", g.const(p.wg), g.const(p.bg)], transB=1)
    w, ids = _routing(g, logits, e, k, routing, renorm)
    m = _mask(g, w, ids, t, e, mask)

    if layout == "stacked":
        def linear(inp, wt, b):
            y = g.node("MatMul", [inp, g.const(wt)])
            return g.node("Add", [y, g.const(b[:, None, :])]) if b is not None else y
        y = p.graph(g, "x", linear)                             # [E, T, H]
        if combine == "einsum":
            out = g.node("Einsum", [m, y], equation="te,eth->th")
        else:
            mt = g.node("Unsqueeze", [g.node("Transpose", [m], perm=[1, 0]), g.axes(2)])
            out = g.node("ReduceSum", [g.node("Mul", [y, mt]), g.axes(0)], keepdims=0)
    else:
        linear = _nn_linear(g)
        out = None
        for j in range(e):
            yj = p.graph(g, "x", linear, j)
            if column == "slice":
                col = g.node("Slice", [m, g.axes(j), g.axes(j + 1), g.axes(1)])
            else:
                col = g.node("Unsqueeze", [g.node("Gather", [m, g.const(np.array(j, np.int64))],
                                                  axis=1), g.axes(1)])
            term = g.node("Mul", [col, yj])
            out = term if out is None else g.node("Add", [out, term])
    if shared:
        s1 = g.node("Gemm", ["x", g.const(ws1), g.const(bs1)], transB=1)
        s2 = g.node("Gemm", [_activation(g, s1, "silu"), g.const(ws2), g.const(bs2)], transB=1)
        out = g.node("Add", [out, s2])
    model = g.model((t, hid), out, (t, hid))

    def reference():
        y = p.routed_reference(k, routing, renorm)
        if shared:
            x64 = p.x.astype(np.float64)
            y += ACT["silu"](x64 @ ws1.T + bs1) @ ws2.T + bs2
        return y

    return model, {"x": p.x}, reference


def switch_moe(t, hid, inter, e, capacity, *, k=1, act="relu", bias=False,
               slots=None, dispatch="greater", gate_bias=None, second="logits",
               clamp="clip", seed=0):
    """The Switch Transformer (k = 1) / GShard (k = 2) einsum form with
    expert capacity, as torch exports it: ArgMax of the softmax, one-hot,
    CumSum positions, a capacity mask, [T, E, C] combine and dispatch
    tensors, and einsums for dispatch, the batched expert GEMMs and
    combine. A choice whose expert already holds `capacity` earlier ones is
    dropped. `slots` (C, default capacity) sizes the slot axis; `dispatch`
    builds the 0/1 dispatch tensor as combine > 0 ("greater") or as a cast
    to bool ("bool").

    k = 2 is fairseq's / Tutel's / DeepSpeed's top2gating: the second
    expert is the ArgMax of the logits (`second` = "logits", or of the
    probabilities, "probs") with the first masked to -inf; second choices
    queue behind all first choices (their CumSum is offset by the first
    choices' counts); the two kept gates are renormalised after dropping by
    max(g1 + g2, eps), eps = float32's, as Clip (`clamp` = "clip") or Max
    ("max")."""
    slots = slots or capacity
    p = _Experts(t, hid, inter, e, act, bias, gate_bias, seed)

    g = Graph()
    f32 = lambda v: g.const(np.array(v, np.float32))
    eps = float(np.finfo(np.float32).eps)

    logits = g.node("Gemm", ["x", g.const(p.wg), g.const(p.bg)], transB=1)
    probs = g.node("Softmax", [logits], axis=-1)
    onehots = [_torch_one_hot(g, g.node("ArgMax", [probs], axis=-1, keepdims=0), e)]
    if k == 2:
        src = logits if second == "logits" else probs
        masked = g.node("Where", [g.node("Cast", [onehots[0]], to=T.BOOL),
                                  f32(-np.inf), src])
        onehots.append(_torch_one_hot(g, g.node("ArgMax", [masked], axis=-1, keepdims=0), e))
    terms = []
    for j, onehot in enumerate(onehots):
        loc = g.node("Sub", [g.node("CumSum", [onehot, g.const(np.array(0, np.int64))]),
                             f32(1)])
        if j == 1:   # behind every first choice
            loc = g.node("Add", [loc, g.node("ReduceSum", [onehots[0], g.axes(0)],
                                             keepdims=1)])
        mask = g.node("Mul", [onehot, g.node("Cast", [g.node("Less", [loc, f32(capacity)])],
                                             to=T.FLOAT)])
        gate = g.node("ReduceSum", [g.node("Mul", [probs, mask]), g.axes(-1)], keepdims=0)
        pos = g.node("Cast", [g.node("ReduceSum", [g.node("Mul", [loc, mask]), g.axes(-1)],
                                     keepdims=0)], to=T.INT64)
        terms.append((gate, mask, pos))
    if k == 2:
        total = g.node("Add", [terms[0][0], terms[1][0]])
        denom = (g.node("Clip", [total, f32(eps)]) if clamp == "clip"
                 else g.node("Max", [total, f32(eps)]))
        terms = [(g.node("Div", [gate, denom]), mask, pos) for gate, mask, pos in terms]
    combine = None
    for gate, mask, pos in terms:
        term = g.node("Mul", [
            g.node("Mul", [g.node("Unsqueeze", [gate, g.axes(1, 2)]),
                           g.node("Unsqueeze", [mask, g.axes(2)])]),
            g.node("Unsqueeze", [_torch_one_hot(g, pos, slots), g.axes(1)])])
        combine = term if combine is None else g.node("Add", [combine, term])
    if dispatch == "greater":
        disp = g.node("Cast", [g.node("Greater", [combine, f32(0)])], to=T.FLOAT)
    else:
        disp = g.node("Cast", [g.node("Cast", [combine], to=T.BOOL)], to=T.FLOAT)
    xin = g.node("Einsum", [disp, "x"], equation="tec,th->ech")

    def linear(inp, wt, b):
        y = g.node("Einsum", [inp, g.const(wt)], equation="ech,ehf->ecf")
        return g.node("Add", [y, g.const(b[:, None, :])]) if b is not None else y
    out = g.node("Einsum", [combine, p.graph(g, xin, linear)], equation="tec,ech->th")
    model = g.model((t, hid), out, (t, hid))

    def reference():
        x64 = p.x.astype(np.float64)
        logits64 = p.logits64()
        probs64 = np.exp(logits64 - logits64.max(1, keepdims=True))
        probs64 /= probs64.sum(1, keepdims=True)
        # Choices in descending probability (ties: lower id), visited
        # choice-major against the capacity.
        chosen = np.argsort(-probs64, axis=1, kind="stable")[:, :k]
        kept = np.zeros((t, k), bool)
        used = np.zeros(e, int)
        for j in range(k):
            for i in range(t):
                if used[chosen[i, j]] < capacity:
                    used[chosen[i, j]] += 1
                    kept[i, j] = True
        y = np.zeros((t, hid))
        for i in range(t):
            gates = [probs64[i, chosen[i, j]] if kept[i, j] else 0.0 for j in range(k)]
            if k == 2 and sum(gates) > 0:
                gates = [gv / max(sum(gates), eps) for gv in gates]
            for j in range(k):
                if kept[i, j]:
                    y[i] += gates[j] * p.reference(x64[i], chosen[i, j])
        return y

    return model, {"x": p.x}, reference


def loop_moe(t, hid, inter, e, k, *, routing="softmax_topk", renorm=True,
             act="swiglu", bias=False, mask="permute", rows="gathernd",
             shared=False, gate_bias=None, seed=0):
    """The per-expert loop of Hugging Face's Mixtral / Qwen-MoE blocks, as
    torch exports it: for each expert, the NonZero coordinates of where it
    was chosen, the chosen tokens gathered, the expert MLP (nn.Linear as
    Gemm transB = 1) on them, scaled by the gathered routing weights and
    added back with ScatterND(reduction = add). Token counts are data
    dependent.

    mask "permute": one_hot(ids, E).permute(2, 1, 0)[e] -> NonZero ->
      Transpose + Slice + Squeeze (torch.where, as exported);
      "equal": NonZero(ids == e), rows taken with Gather.
    rows "gathernd": x[None, tok] as exported (Unsqueeze, Transpose,
      GatherND, Transpose, Reshape); "gather": Gather(x, tok, axis 0).
    shared: Qwen2-MoE's shared expert, sigmoid(x Wsg) * silu-MLP(x), added.
    """
    p = _Experts(t, hid, inter, e, act, bias, gate_bias, seed)
    rnd = p.rnd
    if shared:
        ws1 = rnd(inter, hid, scale=1 / np.sqrt(hid))
        ws2 = rnd(hid, inter, scale=1 / np.sqrt(inter))
        wsg = rnd(1, hid, scale=1 / np.sqrt(hid))

    g = Graph()
    i64 = lambda v: g.const(np.array(v, np.int64))
    logits = g.node("Gemm", ["x", g.const(p.wg), g.const(p.bg)], transB=1)
    w, ids = _routing(g, logits, e, k, routing, renorm)
    w3 = g.node("Unsqueeze", [w, g.axes(-1)])                    # [T, k, 1]
    if mask == "permute":
        oh = g.node("Cast", [g.node("Equal", [g.node("Unsqueeze", [ids, g.axes(-1)]),
                                              g.const(np.arange(e, dtype=np.int64))])],
                    to=T.INT64)
        per_expert = g.node("Transpose", [oh], perm=[2, 1, 0])  # [E, k, T]
    if rows == "gathernd":
        x3 = g.node("Transpose", [g.node("Unsqueeze", ["x", g.axes(0)])], perm=[1, 0, 2])

    linear = _nn_linear(g)
    out = g.const(np.zeros((t, hid), np.float32))
    for j in range(e):
        if mask == "permute":
            nz = g.node("Transpose", [g.node("NonZero", [
                g.node("Gather", [per_expert, i64(j)], axis=0)])], perm=[1, 0])
            col = lambda c: g.node("Squeeze", [g.node("Slice", [
                nz, g.axes(c), g.axes(c + 1), g.axes(1)]), g.axes(1)])
            choice, tok = col(0), col(1)
        else:
            nz = g.node("NonZero", [g.node("Equal", [ids, i64(j)])])
            tok, choice = (g.node("Gather", [nz, i64(r)], axis=0) for r in (0, 1))
        tok_col = g.node("Unsqueeze", [tok, g.axes(-1)])
        if rows == "gathernd":
            xr = g.node("Reshape", [g.node("Transpose", [g.node("GatherND", [x3, tok_col])],
                                           perm=[1, 0, 2]), i64([-1, hid])])
        else:
            xr = g.node("Gather", ["x", tok], axis=0)
        wsel = g.node("GatherND", [w3, g.node("Concat", [
            tok_col, g.node("Unsqueeze", [choice, g.axes(-1)])], axis=-1)])
        y = g.node("Mul", [p.graph(g, xr, linear, j), wsel])
        out = g.node("ScatterND", [out, tok_col, y], reduction="add")
    if shared:
        s = g.node("Gemm", [_activation(g, g.node("Gemm", ["x", g.const(ws1)], transB=1), "silu"),
                            g.const(ws2)], transB=1)
        sg = g.node("Sigmoid", [g.node("Gemm", ["x", g.const(wsg)], transB=1)])
        out = g.node("Add", [out, g.node("Mul", [sg, s])])
    model = g.model((t, hid), out, (t, hid))

    def reference():
        y = p.routed_reference(k, routing, renorm)
        if shared:
            x64 = p.x.astype(np.float64)
            y += _sigmoid(x64 @ wsg.T) * (ACT["silu"](x64 @ ws1.T) @ ws2.T)
        return y

    return model, {"x": p.x}, reference
