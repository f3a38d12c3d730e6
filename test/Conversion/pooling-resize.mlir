// Pools lower to a window reduction: one linalg.generic over (N, C, out...,
// window...) whose window dims are `reduction`, reading a padded copy of the
// input (-inf/lowest for max, 0 for average) at o * stride + w * dilation;
// AveragePool then divides by per-position counts (constant tables where
// they vary, one scalar where uniform). Resize lowers to one parallel
// linalg.generic whose source indices and weights are constant tables per
// resized axis and tap, read with tensor.extract.
// RUN: switchyard-opt %s --sy-lower-onnx | FileCheck %s
// Every lowering bufferizes (no tensor op survives one-shot bufferization):
// RUN: switchyard-opt %s --sy-lower-onnx --canonicalize --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF
// BUF-NOT: tensor.

// 2-D MaxPool with pads and strides and the Indices output: the padded copy
// selects -inf outside the 5x5 input; the reduction yields (value, index).
// CHECK-LABEL: func @maxpool_pads_indices
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x2x7x7xf32>)
// CHECK: tensor.extract
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[NEGINF]] : f32
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%{{.*}}, %{{.*}} : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: linalg.yield %{{.*}}, %{{.*}} : f32, i64
func.func @maxpool_pads_indices(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>) {
  %y, %i = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
  return %y, %i : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>
}

// No padding: the input feeds the reduction directly; dilation 2 shows in
// the input map (d2 + d4 * 2).
// CHECK-LABEL: func @maxpool_dilated
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]{{.*}} ins(%arg0, %{{.*}} : tensor<1x1x6x6xf32>, tensor<2x2xf32>)
// CHECK: arith.maxnumf
func.func @maxpool_dilated(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32> {
  %y = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// int8 max starts from the lowest integer and uses a signed max.
// CHECK-LABEL: func @maxpool_i8
// CHECK: arith.constant -128 : i8
// CHECK: arith.maxsi
func.func @maxpool_i8(%x: tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8> {
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xi8>) -> tensor<1x1x2x2xi8>
  return %y : tensor<1x1x2x2xi8>
}

// 1-D ceil_mode: 7 elements, kernel 2, stride 2 -> 4 windows, the last one
// partial; the copy is extended to 8 and the divisors are [2, 2, 2, 1].
// CHECK-LABEL: func @avgpool_ceil_1d
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x1x8xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.addf
// CHECK: arith.constant dense<[2.000000e+00, 2.000000e+00, 2.000000e+00, 1.000000e+00]> : tensor<4xf32>
// CHECK: arith.divf
func.func @avgpool_ceil_1d(%x: tensor<1x1x7xf32>) -> tensor<1x1x4xf32> {
  %y = onnx.node "AveragePool" opset 19 (%x) {kernel_shape = array<i64: 2>, strides = array<i64: 2>, ceil_mode = 1 : i64} : (tensor<1x1x7xf32>) -> tensor<1x1x4xf32>
  return %y : tensor<1x1x4xf32>
}

// count_include_pad: every 3x3 window of the padded input counts 9.
// CHECK-LABEL: func @avgpool_count_pad
// CHECK: arith.constant 9.000000e+00 : f32
// CHECK: arith.divf
func.func @avgpool_count_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = onnx.node "AveragePool" opset 13 (%x) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, count_include_pad = 1 : i64} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// Without count_include_pad the border windows count fewer: [2, 3, 3, 2]
// per dim, one table per spatial dim.
// CHECK-LABEL: func @avgpool_exclude_pad
// CHECK: arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK: arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK: arith.mulf
// CHECK: arith.divf
func.func @avgpool_exclude_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %y = onnx.node "AveragePool" opset 13 (%x) {kernel_shape = array<i64: 3, 3>, auto_pad = "SAME_UPPER"} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// float16 accumulates in f32 and rounds once.
// CHECK-LABEL: func @avgpool_f16_3d
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @avgpool_f16_3d(%x: tensor<1x1x4x4x4xf16>) -> tensor<1x1x2x2x2xf16> {
  %y = onnx.node "AveragePool" opset 19 (%x) {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<1x1x4x4x4xf16>) -> tensor<1x1x2x2x2xf16>
  return %y : tensor<1x1x2x2x2xf16>
}

// Global pools: the window is the whole 3x5 image.
// CHECK-LABEL: func @global_pools
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]{{.*}} ins(%arg0, %{{.*}} : tensor<2x3x3x5xf32>, tensor<3x5xf32>)
// CHECK: arith.constant 1.500000e+01 : f32
// CHECK: arith.divf
// CHECK: arith.maxnumf
func.func @global_pools(%x: tensor<2x3x3x5xf32>) -> (tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>) {
  %a = onnx.node "GlobalAveragePool" opset 1 (%x) {} : (tensor<2x3x3x5xf32>) -> tensor<2x3x1x1xf32>
  %m = onnx.node "GlobalMaxPool" opset 22 (%x) {} : (tensor<2x3x3x5xf32>) -> tensor<2x3x1x1xf32>
  return %a, %m : tensor<2x3x1x1xf32>, tensor<2x3x1x1xf32>
}

// Bilinear x2, half_pixel: separable, one generic per resized axis with two
// index tables and two weight tables, innermost axis first (3 -> 6, reading
// the input), then the rows (2 -> 4, reading the first stage at the loop's
// column).
// CHECK-LABEL: func @resize_linear
// CHECK-DAG: arith.constant dense<[0, 0, 0, 1, 1, 2]> : tensor<6xi64>
// CHECK-DAG: arith.constant dense<[0, 1, 1, 2, 2, 2]> : tensor<6xi64>
// CHECK: %[[W:[0-9]+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel"]{{.*}}outs(%{{.*}} : tensor<1x1x2x6xf32>)
// CHECK-COUNT-2: tensor.extract %arg0
// CHECK: linalg.yield
// CHECK-DAG: arith.constant dense<[0, 0, 0, 1]> : tensor<4xi64>
// CHECK-DAG: arith.constant dense<[0, 1, 1, 1]> : tensor<4xi64>
// CHECK-DAG: arith.constant dense<[2.500000e-01, 7.500000e-01, 2.500000e-01, 7.500000e-01]> : tensor<4xf32>
// CHECK: linalg.generic {{.*}}outs(%{{.*}} : tensor<1x1x4x6xf32>)
// CHECK: %[[COL:.*]] = linalg.index 3
// CHECK: tensor.extract %[[W]][%{{.*}}, %{{.*}}, %{{.*}}, %[[COL]]]
// CHECK: tensor.extract %[[W]][%{{.*}}, %{{.*}}, %{{.*}}, %[[COL]]]
// CHECK-NOT: tensor.extract
// CHECK: linalg.yield
func.func @resize_linear(%x: tensor<1x1x2x3xf32>) -> tensor<1x1x4x6xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {mode = "linear"} : (tensor<1x1x2x3xf32>, none, tensor<4xf32>) -> tensor<1x1x4x6xf32>
  return %y : tensor<1x1x4x6xf32>
}

// Nearest from sizes, asymmetric + floor: 5 -> 3 reads 0, 1, 3 (x / 0.6).
// Unresized dims read at the loop index.
// CHECK-LABEL: func @resize_nearest_sizes
// CHECK: arith.constant dense<[0, 1, 3]> : tensor<3xi64>
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK-COUNT-1: tensor.extract %arg0
// CHECK-NEXT: linalg.yield
func.func @resize_nearest_sizes(%x: tensor<2x5xi32>) -> tensor<2x3xi32> {
  %none = onnx.none
  %sizes = arith.constant dense<[2, 3]> : tensor<2xi64>
  %y = onnx.node "Resize" opset 19 (%x, %none, %none, %sizes) {coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"} : (tensor<2x5xi32>, none, none, tensor<2xi64>) -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// Cubic on the named axis only (axes, opset 18): four taps.
// CHECK-LABEL: func @resize_cubic_axes
// CHECK: linalg.generic
// CHECK-COUNT-4: tensor.extract %arg0
func.func @resize_cubic_axes(%x: tensor<3x4xf32>) -> tensor<3x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[2.0]> : tensor<1xf32>
  %y = onnx.node "Resize" opset 18 (%x, %none, %s) {mode = "cubic", axes = array<i64: -1>} : (tensor<3x4xf32>, none, tensor<1xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// Upsample 7 (scales attribute): asymmetric nearest, x2 floors to 0 0 1 1.
// CHECK-LABEL: func @upsample7
// CHECK: arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
func.func @upsample7(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %y = onnx.node "Upsample" opset 7 (%x) {scales = array<f32: 1.0, 2.0>} : (tensor<1x2xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
