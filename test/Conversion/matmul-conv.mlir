// Lowering of contractions and convolutions: MatMul to linalg.matmul /
// batch_matmul when the operands already have that form (batch dims folded
// with collapse/expand_shape) and to a broadcasting generic otherwise; Gemm's
// transposes in the generic's maps and alpha/beta/C in an elementwise
// epilogue; Einsum to one generic whose maps and iterators come from the
// equation; Conv to a padded input and one generic with the groups as a dim
// and strides/dilations in the input map; ConvTranspose to a generic over W
// and the output that skips the taps between input pixels.
// RUN: switchyard-opt %s --sy-lower-onnx | FileCheck %s

// CHECK-DAG: #[[MM_A:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[MM_B:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[MM_Y:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[GEMM_AT:.+]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[GEMM_BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[EIN_A:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[EIN_B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[EIN_Y:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[TRACE:.+]] = affine_map<(d0) -> (d0, d0)>
// CHECK-DAG: #[[CONV_X:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 3 + d7 * 2)>
// CHECK-DAG: #[[CONV_W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[CONV_Y:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>

// CHECK-LABEL: func.func @matmul_2d
// CHECK: %[[Z:.+]] = linalg.fill
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[Z]] : tensor<3x5xf32>)
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// A's batch dims fold into M.
// CHECK-LABEL: func.func @matmul_batch_by_2d
// CHECK: tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<2x3x4x5xi32> into tensor<24x5xi32>
// CHECK: linalg.matmul {{.*}} -> tensor<24x7xi32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x4x7xi32>
func.func @matmul_batch_by_2d(%a: tensor<2x3x4x5xi32>, %b: tensor<5x7xi32>) -> tensor<2x3x4x7xi32> {
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<2x3x4x5xi32>, tensor<5x7xi32>) -> tensor<2x3x4x7xi32>
  return %y : tensor<2x3x4x7xi32>
}

// Equal batch dims fold into one batch_matmul batch.
// CHECK-LABEL: func.func @matmul_same_batch
// CHECK-COUNT-2: tensor.collapse_shape
// CHECK: linalg.batch_matmul {{.*}} -> tensor<6x4x5xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x4x5xf32>
func.func @matmul_same_batch(%a: tensor<2x3x4x6xf32>, %b: tensor<2x3x6x5xf32>) -> tensor<2x3x4x5xf32> {
  %y = onnx.node "MatMul" opset 9 (%a, %b) {} : (tensor<2x3x4x6xf32>, tensor<2x3x6x5xf32>) -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}

// Broadcast batch dims: a generic over (batch..., m, n, k); A's size-1 batch
// dim reads index 0.
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[MM_A]], #[[MM_B]], #[[MM_Y]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<2x1x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %y : tensor<2x5x3x6xf32>
}

// 1-D A: no M loop, the result drops it.
// CHECK-LABEL: func.func @matmul_vector_matrix
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%{{.*}} : tensor<2x3xi64>)
func.func @matmul_vector_matrix(%a: tensor<4xi64>, %b: tensor<2x4x3xi64>) -> tensor<2x3xi64> {
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<4xi64>, tensor<2x4x3xi64>) -> tensor<2x3xi64>
  return %y : tensor<2x3xi64>
}

// f32 transposes are materialized so the plain matmul can reach the sgemm
// micro-kernel.
// CHECK-LABEL: func.func @gemm_trans_alpha_beta
// CHECK-SAME: (%[[A:.+]]: tensor<4x3xf32>, %[[B:.+]]: tensor<5x4xf32>
// CHECK-DAG: %[[AT:.+]] = linalg.transpose ins(%[[A]] : tensor<4x3xf32>) {{.*}} permutation = [1, 0]
// CHECK-DAG: %[[BT:.+]] = linalg.transpose ins(%[[B]] : tensor<5x4xf32>) {{.*}} permutation = [1, 0]
// CHECK: linalg.matmul ins(%[[AT]], %[[BT]] : tensor<3x4xf32>, tensor<4x5xf32>)
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[P:.+]]: f32, %[[C:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: %[[PA:.+]] = arith.mulf %[[P]], %[[ALPHA]]
// CHECK-NEXT: %[[BETA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: %[[CB:.+]] = arith.mulf %[[C]], %[[BETA]]
// CHECK-NEXT: arith.addf %[[PA]], %[[CB]]
func.func @gemm_trans_alpha_beta(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %y = onnx.node "Gemm" opset 13 (%a, %b, %c) {transA = 1 : i64, transB = 1 : i64, alpha = 0.5 : f32, beta = 2.0 : f32} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// Integer Gemm keeps the transposes in the contraction's maps.
// CHECK-LABEL: func.func @gemm_trans_int
// CHECK: linalg.generic {indexing_maps = [#[[GEMM_AT]], #[[GEMM_BT]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction"]}
func.func @gemm_trans_int(%a: tensor<4x3xi32>, %b: tensor<5x4xi32>) -> tensor<3x5xi32> {
  %none = onnx.none
  %y = onnx.node "Gemm" opset 13 (%a, %b, %none) {transA = 1 : i64, transB = 1 : i64} : (tensor<4x3xi32>, tensor<5x4xi32>, none) -> tensor<3x5xi32>
  return %y : tensor<3x5xi32>
}

// No C, alpha = 1: the matmul alone.
// CHECK-LABEL: func.func @gemm_plain
// CHECK: %[[M:.+]] = linalg.matmul
// CHECK-NEXT: return %[[M]]
func.func @gemm_plain(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %none = onnx.none
  %y = onnx.node "Gemm" opset 11 (%a, %b, %none) {} : (tensor<3x4xf32>, tensor<4x5xf32>, none) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// Output labels first (b, k, i), then the summed j.
// CHECK-LABEL: func.func @einsum_batched
// CHECK: linalg.generic {indexing_maps = [#[[EIN_A]], #[[EIN_B]], #[[EIN_Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @einsum_batched(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x5x3xf32> {
  %y = onnx.node "Einsum" opset 12 (%a, %b) {equation = "bij,bjk->bki"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// Implicit output of "ii" is a scalar: the trace.
// CHECK-LABEL: func.func @einsum_trace
// CHECK: linalg.generic {indexing_maps = [#[[TRACE]], {{.*}}], iterator_types = ["reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<f32>)
func.func @einsum_trace(%a: tensor<4x4xf32>) -> tensor<f32> {
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "ii"} : (tensor<4x4xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// Groups as a dim, strides and dilations in the input map; pads copy X into
// a zero-filled tensor first; the bias initializes the accumulator.
// CHECK-LABEL: func.func @conv_group_stride_dilation
// CHECK: %[[P:.+]] = linalg.generic {{.*}} outs({{.*}} : tensor<1x4x9x10xf32>)
// CHECK: tensor.extract %arg0
// CHECK: arith.select
// CHECK: %[[X:.+]] = tensor.expand_shape %[[P]] {{\[\[}}0], [1, 2], [3], [4]] {{.*}} into tensor<1x2x2x9x10xf32>
// CHECK: %[[W:.+]] = tensor.expand_shape %arg1 {{\[\[}}0, 1], [2], [3], [4]] {{.*}} into tensor<2x3x2x3x2xf32>
// CHECK: tensor.expand_shape %arg2 {{.*}} into tensor<2x3x1x1xf32>
// CHECK: %[[INIT:.+]] = linalg.generic
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[CONV_X]], #[[CONV_W]], #[[CONV_Y]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[X]], %[[W]] : {{.*}}) outs(%[[INIT]] : tensor<1x2x3x4x3xf32>)
// CHECK: tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x4x3xf32> into tensor<1x6x4x3xf32>
func.func @conv_group_stride_dilation(%x: tensor<1x4x7x8xf32>, %w: tensor<6x2x3x2xf32>, %bias: tensor<6xf32>) -> tensor<1x6x4x3xf32> {
  %y = onnx.node "Conv" opset 11 (%x, %w, %bias) {group = 2 : i64, pads = array<i64: 1, 0, 1, 2>, strides = array<i64: 2, 3>, dilations = array<i64: 1, 2>} : (tensor<1x4x7x8xf32>, tensor<6x2x3x2xf32>, tensor<6xf32>) -> tensor<1x6x4x3xf32>
  return %y : tensor<1x6x4x3xf32>
}

// VALID: no padding copy.
// CHECK-LABEL: func.func @conv1d_valid
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x1x4x5xf32>)
func.func @conv1d_valid(%x: tensor<2x3x7xf32>, %w: tensor<4x3x3xf32>) -> tensor<2x4x5xf32> {
  %y = onnx.node "Conv" opset 17 (%x, %w) {auto_pad = "VALID", pads = array<i64: 5, 5>} : (tensor<2x3x7xf32>, tensor<4x3x3xf32>) -> tensor<2x4x5xf32>
  return %y : tensor<2x4x5xf32>
}

// SAME_UPPER with stride 2: out = ceil(7 / 2) = 4, total pad 2 (1 + 1).
// One image, one group, f32, 2-D: im2col [C, KH, KW, OH, OW] from the
// padded input, then one matmul of W [M, C*KH*KW] by the columns.
// CHECK-LABEL: func.func @conv_same_upper
// CHECK: outs({{.*}} : tensor<1x1x9x9xf32>)
// CHECK: %[[COL:.+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x4x4xf32>)
// CHECK: %[[COL2:.+]] = tensor.collapse_shape %[[COL]] {{.*}} into tensor<9x16xf32>
// CHECK: %[[W:.+]] = tensor.collapse_shape %arg1 {{.*}} into tensor<1x9xf32>
// CHECK: %[[Y:.+]] = linalg.matmul ins(%[[W]], %[[COL2]] : tensor<1x9xf32>, tensor<9x16xf32>)
// CHECK: tensor.expand_shape %[[Y]] {{.*}} into tensor<1x1x4x4xf32>
func.func @conv_same_upper(%x: tensor<1x1x7x7xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %y = onnx.node "Conv" opset 22 (%x, %w) {auto_pad = "SAME_UPPER", strides = array<i64: 2, 2>} : (tensor<1x1x7x7xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// The generic iterates W and the output; X is read at (o + pad - k * d) / s
// when the tap lands on an input pixel.
// CHECK-LABEL: func.func @conv_transpose_stride
// CHECK: %[[X:.+]] = tensor.expand_shape %arg0 {{.*}} into tensor<1x1x2x3xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<1x2x3x4xf32>) outs(%{{.*}} : tensor<1x1x3x7xf32>)
// CHECK: arith.divsi
// CHECK: arith.remsi
// CHECK: tensor.extract %[[X]]
// CHECK: arith.select
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x3x7xf32>
func.func @conv_transpose_stride(%x: tensor<1x2x3xf32>, %w: tensor<2x3x4xf32>) -> tensor<1x3x7xf32> {
  %y = onnx.node "ConvTranspose" opset 17 (%x, %w) {strides = array<i64: 2>, pads = array<i64: 1, 1>, output_padding = array<i64: 1>} : (tensor<1x2x3xf32>, tensor<2x3x4xf32>) -> tensor<1x3x7xf32>
  return %y : tensor<1x3x7xf32>
}

// Constant f32 weights with transB are transposed at compile time.
// CHECK-LABEL: func.func @gemm_const_trans_b
// CHECK-NOT: linalg.transpose
// CHECK: %[[BT:.+]] = arith.constant dense<{{\[\[}}1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: linalg.matmul ins(%arg0, %[[BT]] : tensor<4x3xf32>, tensor<3x2xf32>)
func.func @gemm_const_trans_b(%a: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %b = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %none = onnx.none
  %y = onnx.node "Gemm" opset 13 (%a, %b, %none) {transB = 1 : i64} : (tensor<4x3xf32>, tensor<2x3xf32>, none) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// Unit strides, one image, one group, f32: the named convolution on the
// padded input (sy-lower-conv-to-ukernel sends it to the direct kernel),
// accumulating onto the broadcast bias.
// CHECK-LABEL: func.func @conv_unit_stride_named
// CHECK: %[[XP:.+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x10x10xf32>)
// CHECK: %[[INIT:.+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[XP]], %arg1 : tensor<1x3x10x10xf32>, tensor<4x3x3x2xf32>) outs(%[[INIT]] : tensor<1x4x8x8xf32>)
func.func @conv_unit_stride_named(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x2xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %y = onnx.node "Conv" opset 17 (%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x2xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
