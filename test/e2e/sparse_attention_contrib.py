"""onnxruntime's com.microsoft.SparseAttention end to end: each case builds
a one-node model with the onnx helper (a block-sparse causal layout as CSR
constants, a KV cache of max_cache positions, prompt or decode steps,
grouped KV heads, packed or separate q/k/v, rotary or not), checks that
--emit=sy raises it into one sy.sparse_attention with query_offsets and no
SparseAttention node, compiles and runs it, and compares the output and
both updated caches with a float64 numpy reference written here from the
op's documentation and onnxruntime's CPU semantics (past length 0 in a
prompt, where total_sequence_length equals the new positions, else
key_total_sequence_lengths[b] - S; a block row with exactly r + 1 blocks,
or a layout with at least the full lower triangle's count, is causal) and
with onnxruntime's CPU kernel on the same model (past and present caches
bound to the same buffers, which that kernel requires) on the batches
whose key_total_sequence_lengths equals total_sequence_length: for the
others, onnxruntime 1.32's CPU kernel reads its attention probabilities
at another offset than it wrote them (i * S * length against
i * S * total), so those batches are checked against numpy only. Bound:
|got - want| <= 1e-4 * |want| + 1e-5 (float32 scores over at most a few
hundred keys)."""
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper

from sye2e import check_close, compile_model, emit_sy, main, run_library

RTOL, ATOL = 1e-4, 1e-5


def csr(layouts):
    """block_row_indices, block_col_indices of 0/1 block masks [L][NB][NB]
    (columns padded with -1 as onnxruntime's documentation shows)."""
    rows, cols = [], []
    for mask in layouts:
        r, c = [0], []
        for row in mask:
            c += [j for j, on in enumerate(row) if on]
            r.append(len(c))
        rows.append(r)
        cols.append(c)
    width = max(len(c) for c in cols)
    cols = [c + [-1] * (width - len(c)) for c in cols]
    return np.array(rows, np.int32), np.array(cols, np.int32)


def local_global(nb, local, ncols_global=1):
    """A causal BigBird-style layout: `local` blocks back and the first
    `ncols_global` block columns."""
    return [[1 if (j <= i and (i - j < local or j < ncols_global)) else 0
             for j in range(nb)] for i in range(nb)]


class Case:
    def __init__(self, batch=2, seq=8, heads=4, kv_heads=2, head=16, cache=128,
                 block=16, layouts=None, packed=False, rotary=None,
                 interleaved=False, scale=None, total=None, lengths=None,
                 seed=0):
        self.__dict__.update(locals())
        del self.__dict__["self"]
        nb = -(-cache // block)
        self.layouts = layouts or [local_global(nb, 2)]
        self.total = seq if total is None else total
        self.lengths = [self.total] * batch if lengths is None else lengths

    def model(self):
        h = self
        rows, cols = csr(h.layouts)
        f = TensorProto.FLOAT
        qwidth = (h.heads + 2 * h.kv_heads if h.packed else h.heads) * h.head
        inputs = [helper.make_tensor_value_info("query", f, [h.batch, h.seq, qwidth])]
        names = ["query"]
        if h.packed:
            names += ["", ""]
        else:
            for n in ("key", "value"):
                inputs.append(helper.make_tensor_value_info(
                    n, f, [h.batch, h.seq, h.kv_heads * h.head]))
                names.append(n)
        cache = [h.batch, h.kv_heads, h.cache, h.head]
        inputs += [helper.make_tensor_value_info("past_key", f, cache),
                   helper.make_tensor_value_info("past_value", f, cache),
                   helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
                   helper.make_tensor_value_info("key_total_sequence_lengths", TensorProto.INT32, [h.batch])]
        names += ["past_key", "past_value", "block_row_indices", "block_col_indices",
                  "total_sequence_length", "key_total_sequence_lengths"]
        attrs = dict(num_heads=h.heads, kv_num_heads=h.kv_heads, sparse_block_size=h.block)
        if h.scale is not None:
            attrs["scale"] = h.scale
        if h.rotary:
            names += ["cos_cache", "sin_cache"]
            for n in ("cos_cache", "sin_cache"):
                inputs.append(helper.make_tensor_value_info(n, f, [h.cache, h.rotary // 2]))
            attrs["do_rotary"] = 1
            attrs["rotary_interleaved"] = int(h.interleaved)
        node = helper.make_node("SparseAttention", names, ["output", "present_key", "present_value"],
                                domain="com.microsoft", **attrs)
        graph = helper.make_graph(
            [node], "sparse_attention", inputs,
            [helper.make_tensor_value_info("output", f, [h.batch, h.seq, h.heads * h.head]),
             helper.make_tensor_value_info("present_key", f, cache),
             helper.make_tensor_value_info("present_value", f, cache)],
            initializer=[helper.make_tensor("block_row_indices", TensorProto.INT32, rows.shape, rows.flatten()),
                         helper.make_tensor("block_col_indices", TensorProto.INT32, cols.shape, cols.flatten())])
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                       helper.make_opsetid("com.microsoft", 1)])

    def inputs(self):
        h = self
        rng = np.random.default_rng(h.seed)
        qwidth = (h.heads + 2 * h.kv_heads if h.packed else h.heads) * h.head
        x = {"query": rng.standard_normal((h.batch, h.seq, qwidth), dtype=np.float32)}
        if not h.packed:
            for n in ("key", "value"):
                x[n] = rng.standard_normal((h.batch, h.seq, h.kv_heads * h.head), dtype=np.float32)
        cache = (h.batch, h.kv_heads, h.cache, h.head)
        x["past_key"] = rng.standard_normal(cache, dtype=np.float32)
        x["past_value"] = rng.standard_normal(cache, dtype=np.float32)
        x["total_sequence_length"] = np.array(h.total, np.int32)
        x["key_total_sequence_lengths"] = np.array(h.lengths, np.int32)
        if h.rotary:
            pos = np.arange(h.cache)[:, None]
            inv = 1.0 / 10000 ** (np.arange(h.rotary // 2) / (h.rotary // 2))
            x["cos_cache"] = np.cos(pos * inv).astype(np.float32)
            x["sin_cache"] = np.sin(pos * inv).astype(np.float32)
        return x

    def reference(self, x):
        """float64 output and present caches."""
        h = self
        q = x["query"].astype(np.float64).reshape(h.batch, h.seq, -1, h.head)
        if h.packed:
            q, k, v = np.split(q, [h.heads, h.heads + h.kv_heads], axis=2)
        else:
            k = x["key"].astype(np.float64).reshape(h.batch, h.seq, h.kv_heads, h.head)
            v = x["value"].astype(np.float64).reshape(h.batch, h.seq, h.kv_heads, h.head)
        prompt = h.total == h.seq
        past = [0 if prompt else h.lengths[b] - h.seq for b in range(h.batch)]

        def rotate(t, b):  # t [S, N, D] at positions past[b] + s
            if not h.rotary:
                return t
            rd, half = h.rotary, h.rotary // 2
            pos = past[b] + np.arange(h.seq)
            cos = x["cos_cache"].astype(np.float64)[pos][:, None, :]
            sin = x["sin_cache"].astype(np.float64)[pos][:, None, :]
            out = t.copy()
            r = t[..., :rd]
            if h.interleaved:
                even, odd = r[..., 0::2], r[..., 1::2]
                out[..., 0:rd:2] = even * cos - odd * sin
                out[..., 1:rd:2] = odd * cos + even * sin
            else:
                lo, hi = r[..., :half], r[..., half:]
                out[..., :half] = lo * cos - hi * sin
                out[..., half:rd] = hi * cos + lo * sin
            return out

        pk = x["past_key"].astype(np.float64).copy()
        pv = x["past_value"].astype(np.float64).copy()
        nb = len(h.layouts[0])
        out = np.zeros((h.batch, h.seq, h.heads, h.head))
        scale = h.scale if h.scale else 1 / np.sqrt(h.head)
        for b in range(h.batch):
            qb, kb = rotate(q[b], b), rotate(k[b], b)
            pk[b, :, past[b]:past[b] + h.seq] = kb.transpose(1, 0, 2)
            pv[b, :, past[b]:past[b] + h.seq] = v[b].transpose(1, 0, 2)
            for head in range(h.heads):
                mask = np.array(h.layouts[head % len(h.layouts)])
                dense = mask.sum() >= nb * (nb + 1) // 2
                kvh = head // (h.heads // h.kv_heads)
                for s in range(h.seq):
                    p = past[b] + s
                    row = p // h.block
                    keys = np.arange(p + 1)
                    if not dense and mask[row].sum() != row + 1:
                        keys = keys[mask[row][keys // h.block] == 1]
                    sc = scale * (pk[b, kvh, keys] @ qb[s, head])
                    w = np.exp(sc - sc.max())
                    out[b, s, head] = (w / w.sum()) @ pv[b, kvh, keys]
        return out.reshape(h.batch, h.seq, -1), pk, pv


def bind_shared_caches(sess, x):
    """An io binding of `sess` on the inputs `x` whose present caches are
    the past caches' buffers (onnxruntime's SparseAttention kernel requires
    it); returns (binding, arrays): the arrays the OrtValues wrap, which
    must outlive the runs and hold the updated caches after one."""
    import onnxruntime as ort
    arrays = {n: np.array(a) for n, a in x.items()}
    values = {n: ort.OrtValue.ortvalue_from_numpy(a) for n, a in arrays.items()}
    binding = sess.io_binding()
    for n, value in values.items():
        binding.bind_ortvalue_input(n, value)
    binding.bind_output("output")
    binding.bind_ortvalue_output("present_key", values["past_key"])
    binding.bind_ortvalue_output("present_value", values["past_value"])
    return binding, arrays


def onnxruntime_outputs(model, x):
    import onnxruntime as ort
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    binding, arrays = bind_shared_caches(sess, x)
    sess.run_with_iobinding(binding)
    return binding.get_outputs()[0].numpy(), arrays["past_key"], arrays["past_value"]


def check(name, case, sparsity):
    model = case.model()
    onnx.checker.check_model(model)
    ir = emit_sy(model)
    ops = [line for line in ir.splitlines() if "sy.sparse_attention" in line]
    if len(ops) != 1 or "query_offsets" not in ops[0] or sparsity not in ops[0]:
        raise AssertionError(f"{name}: expected one sy.sparse_attention with query_offsets "
                             f"and '{sparsity}', got:\n" + "\n".join(ops))
    if "SparseAttention" in ir:
        raise AssertionError(f"{name}: a SparseAttention node is left")
    x = case.inputs()
    want = case.reference(x)
    theirs = onnxruntime_outputs(model, x)
    with tempfile.TemporaryDirectory() as d:
        got = run_library(compile_model(model, d), x, d)
    same = [b for b in range(case.batch)
            if case.total == case.seq or case.lengths[b] == case.total]
    if not same:
        raise AssertionError(f"{name}: no batch to compare with onnxruntime")
    for i, out in enumerate(("output", "present_key", "present_value")):
        check_close(f"{name}: onnxruntime {out} vs numpy", theirs[i][same], want[i][same],
                    RTOL, ATOL)
        check_close(f"{name}: switchyard {out} vs numpy", got[out], want[i], RTOL, ATOL)


BLOCKS = "<blocks 16 causal"


def test_prompt_two_layouts_grouped_heads():
    nb = 8
    check("prompt", Case(seq=80, layouts=[local_global(nb, 2), local_global(nb, 1, 2)]), BLOCKS)


def test_prompt_odd_length_single_head_group():
    check("prompt odd", Case(batch=1, seq=37, heads=2, kv_heads=2, cache=64, block=16,
                             layouts=[local_global(4, 1)], seed=1), BLOCKS)


def test_decode_per_batch_lengths():
    # Batch 0 decodes its 71st token, batch 1 its 33rd (a block boundary).
    check("decode", Case(seq=1, total=71, lengths=[71, 33], block=32,
                         layouts=[local_global(4, 1)], seed=2), "<blocks 32 causal")


def test_chunk_after_past():
    check("chunk", Case(seq=5, total=50, lengths=[50, 37], seed=3), BLOCKS)


def test_packed_qkv_with_rotary():
    check("packed rotary", Case(seq=24, head=32, packed=True, rotary=32, seed=4), BLOCKS)


def test_partial_interleaved_rotary_decode():
    check("interleaved rotary", Case(seq=1, head=32, rotary=16, interleaved=True,
                                     total=90, lengths=[90, 17], scale=0.2, seed=5), BLOCKS)


def test_dense_layout_is_causal():
    nb = 8
    full = [[1 if j <= i else 0 for j in range(nb)] for i in range(nb)]
    check("dense layout", Case(seq=20, layouts=[full], seed=6), "sparsity = <causal>")


def test_layout_row_without_earlier_block_is_refused():
    nb = 8
    layout = local_global(nb, 2)
    layout[3] = [0, 0, 0, 0, 1, 0, 0, 0]  # block row 3 sees only a later block
    with tempfile.TemporaryDirectory() as d:
        try:
            compile_model(Case(layouts=[layout]).model(), d)
        except AssertionError as e:
            if "block row 3 of layout 0 sees no block at or before the diagonal" not in str(e):
                raise
            return
    raise AssertionError("a layout with an empty causal row compiled")


def test_length_past_the_cache_fails_the_run():
    case = Case(seq=1, total=200, lengths=[200, 10])  # cache of 128
    x = case.inputs()
    with tempfile.TemporaryDirectory() as d:
        lib = compile_model(case.model(), d)
        try:
            run_library(lib, x, d)
        except AssertionError as e:
            if "query position is outside the key/value cache" not in str(e):
                raise
            return
    raise AssertionError("a length past the cache ran")


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
