// onnx.node keeps op type, domain, opset, ONNX attributes and node name
// through custom and generic printing; onnx.none stands for absent inputs.
// RUN: switchyard-opt %s | switchyard-opt | FileCheck %s
// RUN: switchyard-opt %s --mlir-print-op-generic | switchyard-opt | FileCheck %s

// CHECK-LABEL: func @conv
// CHECK: onnx.node "Conv" opset 17 (%{{.*}}, %{{.*}}, %{{.*}}) {group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} name "stem/conv" : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %y = onnx.node "Conv" opset 17 (%x, %w, %b) {group = 1 : i64, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} name "stem/conv" : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// An absent optional input keeps the position of the one after it.
// CHECK-LABEL: func @clip_absent_min
// CHECK: %[[NONE:.*]] = onnx.none
// CHECK: onnx.node "Clip" opset 13 (%{{.*}}, %[[NONE]], %{{.*}}) {} : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
func.func @clip_absent_min(%x: tensor<4xf32>, %max: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.none
  %y = onnx.node "Clip" opset 13 (%x, %none, %max) {} : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// Contrib domain, several results, every ONNX attribute kind, other MLIR
// attributes kept apart from the ONNX ones.
// CHECK-LABEL: func @contrib_multi_result
// CHECK: onnx.node "TopKLike" domain "com.example" opset 1 (%{{.*}}) {alpha = 5.000000e-01 : f32, axes = array<i64: 0, 1>, k = 2 : i64, mode = "fast", names = ["a", "b"], scales = array<f32: 1.000000e+00, 2.000000e+00>, table = dense<[1, 2]> : tensor<2xi64>} attributes {sy.note = "kept"} : (tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
func.func @contrib_multi_result(%x: tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>) {
  %v, %i = onnx.node "TopKLike" domain "com.example" opset 1 (%x) {k = 2 : i64, alpha = 0.5 : f32, mode = "fast", axes = array<i64: 0, 1>, scales = array<f32: 1.0, 2.0>, names = ["a", "b"], table = dense<[1, 2]> : tensor<2xi64>} attributes {sy.note = "kept"} : (tensor<16x8xf32>) -> (tensor<16x2xf32>, tensor<16x2xi64>)
  return %v, %i : tensor<16x2xf32>, tensor<16x2xi64>
}

// Dynamic dimensions stay dynamic.
// CHECK-LABEL: func @dynamic
// CHECK: onnx.node "Relu" opset 14 (%{{.*}}) {} : (tensor<?x128xf32>) -> tensor<?x128xf32>
func.func @dynamic(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %y = onnx.node "Relu" opset 14 (%x) {} : (tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}
