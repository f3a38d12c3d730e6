// onnx.node has no side effects, so an unused node is dead code.
// RUN: switchyard-opt %s -canonicalize | FileCheck %s

// CHECK-LABEL: func @dead_node
// CHECK-NOT: onnx.node
// CHECK: return %arg0
func.func @dead_node(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = onnx.node "Relu" opset 14 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return %x : tensor<4xf32>
}
