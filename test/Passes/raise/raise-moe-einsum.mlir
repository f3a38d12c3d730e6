// sy-raise-moe, Switch Transformer / GShard einsum form: top-1 routing with
// expert capacity C as torch exports it (test/e2e/lib/moe_forms.py
// switch_moe): ArgMax of the softmax, one-hot, CumSum slot positions, a
// capacity mask, [T, E, C] combine and dispatch tensors, and Einsums for the
// dispatch, the stacked expert GEMMs ("ech,ehf->ecf") and the combine. It
// becomes route (top_k = 1, capacity) -> dispatch -> grouped_matmul ->
// grouped_matmul -> combine; near misses stay onnx.node. GShard top-2
// (switch_moe k = 2: a second ArgMax with the first choice masked to -inf,
// second choices queued behind the first, the kept gates renormalised by
// max(g1 + g2, eps)) becomes route top_k = 2 with renormalize_kept = eps.
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

// -----

// GShard top-2 (fairseq top2gating): the second expert is the ArgMax of the
// logits with the first choice masked to -inf, second choices queue behind
// every first choice (CumSum - 1 + the first choices' count), and the kept
// gates are renormalised by Clip(g1 + g2, eps): top_k = 2, renormalize_kept.
// CHECK-LABEL: func @gshard_top2
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk capacity = 2 renormalize_kept = 1.1920929E-7 : tensor<6x4xf32> -> tensor<6x2xi64>, tensor<6x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<6x8xf32>, tensor<6x2xi64> -> tensor<12x8xf32>, tensor<5xi64>, tensor<6x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = relu : tensor<12x8xf32>, tensor<4x8x16xf32>, tensor<5xi64> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : tensor<12x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<12x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<12x8xf32>, tensor<6x2xi64>, tensor<6x2xf32> -> tensor<6x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @gshard_top2(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// The second ArgMax over the masked probabilities (the Softmax output), the
// denominator as Max(g1 + g2, eps).
// CHECK-LABEL: func @gshard_top2_probs_max
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk capacity = 2 renormalize_kept = 1.1920929E-7 : tensor<6x4xf32> -> tensor<6x2xi64>, tensor<6x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<6x8xf32>, tensor<6x2xi64> -> tensor<12x8xf32>, tensor<5xi64>, tensor<6x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = relu : tensor<12x8xf32>, tensor<4x8x16xf32>, tensor<5xi64> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : tensor<12x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<12x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<12x8xf32>, tensor<6x2xi64>, tensor<6x2xf32> -> tensor<6x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @gshard_top2_probs_max(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %probs) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Max" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the second choices' positions are CumSum - 1 alone, without the
// first choices' count: they queue beside the first choices, not behind
// them, so a different set of choices is kept.
// CHECK-LABEL: func @top2_second_not_behind_first
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_second_not_behind_first(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the second mask compares with capacity 1, the first with 2; the
// route has one capacity for both choices.
// CHECK-LABEL: func @top2_capacity_mismatch
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_capacity_mismatch(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %cap_one = arith.constant dense<1.000000e+00> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap_one) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the second ArgMax masks out only the kept first choices (mask1,
// not the first one-hot), so a dropped first choice can be chosen again.
// CHECK-LABEL: func @top2_where_kept_mask
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_where_kept_mask(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%mask1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the first choice is masked with 0, not -inf; a logit below 0
// then loses to the first expert, chosen again.
// CHECK-LABEL: func @top2_where_fill_zero
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_where_fill_zero(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %zero, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: Where(first, logits, -inf) keeps only the first choice, which
// the second ArgMax picks again.
// CHECK-LABEL: func @top2_where_swapped
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_where_swapped(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %logits, %ninf) {} : (tensor<6x4xi1>, tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the gates are divided by the plain g1 + g2 with no eps floor: a
// token with both choices dropped gets 0 / 0 = NaN, the route gives it 0.
// CHECK-LABEL: func @top2_plain_sum
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_plain_sum(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %denom = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the floored denominator is g1 + g1, not g1 + g2.
// CHECK-LABEL: func @top2_floor_other_sum
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_floor_other_sum(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate1) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the second gate floors the sum at 1e-6, the first at eps; the
// route has one renormalize_kept floor.
// CHECK-LABEL: func @top2_floor_differs
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_floor_differs(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps6 = arith.constant dense<9.99999997E-7> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom6 = onnx.node "Clip" opset 20 (%gsum, %eps6) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom6) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the second ArgMax has select_last_index = 1 and breaks ties to
// the higher expert; sy.route breaks them to the lower.
// CHECK-LABEL: func @top2_argmax_select_last_index
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_argmax_select_last_index(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64, select_last_index = 1 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept1, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
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

// Near miss: the first term is scaled by the second choice's kept gate (both
// terms use g2), so the first expert's output gets the wrong weight.
// CHECK-LABEL: func @top2_gates_swapped
// CHECK-NOT: sy.route
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "tec,ech->th"}
func.func @top2_gates_swapped(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax12 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %experts = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %slots = arith.constant dense<[0, 1]> : tensor<2xi64>
  %cumsum_axis = arith.constant dense<0> : tensor<i64>
  %loc_offset = arith.constant dense<1.000000e+00> : tensor<f32>
  %cap = arith.constant dense<2.000000e+00> : tensor<f32>
  %zero = arith.constant dense<0.000000e+00> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eps = arith.constant dense<1.1920929E-7> : tensor<f32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids1 = onnx.node "ArgMax" opset 20 (%probs) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids1_u = onnx.node "Unsqueeze" opset 20 (%ids1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids1_eq = onnx.node "Equal" opset 20 (%ids1_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids1_i = onnx.node "Cast" opset 20 (%ids1_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot1 = onnx.node "Cast" opset 20 (%ids1_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum1 = onnx.node "CumSum" opset 20 (%onehot1, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %loc1 = onnx.node "Sub" opset 20 (%cum1, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %less1 = onnx.node "Less" opset 20 (%loc1, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep1 = onnx.node "Cast" opset 20 (%less1) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask1 = onnx.node "Mul" opset 20 (%onehot1, %keep1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %first = onnx.node "Cast" opset 20 (%onehot1) {to = 9 : i64} : (tensor<6x4xf32>) -> tensor<6x4xi1>
  %masked = onnx.node "Where" opset 20 (%first, %ninf, %logits) {} : (tensor<6x4xi1>, tensor<f32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %ids2 = onnx.node "ArgMax" opset 20 (%masked) {axis = -1 : i64, keepdims = 0 : i64} : (tensor<6x4xf32>) -> tensor<6xi64>
  %ids2_u = onnx.node "Unsqueeze" opset 20 (%ids2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %ids2_eq = onnx.node "Equal" opset 20 (%ids2_u, %experts) {} : (tensor<6x1xi64>, tensor<4xi64>) -> tensor<6x4xi1>
  %ids2_i = onnx.node "Cast" opset 20 (%ids2_eq) {to = 7 : i64} : (tensor<6x4xi1>) -> tensor<6x4xi64>
  %onehot2 = onnx.node "Cast" opset 20 (%ids2_i) {to = 1 : i64} : (tensor<6x4xi64>) -> tensor<6x4xf32>
  %cum2 = onnx.node "CumSum" opset 20 (%onehot2, %cumsum_axis) {} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6x4xf32>
  %rank2 = onnx.node "Sub" opset 20 (%cum2, %loc_offset) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xf32>
  %count1 = onnx.node "ReduceSum" opset 20 (%onehot1, %ax0) {keepdims = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  %loc2 = onnx.node "Add" opset 20 (%rank2, %count1) {} : (tensor<6x4xf32>, tensor<1x4xf32>) -> tensor<6x4xf32>
  %less2 = onnx.node "Less" opset 20 (%loc2, %cap) {} : (tensor<6x4xf32>, tensor<f32>) -> tensor<6x4xi1>
  %keep2 = onnx.node "Cast" opset 20 (%less2) {to = 1 : i64} : (tensor<6x4xi1>) -> tensor<6x4xf32>
  %mask2 = onnx.node "Mul" opset 20 (%onehot2, %keep2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1_p = onnx.node "Mul" opset 20 (%probs, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate1 = onnx.node "ReduceSum" opset 20 (%gate1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1_p = onnx.node "Mul" opset 20 (%loc1, %mask1) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos1_f = onnx.node "ReduceSum" opset 20 (%pos1_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos1 = onnx.node "Cast" opset 20 (%pos1_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gate2_p = onnx.node "Mul" opset 20 (%probs, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %gate2 = onnx.node "ReduceSum" opset 20 (%gate2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2_p = onnx.node "Mul" opset 20 (%loc2, %mask2) {} : (tensor<6x4xf32>, tensor<6x4xf32>) -> tensor<6x4xf32>
  %pos2_f = onnx.node "ReduceSum" opset 20 (%pos2_p, %last) {keepdims = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6xf32>
  %pos2 = onnx.node "Cast" opset 20 (%pos2_f) {to = 7 : i64} : (tensor<6xf32>) -> tensor<6xi64>
  %gsum = onnx.node "Add" opset 20 (%gate1, %gate2) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %denom = onnx.node "Clip" opset 20 (%gsum, %eps) {} : (tensor<6xf32>, tensor<f32>) -> tensor<6xf32>
  %kept1 = onnx.node "Div" opset 20 (%gate1, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %kept2 = onnx.node "Div" opset 20 (%gate2, %denom) {} : (tensor<6xf32>, tensor<6xf32>) -> tensor<6xf32>
  %gate1_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask1_u = onnx.node "Unsqueeze" opset 20 (%mask1, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm1 = onnx.node "Mul" opset 20 (%gate1_u, %mask1_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos1_u = onnx.node "Unsqueeze" opset 20 (%pos1, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos1_eq = onnx.node "Equal" opset 20 (%pos1_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos1_i = onnx.node "Cast" opset 20 (%pos1_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot1 = onnx.node "Cast" opset 20 (%pos1_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot1_u = onnx.node "Unsqueeze" opset 20 (%slot1, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term1 = onnx.node "Mul" opset 20 (%gm1, %slot1_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %gate2_u = onnx.node "Unsqueeze" opset 20 (%kept2, %ax12) {} : (tensor<6xf32>, tensor<2xi64>) -> tensor<6x1x1xf32>
  %mask2_u = onnx.node "Unsqueeze" opset 20 (%mask2, %ax2) {} : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<6x4x1xf32>
  %gm2 = onnx.node "Mul" opset 20 (%gate2_u, %mask2_u) {} : (tensor<6x1x1xf32>, tensor<6x4x1xf32>) -> tensor<6x4x1xf32>
  %pos2_u = onnx.node "Unsqueeze" opset 20 (%pos2, %last) {} : (tensor<6xi64>, tensor<1xi64>) -> tensor<6x1xi64>
  %pos2_eq = onnx.node "Equal" opset 20 (%pos2_u, %slots) {} : (tensor<6x1xi64>, tensor<2xi64>) -> tensor<6x2xi1>
  %pos2_i = onnx.node "Cast" opset 20 (%pos2_eq) {to = 7 : i64} : (tensor<6x2xi1>) -> tensor<6x2xi64>
  %slot2 = onnx.node "Cast" opset 20 (%pos2_i) {to = 1 : i64} : (tensor<6x2xi64>) -> tensor<6x2xf32>
  %slot2_u = onnx.node "Unsqueeze" opset 20 (%slot2, %ax1) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1x2xf32>
  %term2 = onnx.node "Mul" opset 20 (%gm2, %slot2_u) {} : (tensor<6x4x1xf32>, tensor<6x1x2xf32>) -> tensor<6x4x2xf32>
  %combine = onnx.node "Add" opset 20 (%term1, %term2) {} : (tensor<6x4x2xf32>, tensor<6x4x2xf32>) -> tensor<6x4x2xf32>
  %nonzero = onnx.node "Greater" opset 20 (%combine, %zero) {} : (tensor<6x4x2xf32>, tensor<f32>) -> tensor<6x4x2xi1>
  %dispatch = onnx.node "Cast" opset 20 (%nonzero) {to = 1 : i64} : (tensor<6x4x2xi1>) -> tensor<6x4x2xf32>
  %xin = onnx.node "Einsum" opset 20 (%dispatch, %x) {equation = "tec,th->ech"} : (tensor<6x4x2xf32>, tensor<6x8xf32>) -> tensor<4x2x8xf32>
  %h = onnx.node "Einsum" opset 20 (%xin, %w1) {equation = "ech,ehf->ecf"} : (tensor<4x2x8xf32>, tensor<4x8x16xf32>) -> tensor<4x2x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x2x16xf32>) -> tensor<4x2x16xf32>
  %eo = onnx.node "Einsum" opset 20 (%a, %w2) {equation = "ech,ehf->ecf"} : (tensor<4x2x16xf32>, tensor<4x16x8xf32>) -> tensor<4x2x8xf32>
  %y = onnx.node "Einsum" opset 20 (%combine, %eo) {equation = "tec,ech->th"} : (tensor<6x4x2xf32>, tensor<4x2x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}
