//===- SyOps.td - the sy ops -------------------------------*- tablegen -*-===//
//
// Each op states its math precisely enough that an independent reference can
// be written from the description alone (test/e2e's numpy references are).
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_SY_OPS
#define SWITCHYARD_SY_OPS

include "dialects/sy/SyBase.td"

def Sy_IndexTensor : TensorOf<[I32, I64]>;
def Sy_FloatTensor : TensorOf<[F16, BF16, F32, F64]>;

//===----------------------------------------------------------------------===//
// Mixture-of-Experts
//===----------------------------------------------------------------------===//

def Sy_RouteOp : Sy_Op<"route"> {
  let summary = "router logits to top-k expert ids and routing weights";
  let description = [{
    Picks `top_k` experts per token from router logits `[T, E]` (T tokens,
    E experts) and returns their ids `[T, K]` and weights `[T, K]`.

    For each token `t`:

    1. Scores `s[e]`: `softmax_topk`: `softmax(logits[t, :])[e]`;
       `topk_softmax`: `logits[t, e]`; `sigmoid_topk`: `sigmoid(logits[t, e])`.
    2. Selection keys `c[e] = s[e] + correction_bias[e]` (DeepSeek-V3's
       `e_score_correction_bias`; `c = s` without the operand). The bias only
       chooses experts; it never enters the weights.
    3. Limited (group) routing, when `groups = G top_groups = TG group_score
       = max|top2_sum` is present: experts form G groups of E/G consecutive
       ids; a group's score is its largest `c` (`max`) or the sum of its two
       largest `c` (`top2_sum`); only the TG groups with the largest scores
       stay eligible (ties: lower group index first).
    4. `expert_ids[t, 0..K)` are the K eligible experts with the largest `c`,
       in descending order of `c`; ties go to the lower expert id.
    5. Weights `w[j] = s[expert_ids[t, j]]`; for `topk_softmax`,
       `w = softmax(logits[t, expert_ids[t, :]])` over the K chosen.
    6. `renormalize`: `w[j] /= sum_j w[j]`. Then `w[j] *= scale` (default 1).
    7. `capacity = C`: assignments `(t, j)` are visited choice-major (all
       tokens' first choices in token order, then all second choices, ...);
       an assignment to expert `e` is kept when fewer than C earlier
       assignments to `e` were kept, otherwise it is dropped: its expert id
       becomes -1 and its weight 0 (remaining weights are not renormalized),
       GShard/Switch token dropping.
    8. `renormalize_kept = f` (GShard top-2 as fairseq, Tutel and DeepSpeed
       write it: the gates renormalised after dropping): after step 7,
       `w[j] /= max(sum_j w[j], f)` over the token's weights (dropped ones
       are 0); a token whose weights sum to 0 keeps zeros. `f >= 0`.

    ```mlir
    %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk renormalize
        : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$logits,
    Optional<Sy_FloatTensor>:$correction_bias,
    ConfinedAttr<I64Attr, [IntPositive]>:$top_k,
    Sy_RoutingMode:$mode,
    UnitAttr:$renormalize,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$capacity,
    OptionalAttr<F32Attr>:$renormalize_kept,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$groups,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$top_groups,
    OptionalAttr<Sy_GroupScore>:$group_score,
    OptionalAttr<F32Attr>:$scale
  );
  let results = (outs Sy_IndexTensor:$expert_ids, Sy_FloatTensor:$weights);
  let assemblyFormat = [{
    $logits (`correction_bias` $correction_bias^)?
    `top_k` `=` $top_k `mode` `=` $mode (`renormalize` $renormalize^)?
    (`capacity` `=` $capacity^)? (`renormalize_kept` `=` $renormalize_kept^)?
    (`groups` `=` $groups^)? (`top_groups` `=` $top_groups^)?
    (`group_score` `=` $group_score^)? (`scale` `=` $scale^)?
    attr-dict `:` type($logits) (`,` type($correction_bias)^)?
    `->` type($expert_ids) `,` type($weights)
  }];
}

def Sy_DispatchOp : Sy_Op<"dispatch"> {
  let summary = "tokens to expert-contiguous order";
  let description = [{
    Copies each token once per expert it was routed to, grouping the copies
    by expert. Inputs: `tokens [T, H]`, `expert_ids [T, K]` (as from
    `sy.route`). Results: `permuted [T*K, H]`, `offsets [E+1]` (CSR
    `indptr` over experts) and `inverse [T, K]`.

    Assignment `a = t*K + j` goes to expert `e = expert_ids[t, j]`; an id
    outside `[0, num_experts)` (e.g. -1, dropped by capacity) is not
    dispatched. With `count[e]` the number of assignments to `e`:

    * `offsets[0] = 0`, `offsets[e+1] = offsets[e] + count[e]`;
    * an assignment's row is `p(a) = offsets[e] + #{a' < a : a' to e}`
      (stable: within an expert, rows keep token order);
    * `permuted[p(a), :] = tokens[t, :]`; rows from `offsets[E]` on are 0;
    * `inverse[t, j] = p(a)`, or -1 when not dispatched.

    ```mlir
    %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8
        : tensor<16x64xf32>, tensor<16x2xi64>
        -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$tokens,
    Sy_IndexTensor:$expert_ids,
    ConfinedAttr<I64Attr, [IntPositive]>:$num_experts
  );
  let results = (outs
    Sy_FloatTensor:$permuted,
    Sy_IndexTensor:$offsets,
    Sy_IndexTensor:$inverse
  );
  let assemblyFormat = [{
    $tokens `,` $expert_ids `num_experts` `=` $num_experts attr-dict
    `:` type($tokens) `,` type($expert_ids)
    `->` type($permuted) `,` type($offsets) `,` type($inverse)
  }];
}

def Sy_RouteDispatchOp : Sy_Op<"route_dispatch"> {
  let summary = "sy.route and sy.dispatch fused: one pass over the logits";
  let description = [{
    Computes what `sy.route` on `logits` (with the same attributes) followed
    by `sy.dispatch` of `tokens` by its ids with `num_experts = E` computes,
    and returns all five results: `expert_ids [T, K]`, `weights [T, K]`,
    `permuted [T*K, H]`, `offsets [E+1]`, `inverse [T, K]`. Scoring, top-k,
    renormalisation, capacity, the per-expert counts, the CSR offsets and
    the stable permutation come out of one pass over the logits per token
    plus one over the assignments; no one-hot or `[T, E]` mask tensor exists.

    Made by `sy-fuse-gating-dispatch`; not written by the raising passes, so
    that every rewrite of the routing sees `sy.route` alone.

    ```mlir
    %ids, %w, %rows, %offsets, %inverse = sy.route_dispatch %logits
        tokens %x top_k = 2 mode = softmax_topk renormalize
        : tensor<16x8xf32>, tensor<16x64xf32>
        -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>,
           tensor<9xi64>, tensor<16x2xi64>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$logits,
    Optional<Sy_FloatTensor>:$correction_bias,
    Sy_FloatTensor:$tokens,
    ConfinedAttr<I64Attr, [IntPositive]>:$top_k,
    Sy_RoutingMode:$mode,
    UnitAttr:$renormalize,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$capacity,
    OptionalAttr<F32Attr>:$renormalize_kept,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$groups,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$top_groups,
    OptionalAttr<Sy_GroupScore>:$group_score,
    OptionalAttr<F32Attr>:$scale
  );
  let results = (outs
    Sy_IndexTensor:$expert_ids,
    Sy_FloatTensor:$weights,
    Sy_FloatTensor:$permuted,
    Sy_IndexTensor:$offsets,
    Sy_IndexTensor:$inverse
  );
  let assemblyFormat = [{
    $logits (`correction_bias` $correction_bias^)? `tokens` $tokens
    `top_k` `=` $top_k `mode` `=` $mode (`renormalize` $renormalize^)?
    (`capacity` `=` $capacity^)? (`renormalize_kept` `=` $renormalize_kept^)?
    (`groups` `=` $groups^)? (`top_groups` `=` $top_groups^)?
    (`group_score` `=` $group_score^)? (`scale` `=` $scale^)?
    attr-dict `:` type($logits) `,` type($tokens)
    (`,` type($correction_bias)^)? `->` type($expert_ids) `,` type($weights) `,`
    type($permuted) `,` type($offsets) `,` type($inverse)
  }];
}

def Sy_DispatchWeightsOp : Sy_Op<"dispatch_weights"> {
  let summary = "routing weights in dispatched row order";
  let description = [{
    With `inverse [T, K]` from `sy.dispatch` (or `sy.route_dispatch`) and
    the routing `weights [T, K]`, the weight of each dispatched row:

        out[inverse[t, j]] = weights[t, j]  for 0 <= inverse[t, j] < R

    and 0 for the rows no assignment names. `inverse` must name each row at
    most once (a dispatch's does). The `row_scale` of a `sy.grouped_matmul`
    whose rows `sy.combine` then sums unweighted.

    ```mlir
    %s = sy.dispatch_weights %inverse, %w
        : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
    ```
  }];
  let arguments = (ins
    Sy_IndexTensor:$inverse,
    Sy_FloatTensor:$weights
  );
  let results = (outs Sy_FloatTensor:$result);
  let assemblyFormat = [{
    $inverse `,` $weights attr-dict `:` type($inverse) `,` type($weights)
    `->` type($result)
  }];
}

def Sy_GroupedMatmulOp : Sy_Op<"grouped_matmul", [AttrSizedOperandSegments]> {
  let summary = "one GEMM per expert over ragged row groups";
  let description = [{
    `lhs [M, K]` holds rows grouped by expert: rows `[offsets[e],
    offsets[e+1])` belong to expert `e` (`offsets [E+1]`, non-decreasing,
    `0 <= offsets[0]`, `offsets[E] <= M`). `rhs` holds one weight matrix
    per expert, `[E, K, N]`, or `[E, N, K]` with `rhs_transposed` (ONNX
    Runtime's MoE layout). For each expert `e` and row `r` in its group:

        y[r, n]   = sum_k lhs[r, k] * W_e[k, n] + bias[e, n]   (bias optional)
        out[r, :] = act(y[r, :])

    With `row_scale [M]` the epilogue also scales each row after the
    activation: `out[r, :] = row_scale[r] * act(y[r, :])` (how
    `sy-tile-grouped-matmul` folds the routing weights of `sy.combine` into
    the second GEMM).

    Rows outside `[offsets[0], offsets[E])` are 0. Activations:
    `identity`; `relu` `max(y, 0)`; `gelu` `0.5 y (1 + erf(y / sqrt 2))`;
    `gelu_tanh` `0.5 y (1 + tanh(sqrt(2/pi) (y + 0.044715 y^3)))`; `silu`
    `y * sigmoid(y)`; `swiglu` (N = 2I, out is `[M, I]`):
    `out[r, i] = silu(y[r, i]) * y[r, I + i]`; `swiglu_interleaved`:
    `out[r, i] = silu(y[r, 2i]) * y[r, 2i + 1]`.

    `tiles R x C` (set by `sy-tile-grouped-matmul`) bounds the work items
    the CPU lowering runs in parallel: at most `R` rows of one expert's
    group by `C` GEMM columns (both rounded up to the micro-kernel's
    register block and panel). Without it the lowering's defaults apply; the
    result does not depend on it.

    ```mlir
    %h = sy.grouped_matmul %rows, %w1 offsets %offsets bias %b1
           activation = swiglu
        : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64>,
          tensor<8x256xf32> -> tensor<32x128xf32>
    %y = sy.grouped_matmul %h, %w2 offsets %offsets
           row_scale(%s : tensor<32xf32>)
        : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64>
          -> tensor<32x64xf32>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$lhs,
    Sy_FloatTensor:$rhs,
    Sy_IndexTensor:$offsets,
    Optional<Sy_FloatTensor>:$bias,
    Optional<Sy_FloatTensor>:$row_scale,
    UnitAttr:$rhs_transposed,
    DefaultValuedAttr<Sy_Activation, "::switchyard::sy::Activation::identity">:$activation,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$tile_rows,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$tile_cols
  );
  let results = (outs Sy_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `offsets` $offsets (`bias` $bias^)?
    (`row_scale` `(` $row_scale^ `:` type($row_scale) `)`)?
    (`rhs_transposed` $rhs_transposed^)? (`activation` `=` $activation^)?
    (`tiles` $tile_rows^ `x` $tile_cols)?
    attr-dict `:` type($lhs) `,` type($rhs) `,` type($offsets)
    (`,` type($bias)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Columns of the GEMM before a SwiGLU halves them (N).
    int64_t getGemmColumns();
    bool isGated() {
      return getActivation() == Activation::swiglu ||
             getActivation() == Activation::swiglu_interleaved;
    }
  }];
}

def Sy_CombineOp : Sy_Op<"combine"> {
  let summary = "weighted scatter-add of expert rows back to token order";
  let description = [{
    The inverse of `sy.dispatch`: with `expert_out [R, H]` in dispatched
    order, `inverse [T, K]` and `weights [T, K]`,

        out[t, :] = sum over j = 0..K-1 with 0 <= inverse[t, j] < R of
                    weights[t, j] * expert_out[inverse[t, j], :]

    summed in increasing `j`; a token with no such `j` is 0. Without
    `weights` the rows are summed unweighted (their routing weights were
    applied already, by a `row_scale` of the GEMM that made them).

    ```mlir
    %y = sy.combine %h, %inverse, %w
        : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32>
        -> tensor<16x64xf32>
    %z = sy.combine %h_scaled, %inverse
        : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$expert_out,
    Sy_IndexTensor:$inverse,
    Optional<Sy_FloatTensor>:$weights
  );
  let results = (outs Sy_FloatTensor:$result);
  let assemblyFormat = [{
    $expert_out `,` $inverse (`,` $weights^)? attr-dict
    `:` type($expert_out) `,` type($inverse) (`,` type($weights)^)?
    `->` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Pooling pyramids
//===----------------------------------------------------------------------===//

def Sy_PyramidPoolOp : Sy_Op<"pyramid_pool"> {
  let summary = "several pooling levels of one NCHW feature map";
  let description = [{
    Result `i` is level `i` (a `#sy.level`, see its description) applied to
    `input [N, C, H, W]`, or, for a `chained` level, to result `i-1`. Each
    result is `[N, C, OH_i, OW_i]` with the level's output size.

    ```mlir
    // PSPNet PPM bins 1, 2, 3, 6 and YOLO SPPF's chain of three k5 pools.
    %p1, %p2, %p3, %p6 = sy.pyramid_pool %x levels = [
        #sy.level<avg bins = [1, 1]>, #sy.level<avg bins = [2, 2]>,
        #sy.level<avg bins = [3, 3]>, #sy.level<avg bins = [6, 6]>]
        : tensor<1x512x64x64xf32> -> tensor<1x512x1x1xf32>,
          tensor<1x512x2x2xf32>, tensor<1x512x3x3xf32>, tensor<1x512x6x6xf32>
    %m1, %m2, %m3 = sy.pyramid_pool %y levels = [
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>,
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>,
        #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>]
        : tensor<1x256x20x20xf32> -> tensor<1x256x20x20xf32>,
          tensor<1x256x20x20xf32>, tensor<1x256x20x20xf32>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$input,
    TypedArrayAttrBase<Sy_PoolLevelAttr, "array of #sy.level">:$levels
  );
  let results = (outs Variadic<Sy_FloatTensor>:$results);
  let assemblyFormat = [{
    $input `levels` `=` $levels attr-dict `:` type($input) `->` type($results)
  }];
}

def Sy_UpsampleConcatOp : Sy_Op<"upsample_concat"> {
  let summary = "maps bilinearly upsampled to one size, concatenated along "
                "channels";
  let description = [{
    `result [N, C_0 + ... + C_k, H, W]` holds each `input i [N, C_i, h_i,
    w_i]` resized to `H x W` at channels `C_0 + ... + C_(i-1)` onward: ONNX
    `Resize` with `mode = linear`, `coordinate_transformation_mode =
    coordinates`, `exclude_outside = 0` and scales `H / h_i`, `W / w_i`
    (what a `sizes` input gives). An input already `H x W` is copied (the
    resize is the identity at scale 1 in every mode).

    The consumer of a pooling pyramid's levels (PSPNet's PPM concatenates
    the input with every level upsampled): the upsampled maps are written
    straight into the concatenation, never materialised on their own.

    ```mlir
    %y = sy.upsample_concat %x, %l1, %l2 coordinates = half_pixel
        : tensor<1x512x64x64xf32>, tensor<1x128x1x1xf32>,
          tensor<1x128x2x2xf32> -> tensor<1x768x64x64xf32>
    ```
  }];
  let arguments = (ins
    Variadic<Sy_FloatTensor>:$inputs,
    Sy_ResizeCoordinates:$coordinates
  );
  let results = (outs Sy_FloatTensor:$result);
  let assemblyFormat = [{
    $inputs `coordinates` `=` $coordinates attr-dict `:` type($inputs) `->`
    type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Sparse attention
//===----------------------------------------------------------------------===//

def Sy_SparseAttentionOp : Sy_Op<"sparse_attention", [AttrSizedOperandSegments]> {
  let summary = "attention restricted to a structured set of (query, key) pairs";
  let description = [{
    `query [B, HQ, SQ, D]`, `key [B, HK, SK, D]`, `value [B, HK, SK, DV]`,
    HQ a multiple of HK (query head `h` reads key/value head
    `h / (HQ / HK)`), optional additive `bias` of rank 4 broadcastable to
    `[B, HQ, SQ, SK]`. With `visible(h, q, k)` from `sparsity`:

        s[b,h,q,k] = scale * dot(query[b,h,q,:], key[b,h',k,:]) + bias[b,h,q,k]
                     if visible(h, q, k), else -inf
        out[b,h,q,:] = sum_k softmax_k(s[b,h,q,:]) * value[b,h',k,:]

    A row whose scores are all -inf (no visible key, or the bias masks every
    visible one) is NaN with `fully_masked_rows = nan` (the default, what
    a dense Softmax gives) and 0 with `fully_masked_rows = zero`.

    With `query_offsets` (i32 `[B]`: a KV cache, whose key rows `[0, SK)`
    are the sequence so far and whose queries are its newest positions),
    query row `q` of batch `b` is at key position `p = query_offsets[b] +
    q`, and `visible(h, p, k)` decides instead of `visible(h, q, k)`; the
    bias is still indexed by `q`. Offsets outside `[0, SK - SQ]` are an
    error at run time (the run fails with an invalid-argument status).

    ```mlir
    %o = sy.sparse_attention %q, %k, %v scale = 1.250000e-01
           sparsity = <window [128, 0]>
        : tensor<1x8x1024x64xf32>, tensor<1x8x1024x64xf32>,
          tensor<1x8x1024x64xf32> -> tensor<1x8x1024x64xf32>
    ```
  }];
  let arguments = (ins
    Sy_FloatTensor:$query,
    Sy_FloatTensor:$key,
    Sy_FloatTensor:$value,
    Optional<Sy_FloatTensor>:$bias,
    Optional<TensorOf<[I32]>>:$query_offsets,
    F32Attr:$scale,
    Sy_SparsityAttr:$sparsity,
    DefaultValuedAttr<Sy_FullyMaskedRows, "::switchyard::sy::FullyMaskedRows::nan">:$fully_masked_rows
  );
  let results = (outs Sy_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`bias` $bias^)?
    (`query_offsets` $query_offsets^ `:` type($query_offsets))?
    `scale` `=` $scale
    `sparsity` `=` $sparsity (`fully_masked_rows` `=` $fully_masked_rows^)?
    attr-dict `:` type($query) `,` type($key) `,` type($value)
    (`,` type($bias)^)? `->` type($result)
  }];
}

#endif // SWITCHYARD_SY_OPS
