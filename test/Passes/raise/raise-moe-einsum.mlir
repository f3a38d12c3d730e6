// sy-raise-moe, Switch Transformer / GShard einsum form: top-1 routing with
// expert capacity C as torch exports it (test/e2e/lib/moe_forms.py
// switch_moe): ArgMax of the softmax, one-hot, CumSum slot positions, a
// capacity mask, [T, E, C] combine and dispatch tensors, and Einsums for the
// dispatch, the stacked expert GEMMs ("ech,ehf->ecf") and the combine. It
// becomes route (top_k = 1, capacity) -> dispatch -> grouped_matmul ->
// grouped_matmul -> combine; near misses stay onnx.node.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-moe))' | FileCheck %s

// Relu experts, C = capacity = 2, dispatch = Cast(Greater(combine, 0)).
// CHECK-LABEL: func @switch_relu
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 1 mode = softmax_topk capacity = 2 : tensor<6x4xf32> -> tensor<6x1xi64>, tensor<6x1xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<6x8xf32>, tensor<6x1xi64> -> tensor<6x8xf32>, tensor<5xi64>, tensor<6x1xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = relu : tensor<6x8xf32>, tensor<4x8x16xf32>, tensor<5xi64> -> tensor<6x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : tensor<6x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<6x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<6x8xf32>, tensor<6x1xi64>, tensor<6x1xf32> -> tensor<6x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @switch_relu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// SwiGLU experts (silu(x Wg + bg) * (x Wu + bu)) with [E, 1, F] biases,
// C = capacity = 3, dispatch = Cast(Cast(combine, to = BOOL), to = FLOAT):
// the gate and up halves concatenate into one [E, H, 2F] fc1 and the biases
// collapse to [E, N].
// CHECK-LABEL: func @switch_swiglu_bias_bool
// CHECK-SAME: (%[[X:.*]]: tensor<8x8xf32>, %[[L:.*]]: tensor<8x4xf32>, %[[WG:.*]]: tensor<4x8x16xf32>, %[[BG:.*]]: tensor<4x1x16xf32>, %[[WU:.*]]: tensor<4x8x16xf32>, %[[BU:.*]]: tensor<4x1x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>, %[[B2:.*]]: tensor<4x1x8xf32>)
// CHECK-NOT: onnx.node
// CHECK-DAG: %[[BGF:.*]] = tensor.collapse_shape %[[BG]] {{\[\[}}0, 1], [2]] : tensor<4x1x16xf32> into tensor<4x16xf32>
// CHECK-DAG: %[[BUF:.*]] = tensor.collapse_shape %[[BU]] {{\[\[}}0, 1], [2]] : tensor<4x1x16xf32> into tensor<4x16xf32>
// CHECK-DAG: %[[B2F:.*]] = tensor.collapse_shape %[[B2]] {{\[\[}}0, 1], [2]] : tensor<4x1x8xf32> into tensor<4x8xf32>
// CHECK-DAG: %[[W1:.*]] = tensor.concat dim(2) %[[WG]], %[[WU]] : (tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x8x32xf32>
// CHECK-DAG: %[[B1:.*]] = tensor.concat dim(1) %[[BGF]], %[[BUF]] : (tensor<4x16xf32>, tensor<4x16xf32>) -> tensor<4x32xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 1 mode = softmax_topk capacity = 3 : tensor<8x4xf32> -> tensor<8x1xi64>, tensor<8x1xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<8x8xf32>, tensor<8x1xi64> -> tensor<8x8xf32>, tensor<5xi64>, tensor<8x1xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] bias %[[B1]] activation = swiglu : tensor<8x8xf32>, tensor<4x8x32xf32>, tensor<5xi64>, tensor<4x32xf32> -> tensor<8x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] bias %[[B2F]] : tensor<8x16xf32>, tensor<4x16x8xf32>, tensor<5xi64>, tensor<4x8xf32> -> tensor<8x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<8x8xf32>, tensor<8x1xi64>, tensor<8x1xf32> -> tensor<8x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @switch_swiglu_bias_bool(%x: tensor<8x8xf32>, %logits: tensor<8x4xf32>, %wg: tensor<4x8x16xf32>, %bg: tensor<4x1x16xf32>, %wu: tensor<4x8x16xf32>, %bu: tensor<4x1x16xf32>, %w2: tensor<4x16x8xf32>, %b2: tensor<4x1x8xf32>) -> tensor<8x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1, 2]> : tensor<3xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<3.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<8x4xf32>) -> tensor<8x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<8x4xf32>) -> tensor<8xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<8x1xi64>, tensor<4xi64>) -> tensor<8x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<8x4xi1>) -> tensor<8x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<8x4xi64>) -> tensor<8x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<8x4xf32>, tensor<i64>) -> tensor<8x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<8x4xi1>) -> tensor<8x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<8xf32>) -> tensor<8xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<8xf32>, tensor<2xi64>) -> tensor<8x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<8x1x1xf32>, tensor<8x4x1xf32>) -> tensor<8x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<8x1xi64>, tensor<3xi64>) -> tensor<8x3xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<8x3xi1>) -> tensor<8x3xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<8x3xi64>) -> tensor<8x3xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<8x3xf32>, tensor<1xi64>) -> tensor<8x1x3xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<8x4x1xf32>, tensor<8x1x3xf32>) -> tensor<8x4x3xf32>
  %nonzero = onnx.node "Cast" opset 20 (%combine) {to = 9 : i64} : (tensor<8x4x3xf32>) -> tensor<8x4x3xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<8x4x3xi1>) -> tensor<8x4x3xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<8x4x3xf32>, tensor<8x8xf32>) -> tensor<4x3x8xf32>
  %g_mm = onnx.node "Einsum" opset 20 (%xin, %wg) {equation = "ech,ehf->ecf"} : (tensor<4x3x8xf32>, tensor<4x8x16xf32>) -> tensor<4x3x16xf32>
  %g = onnx.node "Add" opset 20 (%g_mm, %bg) {} : (tensor<4x3x16xf32>, tensor<4x1x16xf32>) -> tensor<4x3x16xf32>
  %g_s = onnx.node "Sigmoid" opset 20 (%g) {} : (tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  %g_silu = onnx.node "Mul" opset 20 (%g, %g_s) {} : (tensor<4x3x16xf32>, tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  %u_mm = onnx.node "Einsum" opset 20 (%xin, %wu) {equation = "ech,ehf->ecf"} : (tensor<4x3x8xf32>, tensor<4x8x16xf32>) -> tensor<4x3x16xf32>
  %u = onnx.node "Add" opset 20 (%u_mm, %bu) {} : (tensor<4x3x16xf32>, tensor<4x1x16xf32>) -> tensor<4x3x16xf32>
  %a = onnx.node "Mul" opset 20 (%g_silu, %u) {} : (tensor<4x3x16xf32>, tensor<4x3x16xf32>) -> tensor<4x3x16xf32>
  %eo_mm = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x3x16xf32>, tensor<4x16x8xf32>) -> tensor<4x3x8xf32>
  %eo = onnx.node "Add" opset 20 (%eo_mm, %b2) {} : (tensor<4x3x8xf32>, tensor<4x1x8xf32>) -> tensor<4x3x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<8x4x3xf32>, tensor<4x3x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// C = 4 slots for a capacity of 2: allowed (every kept token has a slot);
// the route takes the capacity, not C.
// CHECK-LABEL: func @switch_slots_over_capacity
// CHECK-SAME: (%[[X:.*]]: tensor<8x8xf32>, %[[L:.*]]: tensor<8x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 1 mode = softmax_topk capacity = 2 : tensor<8x4xf32> -> tensor<8x1xi64>, tensor<8x1xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<8x8xf32>, tensor<8x1xi64> -> tensor<8x8xf32>, tensor<5xi64>, tensor<8x1xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = relu : tensor<8x8xf32>, tensor<4x8x16xf32>, tensor<5xi64> -> tensor<8x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : tensor<8x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<8x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<8x8xf32>, tensor<8x1xi64>, tensor<8x1xf32> -> tensor<8x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @switch_slots_over_capacity(%x: tensor<8x8xf32>, %logits: tensor<8x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<8x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<8x4xf32>) -> tensor<8x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<8x4xf32>) -> tensor<8xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<8x1xi64>, tensor<4xi64>) -> tensor<8x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<8x4xi1>) -> tensor<8x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<8x4xi64>) -> tensor<8x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<8x4xf32>, tensor<i64>) -> tensor<8x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<8x4xi1>) -> tensor<8x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<8xf32>) -> tensor<8xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<8xf32>, tensor<2xi64>) -> tensor<8x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<8x1x1xf32>, tensor<8x4x1xf32>) -> tensor<8x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<8x1xi64>, tensor<4xi64>) -> tensor<8x4xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<8x4xi1>) -> tensor<8x4xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<8x4xi64>) -> tensor<8x4xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8x1x4xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<8x4x1xf32>, tensor<8x1x4xf32>) -> tensor<8x4x4xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<8x4x4xf32>, tensor<f32>) -> tensor<8x4x4xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<8x4x4xi1>) -> tensor<8x4x4xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<8x4x4xf32>, tensor<8x8xf32>) -> tensor<4x4x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x4x8xf32>, tensor<4x8x16xf32>) -> tensor<4x4x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x4x16xf32>) -> tensor<4x4x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x4x16xf32>, tensor<4x16x8xf32>) -> tensor<4x4x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<8x4x4xf32>, tensor<4x4x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// Near miss: capacity 3 exceeds the C = 2 slots (a kept token could have no
// slot).
// CHECK-LABEL: func @capacity_over_slots
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @capacity_over_slots(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<3.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: capacity 2.5 is not an integer.
// CHECK-LABEL: func @capacity_not_integer
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @capacity_not_integer(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.500000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: an exclusive CumSum counts from 0, so positions are off by one.
// CHECK-LABEL: func @cumsum_exclusive
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @cumsum_exclusive(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {exclusive = 1 : i64} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: CumSum over the experts (axis 1), not over the tokens.
// CHECK-LABEL: func @cumsum_axis_1
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @cumsum_axis_1(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<1> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: positions CumSum - 2, not CumSum - 1.
// CHECK-LABEL: func @sub_two
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @sub_two(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<2.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: ArgMax with select_last_index = 1 breaks ties to the higher
// expert; sy.route breaks them to the lower.
// CHECK-LABEL: func @argmax_select_last_index
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @argmax_select_last_index(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: ArgMax over the raw logits, not over the Softmax.
// CHECK-LABEL: func @argmax_of_logits
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @argmax_of_logits(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%logits) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: the gate sums probs times the unmasked one-hot, so a dropped
// token keeps its gate.
// CHECK-LABEL: func @gate_unmasked
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @gate_unmasked(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %onehot) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: the dispatch indicator comes from the unmasked one-hot times the
// slot one-hot, not from the combine tensor.
// CHECK-LABEL: func @dispatch_of_other_tensor
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @dispatch_of_other_tensor(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %onehot_u = onnx.node "Unsqueeze" opset 20 (%onehot, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %unmasked = onnx.node "Mul" opset 20 (%onehot_u, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%unmasked, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near miss: the final Einsum "tec,ech->te" keeps the experts, not the hidden
// axis.
// CHECK-LABEL: func @final_einsum_te
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->te"}
func.func @final_einsum_te(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->te"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// Near miss: the final Einsum "tec,ceh->th" reads the expert outputs with
// experts and slots swapped (C = E = 4, so the types still agree).
// CHECK-LABEL: func @final_einsum_permuted
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ceh->th"}
func.func @final_einsum_permuted(%x: tensor<8x8xf32>, %logits: tensor<8x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<8x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<8x4xf32>) -> tensor<8x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<8x4xf32>) -> tensor<8xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<8x1xi64>, tensor<4xi64>) -> tensor<8x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<8x4xi1>) -> tensor<8x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<8x4xi64>) -> tensor<8x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<8x4xf32>, tensor<i64>) -> tensor<8x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<8x4xf32>, tensor<f32>) -> tensor<8x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<8x4xi1>) -> tensor<8x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<8x4xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<8xf32>) -> tensor<8xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<8xf32>, tensor<2xi64>) -> tensor<8x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<8x1x1xf32>, tensor<8x4x1xf32>) -> tensor<8x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<8x1xi64>, tensor<4xi64>) -> tensor<8x4xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<8x4xi1>) -> tensor<8x4xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<8x4xi64>) -> tensor<8x4xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<8x4xf32>, tensor<1xi64>) -> tensor<8x1x4xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<8x4x1xf32>, tensor<8x1x4xf32>) -> tensor<8x4x4xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<8x4x4xf32>, tensor<f32>) -> tensor<8x4x4xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<8x4x4xi1>) -> tensor<8x4x4xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<8x4x4xf32>, tensor<8x8xf32>) -> tensor<4x4x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x4x8xf32>, tensor<4x8x16xf32>) -> tensor<4x4x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x4x16xf32>) -> tensor<4x4x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x4x16xf32>, tensor<4x16x8xf32>) -> tensor<4x4x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ceh->th"} : (tensor<8x4x4xf32>, tensor<4x4x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// -----

// Near miss: the slot one-hot compares pos against [1, 2], not the range
// [0, C).
// CHECK-LABEL: func @slot_onehot_not_a_range
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @slot_onehot_not_a_range(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[1, 2]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids_u = onnx.node "Unsqueeze" opset 20 (%ids, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids_eq = onnx.node "Equal" opset 20 (%ids_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids_i = onnx.node "Cast" opset 20 (%ids_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot = onnx.node "Cast" opset 20 (%ids_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum = onnx.node "CumSum" opset 20 (%onehot, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc = onnx.node "Sub" opset 20 (%cum, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less = onnx.node "Less" opset 20 (%loc, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep = onnx.node "Cast" opset 20 (%less) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask = onnx.node "Mul" opset 20 (%onehot, %keep) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate_p = onnx.node "Mul" opset 20 (%probs, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate = onnx.node "ReduceSum" opset 20 (%gate_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos_p = onnx.node "Mul" opset 20 (%loc, %mask) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos_f = onnx.node "ReduceSum" opset 20 (%pos_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos = onnx.node "Cast" opset 20 (%pos_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate_u = onnx.node "Unsqueeze" opset 20 (%gate, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask_u = onnx.node "Unsqueeze" opset 20 (%mask, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm = onnx.node "Mul" opset 20 (%gate_u, %mask_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos_u = onnx.node "Unsqueeze" opset 20 (%pos, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos_eq = onnx.node "Equal" opset 20 (%pos_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos_i = onnx.node "Cast" opset 20 (%pos_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot = onnx.node "Cast" opset 20 (%pos_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot_u = onnx.node "Unsqueeze" opset 20 (%slot, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %combine = onnx.node "Mul" opset 20 (%gm, %slot_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}
