// sy-raise-moe, dense-masked form: every expert runs on every token and a
// [T, E] mask that is zero except at the top-k choices (ScatterElements or a
// one-hot sum of the TopK weights) weights and sums them, either as stacked
// [E, ...] MatMuls or as one subgraph per expert. It becomes route ->
// dispatch -> grouped_matmul -> grouped_matmul -> combine; near misses stay
// onnx.node.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-moe))' | FileCheck %s

// Stacked experts: Softmax -> TopK -> Div by ReduceSum (renormalize) ->
// ScatterElements mask; x MatMul [E, H, F] -> Gelu -> MatMul [E, F, H];
// combined by ReduceSum(expertOut * Unsqueeze(Transpose(mask))) over axis 0.
// CHECK-LABEL: func @stacked_scatter_gelu
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk renormalize : tensor<6x4xf32> -> tensor<6x2xi64>, tensor<6x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 : tensor<6x8xf32>, tensor<6x2xi64> -> tensor<12x8xf32>, tensor<5xi64>, tensor<6x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = gelu : tensor<12x8xf32>, tensor<4x8x16xf32>, tensor<5xi64> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : tensor<12x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<12x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<12x8xf32>, tensor<6x2xi64>, tensor<6x2xf32> -> tensor<6x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @stacked_scatter_gelu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %ax1) {keepdims = 1 : i64} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<6x2xf32>, tensor<6x1xf32>) -> tensor<6x2xf32>
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %w) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Gelu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %ax0) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// The mask as torch exports F.one_hot (Equal with 0..E-1, Casts, times the
// Unsqueezed weights, summed over k); TopK then Softmax (topk_softmax); relu
// experts with [E, 1, N] biases (an argument and a constant, added in either
// order) that become [E, N]; combined by Einsum "te,eth->th".
// CHECK-LABEL: func @stacked_onehot_einsum_relu_bias
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[W1:.*]]: tensor<4x8x16xf32>, %[[B1:.*]]: tensor<4x1x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK-DAG: %[[B1F:.*]] = tensor.collapse_shape %[[B1]] {{\[\[}}0, 1], [2]] : tensor<4x1x16xf32> into tensor<4x16xf32>
// CHECK-DAG: %[[B2F:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, {{.*}}], [1.500000e+00, {{.*}}], [0.000000e+00, {{.*}}], [-1.000000e+00, {{.*}}]]> : tensor<4x8xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = topk_softmax : tensor<6x4xf32> -> tensor<6x2xi64>, tensor<6x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 :
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] bias %[[B1F]] activation = relu : tensor<12x8xf32>, tensor<4x8x16xf32>, tensor<5xi64>, tensor<4x16xf32> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] bias %[[B2F]] : tensor<12x16xf32>, tensor<4x16x8xf32>, tensor<5xi64>, tensor<4x8xf32> -> tensor<12x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : {{.*}} -> tensor<6x8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @stacked_onehot_einsum_relu_bias(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %b1: tensor<4x1x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %last = arith.constant dense<-1> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %range = arith.constant dense<[0, 1, 2, 3]> : tensor<4xi64>
  %b2 = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]], [[1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5]], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[-1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -7.0, -8.0]]]> : tensor<4x1x8xf32>
  %top:2 = onnx.node "TopK" opset 20 (%logits, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %w = onnx.node "Softmax" opset 20 (%top#0) {axis = -1 : i64} : (tensor<6x2xf32>) -> tensor<6x2xf32>
  %iu = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<6x2xi64>, tensor<1xi64>) -> tensor<6x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%iu, %range) {} : (tensor<6x2x1xi64>, tensor<4xi64>) -> tensor<6x2x4xi1>
  %ci = onnx.node "Cast" opset 20 (%eq) {to = 7 : i64} : (tensor<6x2x4xi1>) -> tensor<6x2x4xi64>
  %cf = onnx.node "Cast" opset 20 (%ci) {to = 1 : i64} : (tensor<6x2x4xi64>) -> tensor<6x2x4xf32>
  %wu = onnx.node "Unsqueeze" opset 20 (%w, %last) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x2x1xf32>
  %oh = onnx.node "Mul" opset 20 (%cf, %wu) {} : (tensor<6x2x4xf32>, tensor<6x2x1xf32>) -> tensor<6x2x4xf32>
  %mask = onnx.node "ReduceSum" opset 20 (%oh, %ax1) {keepdims = 0 : i64} : (tensor<6x2x4xf32>, tensor<1xi64>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %hb = onnx.node "Add" opset 20 (%h, %b1) {} : (tensor<4x6x16xf32>, tensor<4x1x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%hb) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %o = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %eo = onnx.node "Add" opset 20 (%b2, %o) {} : (tensor<4x1x8xf32>, tensor<4x6x8xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "Einsum" opset 20 (%mask, %eo) {equation = "te,eth->th"} : (tensor<6x4xf32>, tensor<4x6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Stacked SwiGLU: silu(x Wg) * (x Wu), silu as Mul(z, Sigmoid(z)), is one
// grouped_matmul over [E, H, 2F] (gate columns, then up) with swiglu.
// CHECK-LABEL: func @stacked_swiglu
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>, %[[WG:.*]]: tensor<4x8x16xf32>, %[[WU:.*]]: tensor<4x8x16xf32>, %[[W2:.*]]: tensor<4x16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[W1:.*]] = tensor.concat dim(2) %[[WG]], %[[WU]] : (tensor<4x8x16xf32>, tensor<4x8x16xf32>) -> tensor<4x8x32xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk : tensor<6x4xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 :
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] activation = swiglu : tensor<12x8xf32>, tensor<4x8x32xf32>, tensor<5xi64> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] : {{.*}} -> tensor<12x8xf32>
// CHECK: sy.combine %[[O]], %[[INV]], %[[W]] :
// CHECK-NOT: onnx.node
func.func @stacked_swiglu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %wg: tensor<4x8x16xf32>, %wu: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = 1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = 1 : i64, largest = 1 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %g = onnx.node "MatMul" opset 20 (%x, %wg) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %u = onnx.node "MatMul" opset 20 (%x, %wu) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %sg = onnx.node "Sigmoid" opset 20 (%g) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %silu = onnx.node "Mul" opset 20 (%g, %sg) {} : (tensor<4x6x16xf32>, tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Mul" opset 20 (%silu, %u) {} : (tensor<4x6x16xf32>, tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%mu, %eo) {} : (tensor<4x6x1xf32>, tensor<4x6x8xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %ax0) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Sigmoid -> TopK (sigmoid_topk), renormalized; tokens as Unsqueeze(x, [0]);
// silu experts (Sigmoid(z) * z); Einsum with other letters and the mask
// second.
// CHECK-LABEL: func @sigmoid_topk_silu
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>
// CHECK-NOT: onnx.node
// CHECK: sy.route %[[L]] top_k = 2 mode = sigmoid_topk renormalize : tensor<6x4xf32> -> tensor<6x2xi64>, tensor<6x2xf32>
// CHECK: sy.dispatch %[[X]], %{{.*}} num_experts = 4 :
// CHECK: sy.grouped_matmul {{.*}} activation = silu : {{.*}} -> tensor<12x16xf32>
// CHECK: sy.combine
// CHECK-NOT: onnx.node
func.func @sigmoid_topk_silu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %scores = onnx.node "Sigmoid" opset 20 (%logits) {} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%scores, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %ax1) {keepdims = 1 : i64} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<6x2xf32>, tensor<6x1xf32>) -> tensor<6x2xf32>
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %w) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %xu = onnx.node "Unsqueeze" opset 20 (%x, %ax0) {} : (tensor<6x8xf32>, tensor<1xi64>) -> tensor<1x6x8xf32>
  %h = onnx.node "MatMul" opset 20 (%xu, %w1) {} : (tensor<1x6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %s = onnx.node "Sigmoid" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Mul" opset 20 (%s, %h) {} : (tensor<4x6x16xf32>, tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "Einsum" opset 20 (%eo, %mask) {equation = "ecd,ce->cd"} : (tensor<4x6x8xf32>, tensor<6x4xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// One subgraph per expert: Gemm(x, W1e [F, H], b1e, transB) -> Relu ->
// Gemm(W2e [H, F], b2e, transB), weighted by Slice(mask, [e], [e+1], [1])
// and summed by a chain of Adds. The constant weights and biases stack into
// [E, F, H] / [E, F] (rhs_transposed), expert 0 first.
// CHECK-LABEL: func @unrolled_gemm_relu
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %[[L:.*]]: tensor<6x4xf32>)
// CHECK-NOT: onnx.node
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{.*}}> : tensor<4x16x8xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, {{.*}}], [2.000000e+00, {{.*}}], [3.000000e+00, {{.*}}], [4.000000e+00, {{.*}}]]> : tensor<4x16xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{.*}}> : tensor<4x8x16xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense<{{\[\[}}5.000000e+00, {{.*}}], [6.000000e+00, {{.*}}], [7.000000e+00, {{.*}}], [8.000000e+00, {{.*}}]]> : tensor<4x8xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk : tensor<6x4xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 4 :
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] bias %[[B1]] rhs_transposed activation = relu : tensor<12x8xf32>, tensor<4x16x8xf32>, tensor<5xi64>, tensor<4x16xf32> -> tensor<12x16xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] bias %[[B2]] rhs_transposed : tensor<12x16xf32>, tensor<4x8x16xf32>, tensor<5xi64>, tensor<4x8xf32> -> tensor<12x8xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] :
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @unrolled_gemm_relu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %c0 = arith.constant dense<0> : tensor<1xi64>
  %c1 = arith.constant dense<1> : tensor<1xi64>
  %c2 = arith.constant dense<2> : tensor<1xi64>
  %c3 = arith.constant dense<3> : tensor<1xi64>
  %c4 = arith.constant dense<4> : tensor<1xi64>
  %w1_0 = arith.constant dense<0.1> : tensor<16x8xf32>
  %w1_1 = arith.constant dense<0.2> : tensor<16x8xf32>
  %w1_2 = arith.constant dense<0.3> : tensor<16x8xf32>
  %w1_3 = arith.constant dense<0.4> : tensor<16x8xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<16xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<16xf32>
  %b1_2 = arith.constant dense<3.0> : tensor<16xf32>
  %b1_3 = arith.constant dense<4.0> : tensor<16xf32>
  %w2_0 = arith.constant dense<-0.1> : tensor<8x16xf32>
  %w2_1 = arith.constant dense<-0.2> : tensor<8x16xf32>
  %w2_2 = arith.constant dense<-0.3> : tensor<8x16xf32>
  %w2_3 = arith.constant dense<-0.4> : tensor<8x16xf32>
  %b2_0 = arith.constant dense<5.0> : tensor<8xf32>
  %b2_1 = arith.constant dense<6.0> : tensor<8xf32>
  %b2_2 = arith.constant dense<7.0> : tensor<8xf32>
  %b2_3 = arith.constant dense<8.0> : tensor<8xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h0 = onnx.node "Gemm" opset 20 (%x, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<6x16xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<6x8xf32>
  %m0 = onnx.node "Slice" opset 20 (%mask, %c0, %c1, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p0 = onnx.node "Mul" opset 20 (%m0, %y0) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h1 = onnx.node "Gemm" opset 20 (%x, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<6x16xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<6x8xf32>
  %m1 = onnx.node "Slice" opset 20 (%mask, %c1, %c2, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p1 = onnx.node "Mul" opset 20 (%m1, %y1) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s1 = onnx.node "Add" opset 20 (%p0, %p1) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h2 = onnx.node "Gemm" opset 20 (%x, %w1_2, %b1_2) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<6x16xf32>
  %a2 = onnx.node "Relu" opset 20 (%h2) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y2 = onnx.node "Gemm" opset 20 (%a2, %w2_2, %b2_2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<6x8xf32>
  %m2 = onnx.node "Slice" opset 20 (%mask, %c2, %c3, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p2 = onnx.node "Mul" opset 20 (%m2, %y2) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s2 = onnx.node "Add" opset 20 (%s1, %p2) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h3 = onnx.node "Gemm" opset 20 (%x, %w1_3, %b1_3) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<6x16xf32>
  %a3 = onnx.node "Relu" opset 20 (%h3) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y3 = onnx.node "Gemm" opset 20 (%a3, %w2_3, %b2_3) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<6x8xf32>
  %m3 = onnx.node "Slice" opset 20 (%mask, %c3, %c4, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p3 = onnx.node "Mul" opset 20 (%m3, %y3) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %y = onnx.node "Add" opset 20 (%s2, %p3) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// One subgraph per expert with Unsqueeze(Gather(mask, e, axis 1), [1])
// columns, SwiGLU experts of bias-free MatMuls and a tree of Adds; the mask
// is a OneHot of the TopK ids (topk_softmax). The gate and up weights stack
// and concatenate per row: 0.1 (gate, expert 0) then -0.1 (up) then 0.1.
// CHECK-LABEL: func @unrolled_gather_swiglu
// CHECK-NOT: onnx.node
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<"0x{{(CDCCCC3D)+(CDCCCCBD)+CDCCCC3D}}{{.*}}> : tensor<4x8x32xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{.*}}> : tensor<4x16x8xf32>
// CHECK: sy.route %{{.*}} top_k = 2 mode = topk_softmax :
// CHECK: sy.dispatch {{.*}} num_experts = 4 :
// CHECK: %[[H:.*]] = sy.grouped_matmul %{{.*}}, %[[W1]] offsets %{{.*}} activation = swiglu : tensor<12x8xf32>, tensor<4x8x32xf32>, tensor<5xi64> -> tensor<12x16xf32>
// CHECK: sy.grouped_matmul %[[H]], %[[W2]] offsets %{{.*}} : tensor<12x16xf32>, tensor<4x16x8xf32>, tensor<5xi64> -> tensor<12x8xf32>
// CHECK: sy.combine
// CHECK-NOT: onnx.node
func.func @unrolled_gather_swiglu(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %depth = arith.constant dense<4> : tensor<i64>
  %offon = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %e1 = arith.constant dense<1> : tensor<i64>
  %e2 = arith.constant dense<2> : tensor<i64>
  %e3 = arith.constant dense<3> : tensor<i64>
  %wg0 = arith.constant dense<0.1> : tensor<8x16xf32>
  %wu0 = arith.constant dense<-0.1> : tensor<8x16xf32>
  %wd0 = arith.constant dense<0.5> : tensor<16x8xf32>
  %wg1 = arith.constant dense<0.2> : tensor<8x16xf32>
  %wu1 = arith.constant dense<-0.2> : tensor<8x16xf32>
  %wd1 = arith.constant dense<1.0> : tensor<16x8xf32>
  %wg2 = arith.constant dense<0.3> : tensor<8x16xf32>
  %wu2 = arith.constant dense<-0.3> : tensor<8x16xf32>
  %wd2 = arith.constant dense<1.5> : tensor<16x8xf32>
  %wg3 = arith.constant dense<0.4> : tensor<8x16xf32>
  %wu3 = arith.constant dense<-0.4> : tensor<8x16xf32>
  %wd3 = arith.constant dense<2.0> : tensor<16x8xf32>
  %top:2 = onnx.node "TopK" opset 20 (%logits, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %w = onnx.node "Softmax" opset 20 (%top#0) {axis = -1 : i64} : (tensor<6x2xf32>) -> tensor<6x2xf32>
  %oh = onnx.node "OneHot" opset 20 (%top#1, %depth, %offon) {axis = -1 : i64} : (tensor<6x2xi64>, tensor<i64>, tensor<2xf32>) -> tensor<6x2x4xf32>
  %wu = onnx.node "Unsqueeze" opset 20 (%w, %ax2) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x2x1xf32>
  %ohw = onnx.node "Mul" opset 20 (%wu, %oh) {} : (tensor<6x2x1xf32>, tensor<6x2x4xf32>) -> tensor<6x2x4xf32>
  %mask = onnx.node "ReduceSum" opset 20 (%ohw, %ax1) {keepdims = 0 : i64} : (tensor<6x2x4xf32>, tensor<1xi64>) -> tensor<6x4xf32>
  %g0 = onnx.node "MatMul" opset 20 (%x, %wg0) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %sg0 = onnx.node "Sigmoid" opset 20 (%g0) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %silu0 = onnx.node "Mul" opset 20 (%g0, %sg0) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %u0 = onnx.node "MatMul" opset 20 (%x, %wu0) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %a0 = onnx.node "Mul" opset 20 (%u0, %silu0) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %y0 = onnx.node "MatMul" opset 20 (%a0, %wd0) {} : (tensor<6x16xf32>, tensor<16x8xf32>) -> tensor<6x8xf32>
  %gc0 = onnx.node "Gather" opset 20 (%mask, %e0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6xf32>
  %m0 = onnx.node "Unsqueeze" opset 20 (%gc0, %ax1) {} : (tensor<6xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %p0 = onnx.node "Mul" opset 20 (%y0, %m0) {} : (tensor<6x8xf32>, tensor<6x1xf32>) -> tensor<6x8xf32>
  %g1 = onnx.node "MatMul" opset 20 (%x, %wg1) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %sg1 = onnx.node "Sigmoid" opset 20 (%g1) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %silu1 = onnx.node "Mul" opset 20 (%g1, %sg1) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %u1 = onnx.node "MatMul" opset 20 (%x, %wu1) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %a1 = onnx.node "Mul" opset 20 (%u1, %silu1) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %y1 = onnx.node "MatMul" opset 20 (%a1, %wd1) {} : (tensor<6x16xf32>, tensor<16x8xf32>) -> tensor<6x8xf32>
  %gc1 = onnx.node "Gather" opset 20 (%mask, %e1) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6xf32>
  %m1 = onnx.node "Unsqueeze" opset 20 (%gc1, %ax1) {} : (tensor<6xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %p1 = onnx.node "Mul" opset 20 (%y1, %m1) {} : (tensor<6x8xf32>, tensor<6x1xf32>) -> tensor<6x8xf32>
  %g2 = onnx.node "MatMul" opset 20 (%x, %wg2) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %sg2 = onnx.node "Sigmoid" opset 20 (%g2) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %silu2 = onnx.node "Mul" opset 20 (%g2, %sg2) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %u2 = onnx.node "MatMul" opset 20 (%x, %wu2) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %a2 = onnx.node "Mul" opset 20 (%u2, %silu2) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %y2 = onnx.node "MatMul" opset 20 (%a2, %wd2) {} : (tensor<6x16xf32>, tensor<16x8xf32>) -> tensor<6x8xf32>
  %gc2 = onnx.node "Gather" opset 20 (%mask, %e2) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6xf32>
  %m2 = onnx.node "Unsqueeze" opset 20 (%gc2, %ax1) {} : (tensor<6xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %p2 = onnx.node "Mul" opset 20 (%y2, %m2) {} : (tensor<6x8xf32>, tensor<6x1xf32>) -> tensor<6x8xf32>
  %g3 = onnx.node "MatMul" opset 20 (%x, %wg3) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %sg3 = onnx.node "Sigmoid" opset 20 (%g3) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %silu3 = onnx.node "Mul" opset 20 (%g3, %sg3) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %u3 = onnx.node "MatMul" opset 20 (%x, %wu3) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %a3 = onnx.node "Mul" opset 20 (%u3, %silu3) {} : (tensor<6x16xf32>, tensor<6x16xf32>) -> tensor<6x16xf32>
  %y3 = onnx.node "MatMul" opset 20 (%a3, %wd3) {} : (tensor<6x16xf32>, tensor<16x8xf32>) -> tensor<6x8xf32>
  %gc3 = onnx.node "Gather" opset 20 (%mask, %e3) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<i64>) -> tensor<6xf32>
  %m3 = onnx.node "Unsqueeze" opset 20 (%gc3, %ax1) {} : (tensor<6xf32>, tensor<1xi64>) -> tensor<6x1xf32>
  %p3 = onnx.node "Mul" opset 20 (%y3, %m3) {} : (tensor<6x8xf32>, tensor<6x1xf32>) -> tensor<6x8xf32>
  %s01 = onnx.node "Add" opset 20 (%p0, %p1) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s23 = onnx.node "Add" opset 20 (%p2, %p3) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %y = onnx.node "Add" opset 20 (%s01, %s23) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// A shared expert added after the routed sum: the routed part raises, the
// shared MLP and the Add stay.
// CHECK-LABEL: func @shared_expert
// CHECK-SAME: (%[[X:.*]]: tensor<6x8xf32>, %{{.*}}: tensor<6x4xf32>, %{{.*}}: tensor<4x8x16xf32>, %{{.*}}: tensor<4x16x8xf32>, %[[WS1:.*]]: tensor<8x16xf32>, %[[WS2:.*]]: tensor<16x8xf32>)
// CHECK-NOT: onnx.node
// CHECK: sy.route {{.*}} mode = softmax_topk :
// CHECK: sy.grouped_matmul {{.*}} activation = relu :
// CHECK: %[[MOE:.*]] = sy.combine
// CHECK-NOT: onnx.node "ScatterElements"
// CHECK-NOT: onnx.node "ReduceSum"
// CHECK: %[[SH:.*]] = onnx.node "MatMul" opset 20 (%[[X]], %[[WS1]])
// CHECK: %[[SA:.*]] = onnx.node "Relu" opset 20 (%[[SH]])
// CHECK: %[[SO:.*]] = onnx.node "MatMul" opset 20 (%[[SA]], %[[WS2]])
// CHECK: %[[Y:.*]] = onnx.node "Add" opset 20 (%[[MOE]], %[[SO]])
// CHECK: return %[[Y]]
func.func @shared_expert(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>, %ws1: tensor<8x16xf32>, %ws2: tensor<16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %moe = onnx.node "ReduceSum" opset 20 (%p, %ax0) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  %sh = onnx.node "MatMul" opset 20 (%x, %ws1) {} : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %sa = onnx.node "Relu" opset 20 (%sh) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %so = onnx.node "MatMul" opset 20 (%sa, %ws2) {} : (tensor<6x16xf32>, tensor<16x8xf32>) -> tensor<6x8xf32>
  %y = onnx.node "Add" opset 20 (%moe, %so) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: the ScatterElements base is ones, not zeros.
// CHECK-LABEL: func @scatter_base_not_zero
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterElements"
// CHECK: onnx.node "ReduceSum" opset 20 (%{{.*}}, %{{.*}}) {keepdims = 0
// CHECK-NOT: sy.route
func.func @scatter_base_not_zero(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<1.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: TopK picks the smallest (largest = 0).
// CHECK-LABEL: func @topk_smallest
// CHECK-NOT: sy.route
// CHECK: onnx.node "TopK" opset 20 (%{{.*}}, %{{.*}}) {largest = 0 : i64}
// CHECK: onnx.node "ScatterElements"
// CHECK-NOT: sy.route
func.func @topk_smallest(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {largest = 0 : i64} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: TopK over the raw logits puts raw values in the mask: no
// Softmax or Sigmoid anywhere, so no sy.route mode.
// CHECK-LABEL: func @topk_raw_logits
// CHECK-NOT: sy.route
// CHECK: onnx.node "TopK" opset 20 (%arg1, %{{.*}})
// CHECK: onnx.node "ScatterElements"
// CHECK-NOT: sy.route
func.func @topk_raw_logits(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %top:2 = onnx.node "TopK" opset 20 (%logits, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: the Softmax normalizes over tokens (axis 0).
// CHECK-LABEL: func @softmax_axis0
// CHECK-NOT: sy.route
// CHECK: onnx.node "Softmax" opset 20 (%arg1) {axis = 0 : i64}
// CHECK: onnx.node "ScatterElements"
// CHECK-NOT: sy.route
func.func @softmax_axis0(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = 0 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: the combine sums over tokens (axis 1), not experts.
// CHECK-LABEL: func @combine_sum_axis1
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterElements"
// CHECK: onnx.node "ReduceSum" opset 20 ({{.*}}) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<4x8xf32>
// CHECK-NOT: sy.route
func.func @combine_sum_axis1(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<4x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near-miss: the combine keeps the expert axis (keepdims = 1).
// CHECK-LABEL: func @combine_keepdims
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterElements"
// CHECK: onnx.node "ReduceSum" opset 20 ({{.*}}) {keepdims = 1 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<1x6x8xf32>
// CHECK-NOT: sy.route
func.func @combine_keepdims(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<1x6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 1 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<1x6x8xf32>
  return %y : tensor<1x6x8xf32>
}

// -----

// Near-miss: Einsum "te,eth->eh" sums over tokens.
// CHECK-LABEL: func @einsum_sum_over_tokens
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterElements"
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "te,eth->eh"}
// CHECK-NOT: sy.route
func.func @einsum_sum_over_tokens(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<4x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "Einsum" opset 20 (%mask, %eo) {equation = "te,eth->eh"} : (tensor<6x4xf32>, tensor<4x6x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near-miss: Einsum "te,eth->ht" has the output letters swapped.
// CHECK-LABEL: func @einsum_transposed_output
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterElements"
// CHECK: onnx.node "Einsum" opset 20 ({{.*}}) {equation = "te,eth->ht"}
// CHECK-NOT: sy.route
func.func @einsum_transposed_output(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<8x6xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "Einsum" opset 20 (%mask, %eo) {equation = "te,eth->ht"} : (tensor<6x4xf32>, tensor<4x6x8xf32>) -> tensor<8x6xf32>
  return %y : tensor<8x6xf32>
}

// -----

// Near-miss: the one-hot range is 1..E, not 0..E-1.
// CHECK-LABEL: func @onehot_range_shifted
// CHECK-NOT: sy.route
// CHECK: onnx.node "Equal"
// CHECK: onnx.node "ReduceSum" opset 20 ({{.*}}) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
// CHECK-NOT: sy.route
func.func @onehot_range_shifted(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>, %w1: tensor<4x8x16xf32>, %w2: tensor<4x16x8xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %last = arith.constant dense<-1> : tensor<1xi64>
  %range = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi64>
  %axr = arith.constant dense<0> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %iu = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<6x2xi64>, tensor<1xi64>) -> tensor<6x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%iu, %range) {} : (tensor<6x2x1xi64>, tensor<4xi64>) -> tensor<6x2x4xi1>
  %cf = onnx.node "Cast" opset 20 (%eq) {to = 1 : i64} : (tensor<6x2x4xi1>) -> tensor<6x2x4xf32>
  %wu = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<6x2xf32>, tensor<1xi64>) -> tensor<6x2x1xf32>
  %oh = onnx.node "Mul" opset 20 (%cf, %wu) {} : (tensor<6x2x4xf32>, tensor<6x2x1xf32>) -> tensor<6x2x4xf32>
  %mask = onnx.node "ReduceSum" opset 20 (%oh, %ax1) {keepdims = 0 : i64} : (tensor<6x2x4xf32>, tensor<1xi64>) -> tensor<6x4xf32>
  %h = onnx.node "MatMul" opset 20 (%x, %w1) {} : (tensor<6x8xf32>, tensor<4x8x16xf32>) -> tensor<4x6x16xf32>
  %a = onnx.node "Relu" opset 20 (%h) {} : (tensor<4x6x16xf32>) -> tensor<4x6x16xf32>
  %eo = onnx.node "MatMul" opset 20 (%a, %w2) {} : (tensor<4x6x16xf32>, tensor<4x16x8xf32>) -> tensor<4x6x8xf32>
  %mt = onnx.node "Transpose" opset 20 (%mask) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %mu = onnx.node "Unsqueeze" opset 20 (%mt, %ax2) {} : (tensor<4x6xf32>, tensor<1xi64>) -> tensor<4x6x1xf32>
  %p = onnx.node "Mul" opset 20 (%eo, %mu) {} : (tensor<4x6x8xf32>, tensor<4x6x1xf32>) -> tensor<4x6x8xf32>
  %y = onnx.node "ReduceSum" opset 20 (%p, %axr) {keepdims = 0 : i64} : (tensor<4x6x8xf32>, tensor<1xi64>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: the per-expert sum covers columns 0, 1 and 3 of a 4-expert
// mask (all experts share weights here, so only the columns differ).
// CHECK-LABEL: func @unrolled_missing_expert
// CHECK-NOT: sy.route
// CHECK: onnx.node "Slice"
// CHECK: onnx.node "Add"
// CHECK-NOT: sy.route
func.func @unrolled_missing_expert(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %c0 = arith.constant dense<0> : tensor<1xi64>
  %c1 = arith.constant dense<1> : tensor<1xi64>
  %c2 = arith.constant dense<2> : tensor<1xi64>
  %c3 = arith.constant dense<3> : tensor<1xi64>
  %c4 = arith.constant dense<4> : tensor<1xi64>
  %w1 = arith.constant dense<0.5> : tensor<16x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<8x16xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h0 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y0 = onnx.node "Gemm" opset 20 (%a0, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m0 = onnx.node "Slice" opset 20 (%mask, %c0, %c1, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p0 = onnx.node "Mul" opset 20 (%m0, %y0) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h1 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y1 = onnx.node "Gemm" opset 20 (%a1, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m1 = onnx.node "Slice" opset 20 (%mask, %c1, %c2, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p1 = onnx.node "Mul" opset 20 (%m1, %y1) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s1 = onnx.node "Add" opset 20 (%p0, %p1) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h2 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a2 = onnx.node "Relu" opset 20 (%h2) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y2 = onnx.node "Gemm" opset 20 (%a2, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m2 = onnx.node "Slice" opset 20 (%mask, %c3, %c4, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p2 = onnx.node "Mul" opset 20 (%m2, %y2) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %y = onnx.node "Add" opset 20 (%s1, %p2) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}

// -----

// Near-miss: the per-expert sum uses column 1 twice and never column 2.
// CHECK-LABEL: func @unrolled_column_twice
// CHECK-NOT: sy.route
// CHECK: onnx.node "Slice"
// CHECK: onnx.node "Add"
// CHECK-NOT: sy.route
func.func @unrolled_column_twice(%x: tensor<6x8xf32>, %logits: tensor<6x4xf32>) -> tensor<6x8xf32> {
  %k = arith.constant dense<2> : tensor<1xi64>
  %zeros = arith.constant dense<0.000000e+00> : tensor<6x4xf32>
  %c0 = arith.constant dense<0> : tensor<1xi64>
  %c1 = arith.constant dense<1> : tensor<1xi64>
  %c2 = arith.constant dense<2> : tensor<1xi64>
  %c3 = arith.constant dense<3> : tensor<1xi64>
  %c4 = arith.constant dense<4> : tensor<1xi64>
  %w1 = arith.constant dense<0.5> : tensor<16x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<8x16xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<6x4xf32>) -> tensor<6x4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {} : (tensor<6x4xf32>, tensor<1xi64>) -> (tensor<6x2xf32>, tensor<6x2xi64>)
  %mask = onnx.node "ScatterElements" opset 20 (%zeros, %top#1, %top#0) {axis = 1 : i64} : (tensor<6x4xf32>, tensor<6x2xi64>, tensor<6x2xf32>) -> tensor<6x4xf32>
  %h0 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y0 = onnx.node "Gemm" opset 20 (%a0, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m0 = onnx.node "Slice" opset 20 (%mask, %c0, %c1, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p0 = onnx.node "Mul" opset 20 (%m0, %y0) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h1 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y1 = onnx.node "Gemm" opset 20 (%a1, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m1 = onnx.node "Slice" opset 20 (%mask, %c1, %c2, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p1 = onnx.node "Mul" opset 20 (%m1, %y1) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s1 = onnx.node "Add" opset 20 (%p0, %p1) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h2 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a2 = onnx.node "Relu" opset 20 (%h2) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y2 = onnx.node "Gemm" opset 20 (%a2, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m2 = onnx.node "Slice" opset 20 (%mask, %c1, %c2, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p2 = onnx.node "Mul" opset 20 (%m2, %y2) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %s2 = onnx.node "Add" opset 20 (%s1, %p2) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %h3 = onnx.node "Gemm" opset 20 (%x, %w1) {transB = 1 : i64} : (tensor<6x8xf32>, tensor<16x8xf32>) -> tensor<6x16xf32>
  %a3 = onnx.node "Relu" opset 20 (%h3) {} : (tensor<6x16xf32>) -> tensor<6x16xf32>
  %y3 = onnx.node "Gemm" opset 20 (%a3, %w2) {transB = 1 : i64} : (tensor<6x16xf32>, tensor<8x16xf32>) -> tensor<6x8xf32>
  %m3 = onnx.node "Slice" opset 20 (%mask, %c3, %c4, %c1) {} : (tensor<6x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<6x1xf32>
  %p3 = onnx.node "Mul" opset 20 (%m3, %y3) {} : (tensor<6x1xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  %y = onnx.node "Add" opset 20 (%s2, %p3) {} : (tensor<6x8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
  return %y : tensor<6x8xf32>
}
