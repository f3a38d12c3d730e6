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

def TileGroupedMatmul : Pass<"sy-tile-grouped-matmul", "::mlir::func::FuncOp"> {
  let summary = "Choose the parallel work tiles of each sy.grouped_matmul "
                "and fold routing weights into its epilogue";
  let description = [{
    Sets `tiles R x C` on every `sy.grouped_matmul` that has none: the CPU
    lowering runs the GEMM as (expert, row tile, column tile) items over the
    cores, largest first, each item at most `R` rows of one expert's group
    by `C` GEMM columns, its bias and activation (the SwiGLU gate product
    included) applied while the tile is in cache.

    The choice, from the static shapes (rows `M`, experts `E`, GEMM columns
    `N`): the rows an expert expects are `ceil(M / min(E, M))`. Tiles start
    at 192 rows (the packed rows of A and the tile of C stay in L2) by 512
    columns (a row of A is packed once per column tile, so wider tiles pack
    less; 1024 measured the same as 512). While the expected items number
    fewer than `items-per-core` times `cores`, the columns halve down to
    128 (256 for SwiGLU, whose tiles hold both halves), then the rows
    down to 48 while that splits the expected groups further: at decode
    sizes every core then streams its share of the selected experts'
    weights. Columns are whole 32-column panels (64 for SwiGLU), rows whole
    12-row register blocks; the runtime splits a group into equal row
    tiles, so only its last register block is short.

    Two items per core measured best at one token (hidden and FFN 1024,
    8 experts top-2: four items per core took 0.481 ms against 0.465).

    `tile-rows` and `tile-cols` force a choice (for tuning); an op that
    already has tiles keeps them.

    The routing weights move into a GEMM epilogue too: where `sy.combine`
    weights the rows of a `sy.grouped_matmul` it alone uses, and its
    `inverse` comes from a `sy.dispatch` or `sy.route_dispatch` (so it
    names each row at most once), the weights go to the GEMM as a
    `row_scale` in row order (`sy.dispatch_weights`) and the combine sums
    unweighted. Each product is the same float multiply as before, done
    while the tile is in cache (`fold-routing-weights=false` keeps the
    weights in the combine).

    ```mlir
    %h = sy.grouped_matmul %rows, %w1 offsets %offsets activation = swiglu
        tiles 192 x 512 : ...
    %s = sy.dispatch_weights %inverse, %w : ...
    %y = sy.grouped_matmul %h, %w2 offsets %offsets
        row_scale(%s : tensor<512xf32>) tiles 192 x 512 : ...
    %out = sy.combine %y, %inverse : ...
    ```
  }];
  let options = [
    Option<"cores", "cores", "unsigned", /*default=*/"0",
           "Cores the library will run on (0: this machine's; "
           "switchyard-compile --cpu-cores sets it)">,
    Option<"itemsPerCore", "items-per-core", "unsigned", /*default=*/"2",
           "Expected work items per core below which tiles shrink">,
    Option<"forcedRows", "tile-rows", "int64_t", /*default=*/"0",
           "Rows of every tile (0: chosen)">,
    Option<"forcedCols", "tile-cols", "int64_t", /*default=*/"0",
           "GEMM columns of every tile (0: chosen)">,
    Option<"foldWeights", "fold-routing-weights", "bool", /*default=*/"true",
           "Scale the rows a sy.combine weights in the epilogue of the GEMM "
           "that made them">,
  ];
  let dependentDialects = ["::switchyard::sy::SyDialect"];
}

#endif // SWITCHYARD_PASSES_SY
