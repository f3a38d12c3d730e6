// sy-tile-grouped-matmul: the tiles chosen from the shapes (Passes.td
// states the rule), an op's own tiles kept, and forced tiles.
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=2}))' | FileCheck %s
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=8}))' | FileCheck %s --check-prefix=CORES8
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-tile-grouped-matmul{cores=2 tile-rows=36 tile-cols=96}))' | FileCheck %s --check-prefix=FORCED

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
