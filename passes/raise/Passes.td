//===- Passes.td - raising passes --------------------------*- tablegen -*-===//
#ifndef SWITCHYARD_PASSES_RAISE
#define SWITCHYARD_PASSES_RAISE

include "mlir/Pass/PassBase.td"

def RaiseMoE : Pass<"sy-raise-moe", "::mlir::func::FuncOp"> {
  let summary = "Raise Mixture-of-Experts layers to sy.route, sy.dispatch, "
                "sy.grouped_matmul and sy.combine";
  let description = [{
    Runs on the imported `onnx` dialect, before `sy-lower-onnx`. Each form
    of an MoE layer that exporters produce becomes

        route -> dispatch -> grouped_matmul (fc1 + activation)
              -> grouped_matmul (fc2) -> combine

    so that only the experts routing selects are computed.

    Forms raised so far (each checked completely before the IR changes;
    anything else is left to the ONNX lowering):
    * ONNX Runtime's `com.microsoft.MoE` contrib op (softmax over the router
      logits, top-k, optional renormalisation, fc1/fc2 in `[E, N, K]`
      layout with optional biases, relu/gelu(tanh)/silu/identity/SwiGLU
      experts). The node's inputs and attributes are checked at import
      (`passes/lower/onnx/Contrib.cpp`), so the rewrite is exact.
    * The dense-masked form: every expert computed on every token and
      summed under a `[T, E]` mask that is zero except at the top-k
      choices. Routing: Softmax→TopK, Sigmoid→TopK or TopK→Softmax, with
      or without Div-by-ReduceSum renormalisation. Mask: ScatterElements
      into a zero constant, or a one-hot (OneHot, or torch's Equal with
      an arange) times the weights summed over k. Experts either stacked
      (MatMul of the tokens with `[E, H, F]` weights, optional `[E, 1, F]`
      biases; combined by Transpose/Unsqueeze/Mul/ReduceSum over experts or
      Einsum `te,eth->th`) or one subgraph per expert (Gemm or MatMul+Add,
      constant weights, summed as `mask[:, e:e+1] * expert_e(x)` with
      Slice or Gather columns). Experts: relu, gelu (erf or tanh), silu
      (`z * Sigmoid(z)`), identity, or SwiGLU `silu(gate(x)) * up(x)`. A
      shared expert added to the sum stays as it is.
    * The Switch (top-1) and GShard (top-2) einsum forms with capacity:
      ArgMax of the softmax, one-hot, CumSum positions compared with the
      capacity, `[T, E, C]` combine (gate × mask × slot one-hot, one term
      per choice) and dispatch (`combine > 0`) tensors, Einsum dispatch
      `tec,th->ech`, batched expert Einsums (or MatMuls), Einsum combine
      `tec,ech->th`. Top-1 becomes `sy.route ... top_k = 1 capacity = C`:
      dropped tokens give 0, as in the original. Top-2 is fairseq's /
      Tutel's / DeepSpeed's top2gating: the second ArgMax over the logits
      (or probabilities) with the first choice masked to -inf, its
      positions queued behind all first choices, both gates divided by
      `Clip`/`Max(g1 + g2, eps)`; it becomes `sy.route ... top_k = 2
      capacity = C renormalize_kept = eps`.
    * The per-expert loop of Hugging Face's Mixtral/Qwen-MoE blocks as
      torch exports it: a chain of ScatterND(add)s from a zero `[T, H]`
      constant, one per expert, each adding `expert_e(x[tok]) *
      weights[tok, choice]` at rows `tok`, where `(choice, tok)` are the
      NonZero coordinates of the expert's mask (`one_hot(ids).permute(2, 1,
      0)[e]` or `ids == e`), the tokens are gathered with Gather or
      GatherND, the weight with GatherND, and the experts are Gemm or
      MatMul+Add subgraphs with constant weights (stacked at raise time).
      The data-dependent token counts disappear with the loop.

    Before:
    ```mlir
    %y = onnx.node "MoE" domain "com.microsoft" opset 1
           (%x, %logits, %w1, %none, %w2) {activation_type = "relu", k = 2 : i64}
           : (tensor<16x64xf32>, tensor<16x8xf32>, tensor<8x128x64xf32>, none,
              tensor<8x64x128xf32>) -> tensor<16x64xf32>
    ```
    After:
    ```mlir
    %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk : ...
    %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : ...
    %h = sy.grouped_matmul %rows, %w1 offsets %offsets rhs_transposed
           activation = relu : ...
    %o = sy.grouped_matmul %h, %w2 offsets %offsets rhs_transposed : ...
    %y = sy.combine %o, %inverse, %w : ...
    ```
  }];
  let dependentDialects = [
    "::switchyard::sy::SyDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect"
  ];
}

def RaisePyramid : Pass<"sy-raise-pyramid", "::mlir::func::FuncOp"> {
  let summary = "Raise the pooling levels of one feature map to "
                "sy.pyramid_pool, upsampling into a Concat to "
                "sy.upsample_concat";
  let description = [{
    Runs on the imported `onnx` dialect, before `sy-lower-onnx`. The
    poolings of one `[N, C, H, W]` f32 feature map become the levels of
    one `sy.pyramid_pool`, which the lowering computes from a single read
    of the map:

    * `AveragePool` / `MaxPool` with a 2-D kernel, explicit pads (or
      `auto_pad = VALID`) and unit dilations: a window level with the
      node's kernel, strides, pads, `ceil_mode` and `count_include_pad`;
    * `GlobalAveragePool` / `GlobalMaxPool`, and `ReduceMean` /
      `ReduceMax` over axes {2, 3} with `keepdims` (how torch exports
      `AdaptiveAvgPool2d(1)`): an adaptive level with `bins = [1, 1]`;
    * a window pool reading the previous level's result: a `chained` level
      (YOLO SPPF's three k5 max pools).

    Each map's pools are the levels in program order, each followed by its
    chain. Two or more levels make a pyramid; a lone pool stays an ONNX
    node, as does any pool the lowering does not implement exactly (SAME
    auto padding, dilations, a used `Indices` output, other element types,
    dynamic shapes). This covers PSPNet's PPM (torch exports
    `AdaptiveAvgPool2d(b)` with `b` dividing the size as `AveragePool` with
    kernel = stride), DDRNet's DAPPM / PIDNet's PAPPM (k5/s2/p2, k9/s4/p4,
    k17/s8/p8 and global pooling), YOLO's SPPF and SPP (k5, 9, 13).

    A `Concat` along channels of `[N, C_i, H, W]` maps, some of them
    bilinear `Resize`s up to `H x W` (mode linear, one coordinate mode among
    half_pixel, pytorch_half_pixel, align_corners and asymmetric, sizes or
    exact scales, no antialias / exclude_outside / axes, used only by the
    Concat) becomes `sy.upsample_concat` of the maps and the Resizes'
    inputs: PSPNet's PPM output, written without materialising the
    upsampled levels. The per-level convolutions and the other consumers
    (DAPPM's `Add`s) stay ONNX nodes.

    Before:
    ```mlir
    %1 = onnx.node "MaxPool" (%0) {kernel_shape = [5, 5], pads = [2, 2, 2, 2],
           strides = [1, 1]} : (tensor<1x256x20x20xf32>) -> tensor<1x256x20x20xf32>
    %2 = onnx.node "MaxPool" (%1) {...} : ...
    %3 = onnx.node "MaxPool" (%2) {...} : ...
    ```
    After:
    ```mlir
    %1:3 = sy.pyramid_pool %0 levels = [
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>,
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>,
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>]
        : tensor<1x256x20x20xf32> -> tensor<1x256x20x20xf32>, ...
    ```
  }];
  let dependentDialects = ["::switchyard::sy::SyDialect"];
}

def RaiseAttention : Pass<"sy-raise-attention", "::mlir::func::FuncOp"> {
  let summary = "Raise attention under a constant mask to sy.sparse_attention";
  let description = [{
    Runs on the imported `onnx` dialect, before `sy-lower-onnx`. Matches
    `MatMul(q', kt') -> scales -> mask -> scales -> Softmax(last axis) ->
    MatMul(probs, v)` on f32 tensors of static shape, rank 2 to 4 (one
    head, heads folded into the batch, or `[B, H, S, D]` after the usual
    Reshape/Transpose head split), where:

    * a scale is a `Mul` or `Div` by a positive scalar constant, on the
      scores or on either operand of the first MatMul (torch's SDPA export
      scales q and k by `d^-1/4` each); their product is the op's `scale`;
    * `kt'` is the key transposed: a `Transpose` is folded into the key
      operand (composing permutations; a new `Transpose` otherwise);
    * the mask is an `Add` of an additive mask (0 visible; `-inf`, or at
      most `-1e4` after scaling, masked; other values a bias) or a `Where`
      between the scores and a scalar fill (`-inf` or at most `-1e4`:
      `masked_fill`), whose mask or condition is a constant or a subgraph
      of constants (Range, comparisons, logic, Where, Trilu, Cast,
      Unsqueeze, Reshape, Expand: masks torch builds in forward). It must
      be broadcast over the batch (size 1 in the leading dims but the
      heads of rank-4 scores); it may differ per head.

    From the folded mask: `<causal>` or `<window [L, R]>`, each possibly
    with `global G`, when the mask is exactly that; else `<blocks B, ...>`
    for the largest B in {128, 64, 32, 16} at which every block is whole;
    else `<blocks 64, ...>` of the blocks holding a visible pair, with the
    mask itself as the op's additive `bias`. Visible non-zero mask values
    are kept as the bias too.

    Not raised (near misses stay dense ONNX): a mask that depends on an
    input or has a batch dim (padding masks), a softmax over another axis, probabilities
    used elsewhere, a finite fill with a fully masked row (the dense graph
    averages such a row over every key; with `-inf` it is NaN, which the
    op keeps with `fully_masked_rows = nan`).

    Before (one head of a sliding window of 2 keys):
    ```mlir
    %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : ...
    %d = onnx.node "Div" opset 17 (%s, %sqrt_d) {} : ...
    %m = onnx.node "Add" opset 17 (%d, %mask) {} : ...
    %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : ...
    %o = onnx.node "MatMul" opset 17 (%p, %v) {} : ...
    ```
    After:
    ```mlir
    %o = sy.sparse_attention %q4, %k4, %v4 scale = 1.250000e-01
           sparsity = <window [1, 0]> : ...
    ```

    Also raises onnxruntime's `com.microsoft.SparseAttention` (f32, static
    shapes, constant `block_row_indices`/`block_col_indices`) with the
    semantics of onnxruntime's CPU kernel: each batch's past length is 0 in
    a prompt (`total_sequence_length` equal to the new positions) and
    `key_total_sequence_lengths[b] - S` otherwise; the new keys (rotated
    with `do_rotary`, interleaved or not, at their positions) and values
    are written into the caches there (`present_key`/`present_value`, the
    rest copied from the past); then one `sy.sparse_attention` with
    `query_offsets` = the past lengths attends over the cache under
    `<blocks B causal, layout>` (`<causal>` when every layout is the full
    lower triangle), grouped KV heads and layouts used by heads in turn as
    the op defines. A block row with exactly r + 1 blocks, or a layout
    with at least the full triangle's count, is causal, as in that kernel.
    Refused with an error naming the node: a layout input that is not a
    constant, a layout covering fewer positions than the cache, a block
    column outside the layout, and a block row that sees no block at or
    before the diagonal (onnxruntime then averages every earlier value).
  }];
  let dependentDialects = [
    "::switchyard::sy::SyDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect"
  ];
}

#endif // SWITCHYARD_PASSES_RAISE
