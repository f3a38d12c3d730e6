// Indexing ops lower to linalg.generic bodies that compute source
// coordinates (gathers, OneHot, Trilu), scf.for nests over tensors (scatters,
// CumSum, TopK) and a two-output reduction (ArgMax/ArgMin); NonZero of a
// constant becomes a constant.
// RUN: switchyard-opt %s --sy-lower-onnx | FileCheck %s

// Out-of-range indices wrap (negative) and clamp into [0, n-1].
// CHECK-LABEL: func @gather_elements
// CHECK: linalg.generic
// CHECK: tensor.extract %{{.*}} : tensor<2x3xi64>
// CHECK: arith.index_cast
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: tensor.extract %{{.*}} : tensor<4x3xf32>
// CHECK-NOT: onnx.node
func.func @gather_elements(%x: tensor<4x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  %y = onnx.node "GatherElements" opset 13 (%x, %i) {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// batch_dims = 1: the first output coordinate is the batch.
// CHECK-LABEL: func @gather_nd_batch
// CHECK: linalg.generic
// CHECK-COUNT-2: tensor.extract %{{.*}} : tensor<2x3x2xi64>
// CHECK: tensor.extract %{{.*}} : tensor<2x4x5x6xf32>
func.func @gather_nd_batch(%x: tensor<2x4x5x6xf32>, %i: tensor<2x3x2xi64>) -> tensor<2x3x6xf32> {
  %y = onnx.node "GatherND" opset 13 (%x, %i) {batch_dims = 1 : i64} : (tensor<2x4x5x6xf32>, tensor<2x3x2xi64>) -> tensor<2x3x6xf32>
  return %y : tensor<2x3x6xf32>
}

// The loop starts from a copy of data; out-of-range updates are skipped by
// scf.if; reduction = add combines with the current element.
// CHECK-LABEL: func @scatter_elements_add
// CHECK: %[[COPY:.*]] = linalg.copy
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[COPY]])
// CHECK: scf.for
// CHECK: scf.if
// CHECK: arith.addf
// CHECK: tensor.insert
func.func @scatter_elements_add(%x: tensor<3x3xf32>, %i: tensor<2x3xi32>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %y = onnx.node "ScatterElements" opset 18 (%x, %i, %u) {axis = 1 : i64, reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi32>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// CHECK-LABEL: func @scatter_nd_max
// CHECK: linalg.copy
// CHECK: scf.for
// CHECK: scf.if
// CHECK: arith.maximumf
func.func @scatter_nd_max(%x: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x5xf32>) -> tensor<4x5xf32> {
  %y = onnx.node "ScatterND" opset 18 (%x, %i, %u) {reduction = "max"} : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x5xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// Exclusive reverse CumSum along axis 1: one scalar running sum per row,
// walked from the end; the sum is written before it grows.
// CHECK-LABEL: func @cumsum_exclusive_reverse
// CHECK: scf.for {{.*}} -> (tensor<2x5xf32>)
// CHECK: scf.for {{.*}} -> (tensor<2x5xf32>, f32)
// CHECK: %[[POS:.*]] = arith.subi
// CHECK: %[[V:.*]] = tensor.extract %{{.*}}[%{{.*}}, %[[POS]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC:.*]], %[[V]]
// CHECK: tensor.insert %[[ACC]]
// CHECK: scf.yield %{{.*}}, %[[SUM]]
func.func @cumsum_exclusive_reverse(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %axis = arith.constant dense<1> : tensor<i64>
  %y = onnx.node "CumSum" opset 14 (%x, %axis) {exclusive = 1 : i64, reverse = 1 : i64} : (tensor<2x5xf32>, tensor<i64>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// CHECK-LABEL: func @onehot
// CHECK: linalg.generic
// CHECK: arith.cmpi eq
// CHECK: arith.select
func.func @onehot(%i: tensor<3xi64>, %v: tensor<2xf32>) -> tensor<3x4xf32> {
  %depth = arith.constant dense<4> : tensor<i64>
  %y = onnx.node "OneHot" opset 11 (%i, %depth, %v) {} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// Lower triangle with k = -1: keep j - i <= -1.
// CHECK-LABEL: func @trilu_lower
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.cmpi sle
func.func @trilu_lower(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %k = arith.constant dense<-1> : tensor<i64>
  %y = onnx.node "Trilu" opset 14 (%x, %k) {upper = 0 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// TopK: per row, insertion into a sorted list (find the place, then shift).
// CHECK-LABEL: func @topk
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpf ogt
// CHECK: scf.for
// CHECK: tensor.insert
// CHECK: tensor.insert
func.func @topk(%x: tensor<2x7xf32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  %k = arith.constant dense<3> : tensor<1xi64>
  %v, %i = onnx.node "TopK" opset 11 (%x, %k) {axis = 1 : i64} : (tensor<2x7xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// ArgMax, keepdims: a reduction with value and index outputs, then the axis
// comes back as 1.
// CHECK-LABEL: func @argmax_keepdims
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: arith.cmpf ogt
// CHECK: tensor.expand_shape {{.*}} : tensor<2x4xi64> into tensor<2x1x4xi64>
func.func @argmax_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xi64> {
  %y = onnx.node "ArgMax" opset 13 (%x) {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x1x4xi64>
  return %y : tensor<2x1x4xi64>
}

// select_last_index turns the strict comparison into a non-strict one.
// CHECK-LABEL: func @argmin_last
// CHECK: linalg.generic
// CHECK: arith.cmpi sle
// CHECK-NOT: tensor.expand_shape
func.func @argmin_last(%x: tensor<5xi32>) -> tensor<i64> {
  %y = onnx.node "ArgMin" opset 13 (%x) {keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<5xi32>) -> tensor<i64>
  return %y : tensor<i64>
}

// CHECK-LABEL: func @nonzero_constant
// CHECK: arith.constant dense<{{\[\[}}0, 1], [1, 0]]> : tensor<2x2xi64>
func.func @nonzero_constant() -> tensor<2x2xi64> {
  %c = arith.constant dense<[[0.0, 1.0], [2.0, 0.0]]> : tensor<2x2xf32>
  %y = onnx.node "NonZero" opset 13 (%c) {} : (tensor<2x2xf32>) -> tensor<2x2xi64>
  return %y : tensor<2x2xi64>
}
