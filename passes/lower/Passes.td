//===- Passes.td - lowering passes -------------------------*- tablegen -*-===//
#ifndef SWITCHYARD_PASSES_LOWER
#define SWITCHYARD_PASSES_LOWER

include "mlir/Pass/PassBase.td"

def LowerONNX : Pass<"sy-lower-onnx", "::mlir::func::FuncOp"> {
  let summary = "Lower onnx.node ops to linalg, tensor, arith and math";
  let description = [{
    Replaces every `onnx.node` with upstream ops, using the lowering function
    the op registry (`passes/lower/onnx/OpRegistry.h`) holds for the node's
    op and opset; `onnx.none` values disappear with their users. A node whose
    op has no lowering, or whose shapes are not static, is an error naming
    the node.

    Before:
    ```mlir
    %y = onnx.node "Relu" opset 14 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.maximumf %a, %zero : f32
      linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def FuseElementwise : Pass<"sy-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg.generic chains, keeping named ops";
  let description = [{
    Upstream elementwise fusion, restricted to a producer and a consumer that
    are both `linalg.generic`: a named op (`linalg.matmul`, a convolution's
    GEMM) stays named, so later stages can still hand it to a micro-kernel.
    Upstream's `linalg-fuse-elementwise-ops` would generalize the matmul and
    fuse an im2col producer into it, losing the GEMM.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def DistinctResults : Pass<"sy-distinct-results", "::mlir::func::FuncOp"> {
  let summary = "Give every returned tensor its own allocation";
  let description = [{
    Runs just before bufferization. A value returned more than once (an ONNX
    graph output listed twice, two `Identity` outputs of one value, two empty
    outputs that CSE merged) is copied for each repeat, because
    `buffer-results-to-out-params` needs one distinct buffer per result.

    Before:
    ```mlir
    return %y, %y : tensor<2xf32>, tensor<2xf32>
    ```
    After:
    ```mlir
    %c = bufferization.alloc_tensor() copy(%y) : tensor<2xf32>
    return %y, %c : tensor<2xf32>, tensor<2xf32>
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def UntieSharedInits : Pass<"sy-untie-shared-inits", "::mlir::func::FuncOp"> {
  let summary = "Give each destination-style op its own fill or empty init";
  let description = [{
    Runs just before bufferization. CSE merges identical `tensor.empty` and
    `linalg.fill` ops, so two convolutions share one zero-filled init and two
    padding generics one empty tensor. Bufferization would then copy the
    fill for the second (a memcpy of zeros) or reuse one buffer for both, and
    the micro-kernel lowerings could no longer erase the fill (the kernel
    overwrites) or fold the padding (the kernel pads). Every
    destination-style op after the first that takes such a value as an init
    gets its own clone, placed right before it.

    Before:
    ```mlir
    %e = tensor.empty() : tensor<1x64x56x56xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x56x56xf32>) -> ...
    %c1 = linalg.conv_2d_nchw_fchw ins(%x1, %w1 : ...) outs(%z : ...) -> ...
    %c2 = linalg.conv_2d_nchw_fchw ins(%x2, %w2 : ...) outs(%z : ...) -> ...
    ```
    After:
    ```mlir
    %c1 = linalg.conv_2d_nchw_fchw ins(%x1, %w1 : ...) outs(%z : ...) -> ...
    %e2 = tensor.empty() : tensor<1x64x56x56xf32>
    %z2 = linalg.fill ins(%zero : f32) outs(%e2 : ...) -> ...
    %c2 = linalg.conv_2d_nchw_fchw ins(%x2, %w2 : ...) outs(%z2 : ...) -> ...
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ParallelizeElementwise
    : Pass<"sy-parallelize-elementwise", "::mlir::ModuleOp"> {
  let summary = "Run large all-parallel linalg.generic loops on the "
                "context's thread pool";
  let description = [{
    Runs on bufferized IR, after the micro-kernel lowerings (the kernels
    thread themselves) and before `convert-linalg-to-loops`. A
    `linalg.generic` directly in a function body, on memrefs of static
    shape, strides and offset, with only parallel iterators and at least
    32768 points, is outlined into a private function
    `@<func>_parallel<N>(%env: memref<32xi64>, %begin: i64, %end: i64)`:
    with the bare-pointer calling convention that is the callback of the
    runtime's `sy_rt_parallel_for`. The function rebuilds the memrefs from
    the aligned addresses in `%env` and runs the generic on the slice
    `[begin, end)` of one loop dimension (the first of extent >= 4 that every
    operand indexes with a bare dimension). In its place the caller stores
    the addresses and calls `sy_rt_parallel_for(extent, @outlined, env)`.
    Values the body reads from outside must be constants (cloned) or such
    memrefs (passed like operands); other generics stay serial loops.
    Constant globals, operands or not, are not passed in `%env`: the
    outlined function reads them through its own `memref.get_global`, so
    LLVM knows their loads are invariant and can hoist them (a Resize's
    row tables, which address another operand, then let the loop
    vectorise).

    Before:
    ```mlir
    linalg.generic {indexing_maps = [#id, #id], iterator_types = [...]}
        ins(%x : memref<1x128x80x80xf32>) outs(%y : memref<1x128x80x80xf32>)
    ```
    After:
    ```mlir
    %env = memref.alloca() : memref<32xi64>
    ... (aligned addresses of %x and %y stored in %env[0], %env[1])
    %fn = func.constant @main_parallel0 : (memref<32xi64>, i64, i64) -> ()
    call @sy_rt_parallel_for(%c128, %fn, %env)
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def ApproximateMath : Pass<"sy-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "Replace f32 exp, tanh and erf by polynomials the loop "
                "vectorizer can widen";
  let description = [{
    Runs on the loops, just before the math dialect goes to libm calls.
    LLVM vectorizes our elementwise loops (copies, adds, ReLU) but not one
    that calls `expf`, `tanhf` or `erff`: a libm call may set errno and has
    no vector form, so SiLU, Sigmoid, GELU and Tanh stayed one scalar call
    per element (SPPF on 80x80: a fifth of its time in `expf`). This pass
    rewrites f32 `math.exp`, `math.tanh` and `math.erf` into MLIR's
    polynomial approximations (range reduction, a minimax polynomial,
    exponent bits set with integer ops; special values handled: exp of
    -inf is 0, of +inf or above ~88.7 is +inf, NaN stays NaN), plain
    arithmetic that vectorizes. Other element types and other math ops keep
    their libm calls.

    Before:
    ```mlir
    %e = math.exp %x : f32
    ```
    After: `arith`/`math.fma` ops only, no `math.exp`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def LowerMatmulToUkernel
    : Pass<"sy-lower-matmul-to-ukernel", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's fp32 GEMM micro-kernel for linalg.matmul";
  let description = [{
    Runs on bufferized IR. A `linalg.matmul` on f32 memrefs whose rows are
    contiguous (innermost stride 1) and whose indexing maps are the default
    ones becomes a call to `sy_ukernel_sgemm` (lib/Runtime/ukernels), which
    blocks for the cache, uses AVX-512 when the CPU has it and spreads column
    panels over the context's thread pool. The call accumulates into the
    output, as linalg.matmul does. Other matmuls are left to the loops.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<512x1024xf32>, memref<1024x1024xf32>)
                  outs(%c : memref<512x1024xf32>)
    ```
    After (pointers and leading dimensions from the memrefs' metadata):
    ```mlir
    func.call @sy_ukernel_sgemm(%m, %n, %k, %pa, %lda, %pb, %ldb, %pc, %ldc,
                                %accumulate) : (i64, ...) -> ()
    ```
    or, for `%b = memref.get_global @w`:
    ```mlir
    %panels = memref.get_global @w_panels : memref<32x1024x32xf32>
    func.call @sy_ukernel_sgemm_prepacked(%m, %n, %k, %pa, %lda, %ppanels,
                                          %pc, %ldc, %accumulate)
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect"
  ];
}

def LowerConvToUkernel : Pass<"sy-lower-conv-to-ukernel", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's convolution micro-kernels (direct or "
                "Winograd F(2x2, 3x3)), folding a pre-activation "
                "BatchNorm + ReLU into 1x1 ones";
  let description = [{
    Runs on bufferized IR. A `linalg.conv_2d_nchw_fchw` on f32 memrefs with
    one image, unit strides (any dilations) and row-major contiguous
    operands becomes a call to `sy_ukernel_conv2d_s1`
    (lib/Runtime/ukernels/conv2d.c): every output row is a GEMM whose B rows
    are shifted rows of the (already padded) input, so no im2col buffer is
    built. The call accumulates into the output, as the linalg op does.

    A 3x3 filter with unit dilation whose weights are a constant global, on
    at least 16 input and output channels and enough 2x2 output tiles to
    fill the GEMM panels, goes to `sy_ukernel_conv2d_winograd` instead
    (lib/Runtime/ukernels/conv2d_winograd.c, Winograd F(2x2, 3x3): 2.25x
    fewer multiplications). The filters are transformed here, at compile
    time, into a new global `<weights>_winograd` of [16][M][C]; the original
    global goes when nothing else reads it. Where 4x4 output tiles fill the
    panels well enough that F(4x4, 3x3)'s 36 GEMMs do at most three
    quarters of F(2x2, 3x3)'s padded work (16x32, 20x20, 32x32 or 32x64
    outputs, for instance; not 14x14 or 24x24), `sy_ukernel_conv2d_winograd_f43` takes the same
    arguments with filters in `<weights>_winograd_f43` of [36][M][C]: 4x
    fewer multiplications, about ten times the direct kernel's rounding
    error. `winograd-tile=2` keeps F(2x2, 3x3); `winograd=false` keeps the
    direct kernel for every convolution.

    Constant filters on enough output channels (rows padded to a multiple
    of 12 by at most a quarter) are laid out at compile time as the GEMM's
    12-row micro-panels (`<weights>_panels`, or `<weights>_winograd_panels`
    and `<weights>_winograd_f43_panels` for the transformed matrices) and
    the call passes `SY_UK_A_PANELS`
    (4): the kernel reads them in place instead of copying them for every
    tile, and splits the work by output columns.

    A 1x1 convolution over its whole unpadded input, when that input is a
    buffer a `linalg.generic` computed as `source * scale[c] + shift[c]`
    (then `maximumf` with 0) and nothing else reads, calls
    `sy_ukernel_conv2d_1x1_affine(M, C, H*W, W, SOURCE, SCALE, SHIFT, BIAS,
    Y, FLAGS)` instead (`SY_UK_INPUT_RELU`, 8, for the ReLU): a
    pre-activation BatchNorm + ReLU is applied to each panel of the source
    as the GEMM packs it, and the generic and its buffer are erased.

    Before:
    ```mlir
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>,
                              strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<1x64x58x58xf32>, memref<64x64x3x3xf32>)
      outs(%y : memref<1x64x56x56xf32>)
    ```
    After (weights not constant):
    ```mlir
    func.call @sy_ukernel_conv2d_s1(%m, %c, %kh, %kw, %oh, %ow, %dh, %dw,
        %pw, %px, %hp, %wp, %pt, %pl, %pbias, %py, %flags) : (i64, ...) -> ()
    ```
    After (weights a constant global):
    ```mlir
    %u = memref.get_global @__constant_64x64x3x3xf32_winograd
        : memref<16x64x64xf32>
    func.call @sy_ukernel_conv2d_winograd(%m, %c, %oh, %ow, %pu, %px, %hp,
        %wp, %pt, %pl, %pbias, %py, %flags) : (i64, ...) -> ()
    ```
  }];
  let options = [
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Winograd for the 3x3 convolutions where it pays "
           "(switchyard-compile --winograd)">,
    Option<"winogradTile", "winograd-tile", "unsigned", /*default=*/"4",
           "Largest Winograd output tile: 4 allows F(4x4, 3x3), 2 keeps "
           "F(2x2, 3x3) (switchyard-compile --winograd-tile)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect"
  ];
}

def LowerMoEToUkernel : Pass<"sy-lower-moe-to-ukernel", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's MoE kernels for sy.route(_dispatch), "
                "sy.dispatch, sy.grouped_matmul, sy.dispatch_weights and "
                "sy.combine";
  let description = [{
    Runs on tensors, before bufferization. Each op's operands become
    read-only buffers (`bufferization.to_buffer`), its results fresh
    allocations that the kernel fills and `bufferization.to_tensor` hands
    back, so one-shot bufferization and the deallocation pipeline treat them
    like any other buffer. The kernels live in `lib/Runtime/ukernels/moe.c`.

    * `sy.route_dispatch` (what `sy-fuse-gating-dispatch` makes of a route
      and its dispatch) becomes one `sy_ukernel_moe_route_dispatch` call:
      scores, top-k, renormalisation, expert counts and the stable
      permutation in one kernel, without a one-hot tensor. A `sy.route` or
      `sy.dispatch` left unfused gets its own call.
    * `sy.grouped_matmul` calls `sy_ukernel_grouped_sgemm`, which threads
      over (expert, row tile, column tile) items (of the op's `tiles`, which
      `sy-tile-grouped-matmul` chose, or the kernel's defaults) and applies
      the bias and the activation (SwiGLU's gate product included) to each
      tile while it is in cache, then the `row_scale` when it has one.
      Weights in ONNX Runtime's `[E, N, K]` layout (`rhs_transposed`) are
      transposed at compile time when they are constants.
    * `sy.dispatch_weights` calls `sy_ukernel_moe_dispatch_weights`, and
      `sy.combine` (weighted or not) `sy_ukernel_moe_combine`.

    The kernels take f32 data and i64 indices with static shapes; anything
    else is an error at the op (whose location names the ONNX node).

    Before:
    ```mlir
    %ids, %w, %rows, %off, %inv = sy.route_dispatch %logits tokens %x
        top_k = 2 mode = softmax_topk : ...
    ```
    After:
    ```mlir
    %l = bufferization.to_buffer %logits read_only : ...
    %ids_buf = memref.alloc() {alignment = 64 : i64} : memref<16x2xi64>
    ...
    func.call @sy_ukernel_moe_route_dispatch(%c16, %c8, %c2, %pl, ...)
    %ids = bufferization.to_tensor %ids_buf restrict writable : ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect", "::mlir::tensor::TensorDialect"
  ];
}

def LowerPyramidToUkernel
    : Pass<"sy-lower-pyramid-to-ukernel", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's pyramid kernels for sy.pyramid_pool and "
                "sy.upsample_concat";
  let description = [{
    Runs on tensors, before bufferization, as `sy-lower-moe-to-ukernel`
    does. Each `sy.pyramid_pool` becomes one `sy_ukernel_pyramid_pool` call
    (`lib/Runtime/ukernels/pyramid.c`) with a constant table of its levels
    (13 i64 fields each, `SY_PYRAMID_*` in `ukernels.h`) and the addresses of
    one fresh buffer per result. The kernel threads over the `N * C` input
    planes and computes every level of a plane while it is in cache: the
    map is read from memory once for the whole pyramid, each level with
    separable row and column passes, a chained level from the previous
    level's plane.

    Each `sy.upsample_concat` becomes one `sy_ukernel_upsample_concat`
    call: a constant table of its inputs' shapes, their addresses and, per
    resized input, constant tables of ONNX Resize's linear taps (source
    rows and columns with weights, from the Resize lowering's own code).
    The kernel threads over output planes; a resized plane is interpolated
    along rows once per source row, then each output row blends two of
    them, written straight into the concatenation.

    f32 tensors of static shape only; anything else is an error at the op.

    Before:
    ```mlir
    %p:2 = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>,
        #sy.level<avg kernel = [2, 2] strides = [2, 2]>]
        : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>
    ```
    After:
    ```mlir
    %table = arith.constant dense<[[0, 1, 1, 1, ...], [0, 0, 2, 2, ...]]>
        : tensor<2x13xi64>
    %addresses = memref.alloca() : memref<2xi64>
    %b0 = memref.alloc() {alignment = 64 : i64} : memref<1x8x1x1xf32>
    ...
    call @sy_ukernel_pyramid_pool(%planes, %h, %w, %x_addr, %c2, %table_addr,
        %addresses_addr) : (i64, i64, i64, i64, i64, i64, i64) -> ()
    %p0 = bufferization.to_tensor %b0 restrict writable : ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect"
  ];
}

def LowerAttentionToUkernel
    : Pass<"sy-lower-attention-to-ukernel", "::mlir::ModuleOp"> {
  let summary = "Call the runtime's sparse attention kernel for "
                "sy.sparse_attention";
  let description = [{
    Runs on tensors, before bufferization, as the other `sy` lowerings do.
    Each `sy.sparse_attention` becomes one `sy_ukernel_sparse_attention`
    call (`lib/Runtime/ukernels/attention.c`) with a constant table of its
    shapes, sparsity, scale and bias strides (`SY_ATTN_*` in `ukernels.h`)
    and, for a block layout, a constant byte table of the layout. The kernel
    is a flash-attention loop: it threads over (batch, query head, query
    tile of 64 rows), visits only the key ranges the tile can see in chunks
    of 64 keys with an online softmax, computes the element mask only in
    chunks the tile sees partially, and never materialises the score matrix.

    f32 tensors of static shape only; anything else is an error at the op.

    Before:
    ```mlir
    %o = sy.sparse_attention %q, %k, %v scale = 1.250000e-01
           sparsity = <window [128, 0]>
        : tensor<1x8x1024x64xf32>, tensor<1x8x1024x64xf32>,
          tensor<1x8x1024x64xf32> -> tensor<1x8x1024x64xf32>
    ```
    After:
    ```mlir
    %params = arith.constant dense<[1, 8, 8, 1024, 1024, 64, 64, 1, 128, 0,
        ...]> : tensor<19xi64>
    %out = memref.alloc() {alignment = 64 : i64} : memref<1x8x1024x64xf32>
    call @sy_ukernel_sparse_attention(%params_addr, %q_addr, %k_addr,
        %v_addr, %c0, %c0, %out_addr) : (i64, ...) -> ()
    %o = bufferization.to_tensor %out restrict writable : ...
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect"
  ];
}

#endif // SWITCHYARD_PASSES_LOWER
