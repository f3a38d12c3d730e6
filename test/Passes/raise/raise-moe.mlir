// sy-raise-moe: onnxruntime's com.microsoft.MoE becomes route -> dispatch ->
// grouped_matmul (fc1 + activation) -> grouped_matmul (fc2) -> combine;
// anything that is not that op is left alone.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-moe))' | FileCheck %s

// Tokens as [T, H], relu experts, no biases, routing weights renormalized.
// CHECK-LABEL: func @contrib_relu
// CHECK-SAME: (%[[X:.*]]: tensor<16x64xf32>, %[[L:.*]]: tensor<16x8xf32>, %[[W1:.*]]: tensor<8x128x64xf32>, %[[W2:.*]]: tensor<8x64x128xf32>)
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk renormalize : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] rhs_transposed activation = relu : {{.*}} -> tensor<32x128xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] rhs_transposed : {{.*}} -> tensor<32x64xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : {{.*}} -> tensor<16x64xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @contrib_relu(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>, %w1: tensor<8x128x64xf32>, %w2: tensor<8x64x128xf32>) -> tensor<16x64xf32> {
  %none = onnx.none
  %y = onnx.node "MoE" domain "com.microsoft" opset 1 (%x, %l, %w1, %none, %w2) {activation_type = "relu", k = 2 : i64, normalize_routing_weights = 1 : i64} name "moe/MoE" : (tensor<16x64xf32>, tensor<16x8xf32>, tensor<8x128x64xf32>, none, tensor<8x64x128xf32>) -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// [B, S, H] tokens are flattened around the layer; biases go to their GEMMs;
// interleaved SwiGLU (swiglu_fusion = 1) halves fc1's 2I columns; gelu is
// onnxruntime's tanh approximation; no renormalization.
// CHECK-LABEL: func @contrib_swiglu_3d_bias
// CHECK: %[[X2:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x8x64xf32> into tensor<16x64xf32>
// CHECK: sy.route %{{.*}} top_k = 4 mode = softmax_topk :
// CHECK: sy.dispatch %[[X2]]
// CHECK: sy.grouped_matmul %{{.*}}, %{{.*}} offsets %{{.*}} bias %{{.*}} rhs_transposed activation = swiglu_interleaved : {{.*}} -> tensor<64x96xf32>
// CHECK: sy.grouped_matmul %{{.*}}, %{{.*}} offsets %{{.*}} bias %{{.*}} rhs_transposed : {{.*}} -> tensor<64x64xf32>
// CHECK: %[[Y:.*]] = sy.combine
// CHECK: tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [2, 8, 64] : tensor<16x64xf32> into tensor<2x8x64xf32>
func.func @contrib_swiglu_3d_bias(%x: tensor<2x8x64xf32>, %l: tensor<16x8xf32>, %w1: tensor<8x192x64xf32>, %b1: tensor<8x192xf32>, %w2: tensor<8x64x96xf32>, %b2: tensor<8x64xf32>) -> tensor<2x8x64xf32> {
  %y = onnx.node "MoE" domain "com.microsoft" opset 1 (%x, %l, %w1, %b1, %w2, %b2) {activation_type = "swiglu", swiglu_fusion = 1 : i64, k = 4 : i64} : (tensor<2x8x64xf32>, tensor<16x8xf32>, tensor<8x192x64xf32>, tensor<8x192xf32>, tensor<8x64x96xf32>, tensor<8x64xf32>) -> tensor<2x8x64xf32>
  return %y : tensor<2x8x64xf32>
}

// -----

// gelu is raised as gelu_tanh, concatenated SwiGLU (fusion 2) as swiglu.
// CHECK-LABEL: func @contrib_gelu_and_concat_swiglu
// CHECK: activation = gelu_tanh
// CHECK: activation = swiglu :
func.func @contrib_gelu_and_concat_swiglu(%x: tensor<4x16xf32>, %l: tensor<4x4xf32>, %w1: tensor<4x32x16xf32>, %w2: tensor<4x16x32xf32>, %w1s: tensor<4x64x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %none = onnx.none
  %a = onnx.node "MoE" domain "com.microsoft" opset 1 (%x, %l, %w1, %none, %w2) {activation_type = "gelu", k = 1 : i64} : (tensor<4x16xf32>, tensor<4x4xf32>, tensor<4x32x16xf32>, none, tensor<4x16x32xf32>) -> tensor<4x16xf32>
  %b = onnx.node "MoE" domain "com.microsoft" opset 1 (%x, %l, %w1s, %none, %w2) {activation_type = "swiglu", swiglu_fusion = 2 : i64, k = 1 : i64} : (tensor<4x16xf32>, tensor<4x4xf32>, tensor<4x64x16xf32>, none, tensor<4x16x32xf32>) -> tensor<4x16xf32>
  return %a, %b : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// Near-miss: an op named MoE in another domain is not onnxruntime's.
// CHECK-LABEL: func @other_domain
// CHECK: onnx.node "MoE" domain "com.example"
// CHECK-NOT: sy.route
func.func @other_domain(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = onnx.node "MoE" domain "com.example" opset 1 (%x) {} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Attributes the rewrite cannot honour are errors naming the node.
func.func @limit(%x: tensor<4x16xf32>, %l: tensor<4x4xf32>, %w1: tensor<4x64x16xf32>, %w2: tensor<4x16x32xf32>) -> tensor<4x16xf32> {
  %none = onnx.none
  // expected-error @+1 {{SwiGLU with activation_alpha, activation_beta or swiglu_limit other than 1, 0 and none is not supported yet}}
  %y = onnx.node "MoE" domain "com.microsoft" opset 1 (%x, %l, %w1, %none, %w2) {activation_type = "swiglu", swiglu_fusion = 1 : i64, swiglu_limit = 7.0 : f32, k = 2 : i64} name "gpt_oss/moe" : (tensor<4x16xf32>, tensor<4x4xf32>, tensor<4x64x16xf32>, none, tensor<4x16x32xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
