// Every user error of the indexing lowerings: non-constant operands that
// must be constant, unsupported reductions, reads from empty dimensions.
// RUN: switchyard-opt %s --sy-lower-onnx -verify-diagnostics -split-input-file

func.func @topk_k_not_constant(%x: tensor<2x7xf32>, %k: tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  // expected-error @+1 {{node '' (TopK, opset 11): K must be a constant}}
  %v, %i = onnx.node "TopK" opset 11 (%x, %k) {} : (tensor<2x7xf32>, tensor<1xi64>) -> (tensor<2x3xf32>, tensor<2x3xi64>)
  return %v, %i : tensor<2x3xf32>, tensor<2x3xi64>
}

// -----

func.func @cumsum_axis_not_constant(%x: tensor<4xf32>, %a: tensor<i64>) -> tensor<4xf32> {
  // expected-error @+1 {{node '' (CumSum, opset 14): axis must be a constant scalar}}
  %y = onnx.node "CumSum" opset 14 (%x, %a) {} : (tensor<4xf32>, tensor<i64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @onehot_depth_not_constant(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{node '' (OneHot, opset 11): depth must be a constant}}
  %y = onnx.node "OneHot" opset 11 (%i, %d, %v) {} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

func.func @trilu_k_not_constant(%x: tensor<3x3xf32>, %k: tensor<i64>) -> tensor<3x3xf32> {
  // expected-error @+1 {{node '' (Trilu, opset 14): k must be a constant scalar}}
  %y = onnx.node "Trilu" opset 14 (%x, %k) {} : (tensor<3x3xf32>, tensor<i64>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

func.func @scatter_max_before_18(%x: tensor<3xf32>, %i: tensor<1xi64>, %u: tensor<1xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node 'sc' (ScatterElements, opset 16): unsupported reduction 'max' before opset 18}}
  %y = onnx.node "ScatterElements" opset 16 (%x, %i, %u) {reduction = "max"} name "sc" : (tensor<3xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @scatter_nd_unknown_reduction(%x: tensor<3xf32>, %i: tensor<1x1xi64>, %u: tensor<1xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (ScatterND, opset 18): unsupported reduction 'sum'}}
  %y = onnx.node "ScatterND" opset 18 (%x, %i, %u) {reduction = "sum"} : (tensor<3xf32>, tensor<1x1xi64>, tensor<1xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @scatter_add_bool(%x: tensor<3xi1>, %i: tensor<1xi64>, %u: tensor<1xi1>) -> tensor<3xi1> {
  // expected-error @+1 {{node '' (ScatterElements, opset 18): reduction 'add' on bool is not supported}}
  %y = onnx.node "ScatterElements" opset 18 (%x, %i, %u) {reduction = "add"} : (tensor<3xi1>, tensor<1xi64>, tensor<1xi1>) -> tensor<3xi1>
  return %y : tensor<3xi1>
}

// -----

func.func @gather_from_empty(%x: tensor<0x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{node '' (GatherElements, opset 13): cannot gather from dimension 0 of size 0}}
  %y = onnx.node "GatherElements" opset 13 (%x, %i) {axis = 0 : i64} : (tensor<0x3xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @argmax_empty_axis(%x: tensor<2x0xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{node '' (ArgMax, opset 13): cannot reduce the empty axis 1}}
  %y = onnx.node "ArgMax" opset 13 (%x) {axis = 1 : i64, keepdims = 0 : i64} : (tensor<2x0xf32>) -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// -----

func.func @nonzero_not_constant(%x: tensor<4xf32>) -> tensor<1x2xi64> {
  // expected-error @+1 {{node '' (NonZero, opset 13): the output shape depends on the input's values; NonZero is supported only on a constant input}}
  %y = onnx.node "NonZero" opset 13 (%x) {} : (tensor<4xf32>) -> tensor<1x2xi64>
  return %y : tensor<1x2xi64>
}

// -----

// A result type that disagrees with inference would make the loops index
// out of bounds.
func.func @topk_wrong_result(%x: tensor<2x7xf32>) -> (tensor<2x4xf32>, tensor<2x4xi64>) {
  %k = arith.constant dense<3> : tensor<1xi64>
  // expected-error @+1 {{node '' (TopK, opset 11): output 0 is 'tensor<2x4xf32>', expected 'tensor<2x3xf32>'}}
  %v, %i = onnx.node "TopK" opset 11 (%x, %k) {} : (tensor<2x7xf32>, tensor<1xi64>) -> (tensor<2x4xf32>, tensor<2x4xi64>)
  return %v, %i : tensor<2x4xf32>, tensor<2x4xi64>
}
