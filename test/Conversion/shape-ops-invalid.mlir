// RUN: switchyard-opt %s --sy-lower-onnx -verify-diagnostics -split-input-file
// Every user error the shape-op lowerings emit, one case each, naming the
// node.

func.func @slice_nonconstant_starts(%x: tensor<5xf32>, %s: tensor<1xi64>) -> tensor<2xf32> {
  %e = arith.constant dense<3> : tensor<1xi64>
  // expected-error @+1 {{node 'sl' (Slice, opset 13): starts, ends, axes and steps must be constants}}
  %y = onnx.node "Slice" opset 13 (%x, %s, %e) {} name "sl" : (tensor<5xf32>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @gather_empty_axis(%x: tensor<0x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{node '' (Gather, opset 13): cannot gather along axis 0 of size 0}}
  %y = onnx.node "Gather" opset 13 (%x, %i) {} : (tensor<0x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @transpose_bad_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{node '' (Transpose, opset 13): perm is not a permutation of 0..1}}
  %y = onnx.node "Transpose" opset 13 (%x) {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

func.func @range_bool(%s: tensor<i1>) -> tensor<1xi1> {
  // expected-error @+1 {{node '' (Range, opset 11): element type 'i1' is not a number}}
  %y = onnx.node "Range" opset 11 (%s, %s, %s) {} : (tensor<i1>, tensor<i1>, tensor<i1>) -> tensor<1xi1>
  return %y : tensor<1xi1>
}

// -----

// ConstantOfShape with a computed shape has a dynamic result: the pass
// refuses it before the lowering runs.
func.func @constant_of_shape_dynamic(%s: tensor<2xi64>) -> tensor<?x?xf32> {
  // expected-error @+1 {{node '' (ConstantOfShape, opset 20): output 0 has the dynamic shape 'tensor<?x?xf32>'}}
  %y = onnx.node "ConstantOfShape" opset 20 (%s) {} : (tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

func.func @pad_nonconstant_pads(%x: tensor<2xf32>, %p: tensor<2xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{node '' (Pad, opset 13): pads must be a constant}}
  %y = onnx.node "Pad" opset 13 (%x, %p) {} : (tensor<2xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @pad_nonconstant_axes(%x: tensor<2xf32>, %a: tensor<1xi64>) -> tensor<4xf32> {
  %p = arith.constant dense<1> : tensor<2xi64>
  %n = onnx.none
  // expected-error @+1 {{node '' (Pad, opset 18): axes must be a constant}}
  %y = onnx.node "Pad" opset 18 (%x, %p, %n, %a) {} : (tensor<2xf32>, tensor<2xi64>, none, tensor<1xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @pad_unknown_mode(%x: tensor<2xf32>) -> tensor<4xf32> {
  %p = arith.constant dense<1> : tensor<2xi64>
  // expected-error @+1 {{node '' (Pad, opset 21): mode 'symmetric' is not supported (constant, reflect, edge, wrap)}}
  %y = onnx.node "Pad" opset 21 (%x, %p) {mode = "symmetric"} : (tensor<2xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// wrap exists from Pad-19 only.
func.func @pad_wrap_before_19(%x: tensor<2xf32>) -> tensor<4xf32> {
  %p = arith.constant dense<1> : tensor<2xi64>
  // expected-error @+1 {{node '' (Pad, opset 18): mode 'wrap' is not supported (constant, reflect, edge)}}
  %y = onnx.node "Pad" opset 18 (%x, %p) {mode = "wrap"} : (tensor<2xf32>, tensor<2xi64>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @pad_wrong_length(%x: tensor<2x2xf32>) -> tensor<4x2xf32> {
  %p = arith.constant dense<1> : tensor<2xi64>
  // expected-error @+1 {{node '' (Pad, opset 13): pads has 2 entries, expected 4}}
  %y = onnx.node "Pad" opset 13 (%x, %p) {} : (tensor<2x2xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

func.func @pad_reflect_empty(%x: tensor<3xf32>) -> tensor<2xf32> {
  %p = arith.constant dense<[-3, 2]> : tensor<2xi64>
  // expected-error @+1 {{node '' (Pad, opset 13): mode 'edge' cannot pad an empty input}}
  %y = onnx.node "Pad" opset 13 (%x, %p) {mode = "edge"} : (tensor<3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @depth_to_space_bad_mode(%x: tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{node '' (DepthToSpace, opset 13): mode 'RDC' is not DCR or CRD}}
  %y = onnx.node "DepthToSpace" opset 13 (%x) {blocksize = 2 : i64, mode = "RDC"} : (tensor<1x4x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
