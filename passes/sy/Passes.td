//===- Passes.td - transformations on sy ops ---------------*- tablegen -*-===//
#ifndef SWITCHYARD_PASSES_SY
#define SWITCHYARD_PASSES_SY

include "mlir/Pass/PassBase.td"

def FuseGatingDispatch : Pass<"sy-fuse-gating-dispatch", "::mlir::func::FuncOp"> {
  let summary = "Fuse sy.route with the sy.dispatch of its expert ids";
  let description = [{
    Replaces a `sy.route` and the one `sy.dispatch` that reads its expert ids
    by one `sy.route_dispatch`: softmax (or sigmoid) + top-k +
    renormalisation + capacity + per-expert counting + the permutation of
    the tokens in one pass over the router logits, producing the expert
    offsets and the permuted token order without a one-hot tensor.

    Fires when the dispatch is the only `sy.dispatch` of the ids, sits in the
    route's block, and its `num_experts` equals the router's expert count;
    the fused op takes the dispatch's place, so every other user of the
    route must come after the dispatch. Other users of the ids and weights
    (the combine, typically) read the fused op's results.

    Before:
    ```mlir
    %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk renormalize
        : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
    %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : ...
    ```
    After:
    ```mlir
    %ids, %w, %rows, %offsets, %inverse = sy.route_dispatch %logits
        tokens %x top_k = 2 mode = softmax_topk renormalize : ...
    ```
  }];
  let dependentDialects = ["::switchyard::sy::SyDialect"];
}

#endif // SWITCHYARD_PASSES_SY
