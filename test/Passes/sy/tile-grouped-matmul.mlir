// sy-tile-grouped-matmul: the tiles chosen from the shapes (Passes.td
// states the rule), an op's own tiles kept, and forced tiles; the routing
// weights of a combine folded into the epilogue of the GEMM before it.
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=2}))' | FileCheck %s
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=8}))' | FileCheck %s --check-prefix=CORES8
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=2 tile-rows=36 tile-cols=96}))' | FileCheck %s --check-prefix=FORCED
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=2 fold-routing-weights=false}))' | FileCheck %s --check-prefix=NOFOLD

// 256 tokens, 8 experts top-2: 64 rows an expert, items enough at the
// start tiles (32 for the SwiGLU GEMM, 16 for the second).
// CHECK-LABEL: func @layer
// CHECK: sy.grouped_matmul %arg0, %arg1 offsets %arg3 activation = swiglu tiles 192 x 512 :
// CHECK: sy.grouped_matmul %{{.*}}, %arg2 offsets %arg3 tiles 192 x 512 :
// FORCED-LABEL: func @layer
// FORCED-COUNT-2: tiles 36 x 96 :
func.func @layer(%x: tensor<512x1024xf32>, %w1: tensor<8x1024x2048xf32>, %w2: tensor<8x1024x1024xf32>, %off: tensor<9xi64>) -> tensor<512x1024xf32> {
  %h = sy.grouped_matmul %x, %w1 offsets %off activation = swiglu : tensor<512x1024xf32>, tensor<8x1024x2048xf32>, tensor<9xi64> -> tensor<512x1024xf32>
  %o = sy.grouped_matmul %h, %w2 offsets %off : tensor<512x1024xf32>, tensor<8x1024x1024xf32>, tensor<9xi64> -> tensor<512x1024xf32>
  return %o : tensor<512x1024xf32>
}

// -----

// One token, top-2: two groups of one row. Two cores want four items, so
// the 512 columns halve once; eight cores want 16, and the columns stop
// at 128 (fewer rows cannot split a one-row group).
// CHECK-LABEL: func @decode
// CHECK: tiles 192 x 256 :
// CORES8-LABEL: func @decode
// CORES8: tiles 192 x 128 :
func.func @decode(%x: tensor<2x1024xf32>, %w: tensor<8x1024x512xf32>, %off: tensor<9xi64>) -> tensor<2x512xf32> {
  %o = sy.grouped_matmul %x, %w offsets %off : tensor<2x1024xf32>, tensor<8x1024x512xf32>, tensor<9xi64> -> tensor<2x512xf32>
  return %o : tensor<2x512xf32>
}

// -----

// SwiGLU columns come in pairs of panels: 512 halves to 256, not 128 and
// not 480.
// CHECK-LABEL: func @decode_swiglu
// CHECK: activation = swiglu tiles 192 x 256 :
func.func @decode_swiglu(%x: tensor<2x64xf32>, %w: tensor<8x64x512xf32>, %off: tensor<9xi64>) -> tensor<2x256xf32> {
  %o = sy.grouped_matmul %x, %w offsets %off activation = swiglu : tensor<2x64xf32>, tensor<8x64x512xf32>, tensor<9xi64> -> tensor<2x256xf32>
  return %o : tensor<2x256xf32>
}

// -----

// Two experts with 512 rows each and one column tile: on eight cores the
// rows shrink to 96, then 48 (22 items). Two cores have 6 items already.
// CHECK-LABEL: func @few_experts
// CHECK: tiles 192 x 128 :
// CORES8-LABEL: func @few_experts
// CORES8: tiles 48 x 128 :
func.func @few_experts(%x: tensor<1024x64xf32>, %w: tensor<2x64x128xf32>, %off: tensor<3xi64>) -> tensor<1024x128xf32> {
  %o = sy.grouped_matmul %x, %w offsets %off : tensor<1024x64xf32>, tensor<2x64x128xf32>, tensor<3xi64> -> tensor<1024x128xf32>
  return %o : tensor<1024x128xf32>
}

// -----

// Unknown rows: planned as a large layer. Columns fewer than a panel
// round up to one.
// CHECK-LABEL: func @dynamic_rows
// CHECK: tiles 192 x 32 :
func.func @dynamic_rows(%x: tensor<?x64xf32>, %w: tensor<8x64x20xf32>, %off: tensor<9xi64>) -> tensor<?x20xf32> {
  %o = sy.grouped_matmul %x, %w offsets %off : tensor<?x64xf32>, tensor<8x64x20xf32>, tensor<9xi64> -> tensor<?x20xf32>
  return %o : tensor<?x20xf32>
}

// -----

// Tiles already on the op stay, even when forced tiles are asked for.
// CHECK-LABEL: func @kept
// CHECK: tiles 24 x 64 :
// FORCED-LABEL: func @kept
// FORCED: tiles 24 x 64 :
func.func @kept(%x: tensor<2x64xf32>, %w: tensor<8x64x512xf32>, %off: tensor<9xi64>) -> tensor<2x512xf32> {
  %o = sy.grouped_matmul %x, %w offsets %off tiles 24 x 64 : tensor<2x64xf32>, tensor<8x64x512xf32>, tensor<9xi64> -> tensor<2x512xf32>
  return %o : tensor<2x512xf32>
}

// -----

// The routing weights move from the combine into the second GEMM's
// epilogue: sy.dispatch_weights puts them in row order (before the GEMM),
// the GEMM scales its rows, the combine sums. The first GEMM feeds a GEMM,
// not a combine: untouched.
// CHECK-LABEL: func @fold_routing_weights
// CHECK: %[[IDS:.*]], %[[W:.*]], %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.route_dispatch
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %arg2 offsets %[[OFF]] activation = swiglu tiles
// CHECK-NEXT: %[[S:.*]] = sy.dispatch_weights %[[INV]], %[[W]] : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
// CHECK-NEXT: %[[Y:.*]] = sy.grouped_matmul %[[H]], %arg3 offsets %[[OFF]] row_scale(%[[S]] : tensor<32xf32>) tiles
// CHECK-NEXT: sy.combine %[[Y]], %[[INV]] : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
// NOFOLD-LABEL: func @fold_routing_weights
// NOFOLD-NOT: sy.dispatch_weights
// NOFOLD-NOT: row_scale
// NOFOLD: sy.combine %{{.*}}, %{{.*}}, %{{.*}} :
func.func @fold_routing_weights(%x: tensor<16x64xf32>, %logits: tensor<16x8xf32>, %w1: tensor<8x64x256xf32>, %w2: tensor<8x128x64xf32>) -> tensor<16x64xf32> {
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %logits tokens %x top_k = 2 mode = softmax_topk renormalize : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %h = sy.grouped_matmul %rows, %w1 offsets %off activation = swiglu : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64> -> tensor<32x128xf32>
  %y = sy.grouped_matmul %h, %w2 offsets %off : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %o = sy.combine %y, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %o : tensor<16x64xf32>
}

// -----

// An unfused sy.dispatch's inverse qualifies too; the GEMM's bias and
// activation stay (the scale applies after them).
// CHECK-LABEL: func @fold_after_dispatch
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch
// CHECK: %[[S:.*]] = sy.dispatch_weights %[[INV]], %{{.*}}
// CHECK: sy.grouped_matmul %[[ROWS]], %arg2 offsets %[[OFF]] bias %arg3 row_scale(%[[S]] : tensor<32xf32>) activation = gelu tiles
// CHECK: sy.combine %{{.*}}, %[[INV]] : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
func.func @fold_after_dispatch(%x: tensor<16x64xf32>, %logits: tensor<16x8xf32>, %w1: tensor<8x64x64xf32>, %b1: tensor<8x64xf32>) -> tensor<16x64xf32> {
  %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %y = sy.grouped_matmul %rows, %w1 offsets %off bias %b1 activation = gelu : tensor<32x64xf32>, tensor<8x64x64xf32>, tensor<9xi64>, tensor<8x64xf32> -> tensor<32x64xf32>
  %o = sy.combine %y, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %o : tensor<16x64xf32>
}

// -----

// Near misses that must keep the weights in the combine: an inverse that
// no dispatch made (it may name a row twice, and a row has one scale), a
// GEMM whose rows are also used elsewhere, and weights computed after the
// GEMM.
// CHECK-LABEL: func @no_fold_foreign_inverse
// CHECK-NOT: sy.dispatch_weights
// CHECK: sy.combine %{{.*}}, %arg3, %arg4 :
func.func @no_fold_foreign_inverse(%rows: tensor<32x64xf32>, %w1: tensor<8x64x64xf32>, %off: tensor<9xi64>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) -> tensor<16x64xf32> {
  %y = sy.grouped_matmul %rows, %w1 offsets %off : tensor<32x64xf32>, tensor<8x64x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %o = sy.combine %y, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %o : tensor<16x64xf32>
}

// -----

// CHECK-LABEL: func @no_fold_shared_rows
// CHECK-NOT: sy.dispatch_weights
// CHECK: sy.combine %{{.*}}, %{{.*}}, %{{.*}} :
func.func @no_fold_shared_rows(%x: tensor<16x64xf32>, %logits: tensor<16x8xf32>, %w1: tensor<8x64x64xf32>) -> (tensor<16x64xf32>, tensor<32x64xf32>) {
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %logits tokens %x top_k = 2 mode = softmax_topk : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %y = sy.grouped_matmul %rows, %w1 offsets %off : tensor<32x64xf32>, tensor<8x64x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %o = sy.combine %y, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %o, %y : tensor<16x64xf32>, tensor<32x64xf32>
}

// -----

// CHECK-LABEL: func @no_fold_late_weights
// CHECK-NOT: sy.dispatch_weights
// CHECK: sy.combine %{{.*}}, %{{.*}}, %{{.*}} :
func.func @no_fold_late_weights(%x: tensor<16x64xf32>, %logits: tensor<16x8xf32>, %w1: tensor<8x64x64xf32>) -> tensor<16x64xf32> {
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %logits tokens %x top_k = 2 mode = softmax_topk : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %y = sy.grouped_matmul %rows, %w1 offsets %off : tensor<32x64xf32>, tensor<8x64x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %w2 = arith.addf %w, %w : tensor<16x2xf32>
  %o = sy.combine %y, %inv, %w2 : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %o : tensor<16x64xf32>
}
