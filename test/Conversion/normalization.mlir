// Reductions and normalizations lower to linalg.generic: reductions iterate
// the reduced dims as `reduction` into an accumulator filled with the
// identity (0, 1, -inf/+inf, integer min/max), normalizations combine such
// reductions with parallel maps; float16 accumulates in f32.
// RUN: switchyard-opt %s --sy-lower-onnx | FileCheck %s
// Every lowering bufferizes (no tensor op survives one-shot bufferization):
// RUN: switchyard-opt %s --sy-lower-onnx --canonicalize --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF
// BUF-NOT: tensor.

// Axes attribute (opset 11), keepdims = 1: a reduction over d1, then the
// kept dims reinserted as size 1.
// CHECK-LABEL: func @reduce_sum_attr
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]{{.*}} outs(%[[FILL]] : tensor<2x4xf32>)
// CHECK: arith.addf
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
func.func @reduce_sum_attr(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %y = onnx.node "ReduceSum" opset 11 (%x) {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %y : tensor<2x1x4xf32>
}

// Axes as a constant input (opset 13), negative axis, keepdims = 0.
// CHECK-LABEL: func @reduce_sum_input
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-NOT: tensor.expand_shape
// CHECK: return {{.*}} : tensor<2x3xf32>
func.func @reduce_sum_input(%x: tensor<2x3x4xf32>) -> tensor<2x3xf32> {
  %axes = arith.constant dense<[-1]> : tensor<1xi64>
  %y = onnx.node "ReduceSum" opset 13 (%x, %axes) {keepdims = 0 : i64} : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// No axes: every dim reduces, into a rank-0 accumulator.
// CHECK-LABEL: func @reduce_mean_all
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]{{.*}} outs(%{{.*}} : tensor<f32>)
// CHECK: arith.constant 1.200000e+01 : f32
// CHECK: arith.divf
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_mean_all(%x: tensor<3x4xf32>) -> tensor<1x1xf32> {
  %y = onnx.node "ReduceMean" opset 18 (%x) {} : (tensor<3x4xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// noop_with_empty_axes = 1 without axes: nothing is reduced.
// CHECK-LABEL: func @reduce_mean_noop
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK-NOT: "reduction"
func.func @reduce_mean_noop(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %y = onnx.node "ReduceMean" opset 18 (%x) {noop_with_empty_axes = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// Max starts from -inf and keeps NaN (maximumf); integer Min from INT32_MAX.
// CHECK-LABEL: func @reduce_max_min
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: arith.maximumf
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.minsi
func.func @reduce_max_min(%x: tensor<3x4xf32>, %i: tensor<3x4xi32>) -> (tensor<3x1xf32>, tensor<1x4xi32>) {
  %a = onnx.node "ReduceMax" opset 13 (%x) {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %b = onnx.node "ReduceMin" opset 13 (%i) {axes = array<i64: 0>} : (tensor<3x4xi32>) -> tensor<1x4xi32>
  return %a, %b : tensor<3x1xf32>, tensor<1x4xi32>
}

// Bool Max (opset 20) is an unsigned max from false.
// CHECK-LABEL: func @reduce_max_bool
// CHECK: arith.constant false
// CHECK: arith.maxui
func.func @reduce_max_bool(%x: tensor<3x4xi1>) -> tensor<3xi1> {
  %axes = arith.constant dense<[1]> : tensor<1xi64>
  %y = onnx.node "ReduceMax" opset 20 (%x, %axes) {keepdims = 0 : i64} : (tensor<3x4xi1>, tensor<1xi64>) -> tensor<3xi1>
  return %y : tensor<3xi1>
}

// float16 accumulates in f32 and rounds once.
// CHECK-LABEL: func @reduce_l2_f16
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.mulf
// CHECK: arith.addf %{{.*}} : f32
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @reduce_l2_f16(%x: tensor<3x4xf16>) -> tensor<3x1xf16> {
  %y = onnx.node "ReduceL2" opset 13 (%x) {axes = array<i64: 1>} : (tensor<3x4xf16>) -> tensor<3x1xf16>
  return %y : tensor<3x1xf16>
}

// LogSumExp subtracts the max first: two reductions, exp inside the sum.
// CHECK-LABEL: func @reduce_log_sum_exp
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: math.log
func.func @reduce_log_sum_exp(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %y = onnx.node "ReduceLogSumExp" opset 13 (%x) {axes = array<i64: 1>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// Softmax 13: one axis; max, sum of exp, divide.
// CHECK-LABEL: func @softmax13
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: math.exp
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]
// CHECK: arith.divf
func.func @softmax13(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = onnx.node "Softmax" opset 13 (%x) {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// Softmax 11: the input is coerced to 2-D at axis 1, so dims 1 and 2 reduce.
// CHECK-LABEL: func @softmax11
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "reduction"]
func.func @softmax11(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %y = onnx.node "Softmax" opset 11 (%x) {} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// LogSoftmax: (x - max) - log(sum).
// CHECK-LABEL: func @log_softmax
// CHECK: math.log
// CHECK: arith.subf
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = onnx.node "LogSoftmax" opset 13 (%x) {} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// LayerNormalization with Mean and InvStdDev outputs: mean, variance
// (two-pass), 1 / sqrt(var + eps), then scale and bias broadcast from the right.
// CHECK-LABEL: func @layer_norm
// CHECK: math.sqrt
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}]
// CHECK: tensor.expand_shape {{.*}} into tensor<2x1x1xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x1x1xf32>
func.func @layer_norm(%x: tensor<2x3x4xf32>, %s: tensor<3x4xf32>, %b: tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>) {
  %y, %m, %r = onnx.node "LayerNormalization" opset 17 (%x, %s, %b) {axis = 1 : i64, epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<4xf32>) -> (tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
  return %y, %m, %r : tensor<2x3x4xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>
}

// RMSNormalization: mean of squares, 1 / sqrt, scale.
// CHECK-LABEL: func @rms_norm
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: math.sqrt
func.func @rms_norm(%x: tensor<3x8xf32>, %s: tensor<8xf32>) -> tensor<3x8xf32> {
  %y = onnx.node "RMSNormalization" opset 23 (%x, %s) {} : (tensor<3x8xf32>, tensor<8xf32>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// BatchNormalization (inference): one parallel map, parameters read at d1.
// CHECK-LABEL: func @batch_norm
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH:.*]], #[[CH]], #[[CH]], #[[CH]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK: math.sqrt
// CHECK-NOT: "reduction"
func.func @batch_norm(%x: tensor<2x3x5x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<2x3x5x5xf32> {
  %y = onnx.node "BatchNormalization" opset 15 (%x, %s, %b, %m, %v) {epsilon = 1.0e-3 : f32} : (tensor<2x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x5x5xf32>
  return %y : tensor<2x3x5x5xf32>
}

// InstanceNormalization: moments over the spatial dims.
// CHECK-LABEL: func @instance_norm
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: math.sqrt
func.func @instance_norm(%x: tensor<2x3x5x5xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x5x5xf32> {
  %y = onnx.node "InstanceNormalization" opset 6 (%x, %s, %b) {} : (tensor<2x3x5x5xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x5x5xf32>
  return %y : tensor<2x3x5x5xf32>
}

// LpNormalization p = 1: sum of |x|, zero norm selects 0.
// CHECK-LABEL: func @lp_norm
// CHECK: math.absf
// CHECK: arith.cmpf oeq
// CHECK: arith.select
func.func @lp_norm(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %y = onnx.node "LpNormalization" opset 1 (%x) {axis = 0 : i64, p = 1 : i64} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// MeanVarianceNormalization over the default axes [0, 2, 3].
// CHECK-LABEL: func @mvn
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "reduction", "reduction"]
// CHECK: math.sqrt
func.func @mvn(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %y = onnx.node "MeanVarianceNormalization" opset 13 (%x) {} : (tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32>
  return %y : tensor<2x3x4x5xf32>
}
