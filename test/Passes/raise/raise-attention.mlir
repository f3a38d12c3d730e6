// sy-raise-attention: MatMul(q', kt') -> scales -> constant mask -> scales ->
// Softmax(last axis) -> MatMul(probs, v) becomes one sy.sparse_attention
// whose sparsity is read off the folded mask; anything else stays ONNX.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-attention))' | FileCheck %s

// A causal additive mask (0 on and below the diagonal, -inf above) after a
// Div by 2: scale 1 / 2. kt is an argument, so there is no Transpose to
// fold: the key is a new Transpose of its last two dims. The mask and the
// scale constants die with the dense graph.
// CHECK-LABEL: func @causal_div
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[KT:[a-z0-9_]+]]: tensor<1x2x4x8xf32>, %[[V:[a-z0-9_]+]]: tensor<1x2x8x4xf32>)
// CHECK-NOT: "MatMul"
// CHECK-NOT: "Softmax"
// CHECK: %[[K:.*]] = onnx.node "Transpose" opset 13 (%[[KT]]) {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x4x8xf32>) -> tensor<1x2x8x4xf32>
// CHECK-NEXT: %[[O:.*]] = sy.sparse_attention %[[Q]], %[[K]], %[[V]] scale = 5.000000e-01 sparsity = <causal> : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: "MatMul"
// CHECK-NOT: "Softmax"
// CHECK-NOT: arith.constant
func.func @causal_div(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%s, %two) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%d, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// kt = Transpose(k [B, S, H, D], perm [0, 2, 3, 1]) is folded: the key
// [B, H, S, D] is key[i] = kt[swap[i]] = k[perm[swap[i]]] with swap
// [0, 1, 3, 2], one Transpose of k with perm [0, 2, 1, 3] (at the old
// Transpose's opset); the old one is gone.
// CHECK-LABEL: func @key_transpose
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[KIN:[a-z0-9_]+]]: tensor<1x8x2x4xf32>, %[[V:[a-z0-9_]+]]: tensor<1x2x8x4xf32>)
// CHECK-NOT: perm = array<i64: 0, 2, 3, 1>
// CHECK: %[[K:.*]] = onnx.node "Transpose" opset 13 (%[[KIN]]) {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x8x4xf32>
// CHECK-NEXT: sy.sparse_attention %[[Q]], %[[K]], %[[V]] scale = 5.000000e-01 sparsity = <causal> :
// CHECK-NOT: perm = array<i64: 0, 2, 3, 1>
// CHECK-NOT: "Softmax"
func.func @key_transpose(%q: tensor<1x2x8x4xf32>, %k: tensor<1x8x2x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %kt = onnx.node "Transpose" opset 13 (%k) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x8x2x4xf32>) -> tensor<1x2x4x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%s, %two) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%d, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// masked_fill: Where(C, -inf, scores), C true where masked. C masks all but
// q - 2 <= k <= q: a sliding window of 2 keys back, none ahead. No scale
// node: scale 1.
// CHECK-LABEL: func @masked_fill_window
// CHECK-NOT: "Where"
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 1.000000e+00 sparsity = <window [2, 0]> :
// CHECK-NOT: "Where"
// CHECK-NOT: "Softmax"
func.func @masked_fill_window(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %cond = arith.constant dense<[[false, true, true, true, true, true, true, true], [false, false, true, true, true, true, true, true], [false, false, false, true, true, true, true, true], [true, false, false, false, true, true, true, true], [true, true, false, false, false, true, true, true], [true, true, true, false, false, false, true, true], [true, true, true, true, false, false, false, true], [true, true, true, true, true, false, false, false]]> : tensor<8x8xi1>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Where" opset 16 (%cond, %ninf, %s) {} : (tensor<8x8xi1>, tensor<f32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// The other polarity, Where(visible, scores, fill), with a finite fill of
// -1e9 (-5e8 after the Div by 2 that follows: still masked) and no fully
// masked row. visible: q - 1 <= k <= q + 2.
// CHECK-LABEL: func @where_visible_finite_fill
// CHECK-NOT: "Where"
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 5.000000e-01 sparsity = <window [1, 2]> :
// CHECK-NOT: "Where"
// CHECK-NOT: "Softmax"
func.func @where_visible_finite_fill(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %fill = arith.constant dense<-1.0e+09> : tensor<f32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %vis = arith.constant dense<[[true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [false, true, true, true, true, false, false, false], [false, false, true, true, true, true, false, false], [false, false, false, true, true, true, true, false], [false, false, false, false, true, true, true, true], [false, false, false, false, false, true, true, true], [false, false, false, false, false, false, true, true]]> : tensor<8x8xi1>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Where" opset 16 (%vis, %s, %fill) {} : (tensor<8x8xi1>, tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%m, %two) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%d) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// torch's SDPA export scales both operands: Mul(q, 0.5) and Mul(0.5, kt)
// (constant first), kt = Transpose(k, perm [0, 1, 3, 2]): scale 0.25, and
// the composed permutation is the identity, so the key is k itself.
// CHECK-LABEL: func @sdpa_scaled_operands
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[K:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[V:[a-z0-9_]+]]: tensor<1x2x8x4xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[O:.*]] = sy.sparse_attention %[[Q]], %[[K]], %[[V]] scale = 2.500000e-01 sparsity = <causal> : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: onnx.node
func.func @sdpa_scaled_operands(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %qs = onnx.node "Mul" opset 17 (%q, %half) {} : (tensor<1x2x8x4xf32>, tensor<f32>) -> tensor<1x2x8x4xf32>
  %kt = onnx.node "Transpose" opset 13 (%k) {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x8x4xf32>) -> tensor<1x2x4x8xf32>
  %ks = onnx.node "Mul" opset 17 (%half, %kt) {} : (tensor<f32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  %s = onnx.node "MatMul" opset 17 (%qs, %ks) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Global tokens: rows 0-1 and columns 0-1 all visible, a band
// |q - k| <= 1 elsewhere (the mask on the Add's first operand).
// CHECK-LABEL: func @global_tokens
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 1.000000e+00 sparsity = <window [1, 1], global 2> :
// CHECK-NOT: "Softmax"
func.func @global_tokens(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%mask, %s) {} : (tensor<8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Block-causal over S = 32: a position's block is Reshape(Expand(
// Unsqueeze(Range(0, 2)))) = [0 x 16, 1 x 16], visible when the key's
// block <= the query's. Neither causal nor a window (query 1 sees key 15
// but query 0 does not see key 16 although it sees key 15); not whole
// at 128, 64 or 32 (one partial block), whole at 16: layout
// [[1, 0], [1, 1]].
// CHECK-LABEL: func @block_causal_16
// CHECK-NOT: "Range"
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 1.250000e-01 sparsity = <blocks 16, dense<{{\[\[\[}}true, false], [true, true]]]> : tensor<1x2x2xi1>> : tensor<1x2x32x4xf32>, tensor<1x2x32x4xf32>, tensor<1x2x32x4xf32> -> tensor<1x2x32x4xf32>
// CHECK-NOT: "Range"
// CHECK-NOT: "Softmax"
func.func @block_causal_16(%q: tensor<1x2x32x4xf32>, %kt: tensor<1x2x4x32xf32>, %v: tensor<1x2x32x4xf32>) -> tensor<1x2x32x4xf32> {
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %c2 = arith.constant dense<2> : tensor<i64>
  %ax0 = arith.constant dense<[0]> : tensor<1xi64>
  %ax1 = arith.constant dense<[1]> : tensor<1xi64>
  %shape = arith.constant dense<[2, 16]> : tensor<2xi64>
  %flat = arith.constant dense<[32]> : tensor<1xi64>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %eighth = arith.constant dense<0.125> : tensor<f32>
  %r = onnx.node "Range" opset 11 (%c0, %c2, %c1) {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<2xi64>
  %r1 = onnx.node "Unsqueeze" opset 13 (%r, %ax1) {} : (tensor<2xi64>, tensor<1xi64>) -> tensor<2x1xi64>
  %re = onnx.node "Expand" opset 13 (%r1, %shape) {} : (tensor<2x1xi64>, tensor<2xi64>) -> tensor<2x16xi64>
  %blk = onnx.node "Reshape" opset 14 (%re, %flat) {} : (tensor<2x16xi64>, tensor<1xi64>) -> tensor<32xi64>
  %qb = onnx.node "Unsqueeze" opset 13 (%blk, %ax1) {} : (tensor<32xi64>, tensor<1xi64>) -> tensor<32x1xi64>
  %kb = onnx.node "Unsqueeze" opset 13 (%blk, %ax0) {} : (tensor<32xi64>, tensor<1xi64>) -> tensor<1x32xi64>
  %vis = onnx.node "LessOrEqual" opset 16 (%kb, %qb) {} : (tensor<1x32xi64>, tensor<32x1xi64>) -> tensor<32x32xi1>
  %mask = onnx.node "Where" opset 16 (%vis, %zero, %ninf) {} : (tensor<32x32xi1>, tensor<f32>, tensor<f32>) -> tensor<32x32xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x32x4xf32>, tensor<1x2x4x32xf32>) -> tensor<1x2x32x32xf32>
  %sc = onnx.node "Mul" opset 17 (%s, %eighth) {} : (tensor<1x2x32x32xf32>, tensor<f32>) -> tensor<1x2x32x32xf32>
  %m = onnx.node "Add" opset 17 (%sc, %mask) {} : (tensor<1x2x32x32xf32>, tensor<32x32xf32>) -> tensor<1x2x32x32xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x32x32xf32>) -> tensor<1x2x32x32xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x32x32xf32>, tensor<1x2x32x4xf32>) -> tensor<1x2x32x4xf32>
  return %o : tensor<1x2x32x4xf32>
}

// -----

// A dilated causal mask (distance <= 1 or even) is no window, and at S = 8
// every block size gives one partial 8 x 8 block: blocks 64 with a layout
// of that one block, the mask itself as the bias [1, 1, S, S].
// CHECK-LABEL: func @partial_blocks
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x2x8x4xf32>
// CHECK: %[[BIAS:.*]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.000000e+00, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.000000e+00, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000, 0xFF800000], [0.000000e+00, 0xFF800000, 0.000000e+00, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0xFF800000], [0xFF800000, 0.000000e+00, 0xFF800000, 0.000000e+00, 0xFF800000, 0.000000e+00, 0.000000e+00, 0.000000e+00]]]]> : tensor<1x1x8x8xf32>
// CHECK: sy.sparse_attention %[[Q]], %{{.*}}, %{{.*}} bias %[[BIAS]] scale = 1.000000e+00 sparsity = <blocks 64, dense<true> : tensor<1x1x1xi1>> : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x1x8x8xf32> -> tensor<1x2x8x4xf32>
// CHECK-NOT: "Softmax"
func.func @partial_blocks(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0xFF800000, 0.0, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000], [0xFF800000, 0.0, 0xFF800000, 0.0, 0xFF800000, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// A mask that differs per head ([1, H, S, S]: causal, then a window): no
// single structure, one layout per head, the mask as a per-head bias
// (printed as hex at 128 elements: 00000000 is 0, 000080FF is -inf).
// CHECK-LABEL: func @mask_per_head
// CHECK: %[[BIAS:.*]] = arith.constant dense<"0x00000000000080FF000080FF000080FF000080FF000080FF000080FF000080FF0000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF00000000000000000000000000000000000080FF000080FF000080FF000080FF0000000000000000000000000000000000000000000080FF000080FF000080FF000000000000000000000000000000000000000000000000000080FF000080FF00000000000000000000000000000000000000000000000000000000000080FF000000000000000000000000000000000000000000000000000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000080FF0000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000000080FF000080FF000080FF000080FF000080FF000080FF000000000000000000000000"> : tensor<1x2x8x8xf32>
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} bias %[[BIAS]] scale = 1.000000e+00 sparsity = <blocks 64, dense<true> : tensor<2x1x1xi1>> :
// CHECK-NOT: "Softmax"
func.func @mask_per_head(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0]]]]> : tensor<1x2x8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Non-zero visible values (an ALiBi-like -0.5 per step back) under a causal
// mask: the sparsity stays causal and the values become the bias. The Div
// by 2 follows the Add, so the bias is the mask / 2 (-0.25 per step).
// CHECK-LABEL: func @causal_alibi_bias
// CHECK: %[[BIAS:.*]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-2.500000e-01, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-5.000000e-01, -2.500000e-01, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-7.500000e-01, -5.000000e-01, -2.500000e-01, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-1.000000e+00, -7.500000e-01, -5.000000e-01, -2.500000e-01, 0.000000e+00, 0xFF800000, 0xFF800000, 0xFF800000], [-1.250000e+00, -1.000000e+00, -7.500000e-01, -5.000000e-01, -2.500000e-01, 0.000000e+00, 0xFF800000, 0xFF800000], [-1.500000e+00, -1.250000e+00, -1.000000e+00, -7.500000e-01, -5.000000e-01, -2.500000e-01, 0.000000e+00, 0xFF800000], [-1.750000e+00, -1.500000e+00, -1.250000e+00, -1.000000e+00, -7.500000e-01, -5.000000e-01, -2.500000e-01, 0.000000e+00]]]]> : tensor<1x1x8x8xf32>
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} bias %[[BIAS]] scale = 5.000000e-01 sparsity = <causal> :
// CHECK-NOT: "Softmax"
func.func @causal_alibi_bias(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.5, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-1.0, -0.5, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-1.5, -1.0, -0.5, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-2.0, -1.5, -1.0, -0.5, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [-2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0xFF800000, 0xFF800000], [-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0xFF800000], [-3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%m, %two) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%d) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Rank 3, one head per batch entry: q, k, v [2, 8, 4] expand to
// [2, 1, 8, 4] and the result collapses back. Transpose(k, perm [0, 2, 1])
// composes with the last-two swap to the identity: no Transpose is left.
// CHECK-LABEL: func @rank3_single_head
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<2x8x4xf32>, %[[K:[a-z0-9_]+]]: tensor<2x8x4xf32>, %[[V:[a-z0-9_]+]]: tensor<2x8x4xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[Q4:.*]] = tensor.expand_shape %[[Q]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 1, 8, 4] : tensor<2x8x4xf32> into tensor<2x1x8x4xf32>
// CHECK: %[[K4:.*]] = tensor.expand_shape %[[K]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 1, 8, 4] : tensor<2x8x4xf32> into tensor<2x1x8x4xf32>
// CHECK: %[[V4:.*]] = tensor.expand_shape %[[V]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 1, 8, 4] : tensor<2x8x4xf32> into tensor<2x1x8x4xf32>
// CHECK: %[[O4:.*]] = sy.sparse_attention %[[Q4]], %[[K4]], %[[V4]] scale = 5.000000e-01 sparsity = <causal> : tensor<2x1x8x4xf32>, tensor<2x1x8x4xf32>, tensor<2x1x8x4xf32> -> tensor<2x1x8x4xf32>
// CHECK: %[[O:.*]] = tensor.collapse_shape %[[O4]] {{\[\[}}0, 1], [2], [3]] : tensor<2x1x8x4xf32> into tensor<2x8x4xf32>
// CHECK: return %[[O]]
// CHECK-NOT: onnx.node
func.func @rank3_single_head(%q: tensor<2x8x4xf32>, %k: tensor<2x8x4xf32>, %v: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %kt = onnx.node "Transpose" opset 13 (%k) {perm = array<i64: 0, 2, 1>} : (tensor<2x8x4xf32>) -> tensor<2x4x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<2x8x4xf32>, tensor<2x4x8xf32>) -> tensor<2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%s, %two) {} : (tensor<2x8x8xf32>, tensor<f32>) -> tensor<2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%d, %mask) {} : (tensor<2x8x8xf32>, tensor<8x8xf32>) -> tensor<2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<2x8x8xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return %o : tensor<2x8x4xf32>
}

// -----

// The mask torch builds in forward(): positions from Range, distance
// q - k, visible when 0 <= q - k <= 3, Where(visible, 0, -inf). The
// subgraph is evaluated on the host, then erased with the dense graph.
// CHECK-LABEL: func @range_window
// CHECK-NOT: "Range"
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 5.000000e-01 sparsity = <window [3, 0]> :
// CHECK-NOT: "Range"
// CHECK-NOT: "Unsqueeze"
// CHECK-NOT: "LessOrEqual"
// CHECK-NOT: "Where"
// CHECK-NOT: "Softmax"
// CHECK-NOT: arith.constant
func.func @range_window(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %c3 = arith.constant dense<3> : tensor<i64>
  %c8 = arith.constant dense<8> : tensor<i64>
  %ax0 = arith.constant dense<[0]> : tensor<1xi64>
  %ax1 = arith.constant dense<[1]> : tensor<1xi64>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %two = arith.constant dense<2.0> : tensor<f32>
  %pos = onnx.node "Range" opset 11 (%c0, %c8, %c1) {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<8xi64>
  %qi = onnx.node "Unsqueeze" opset 13 (%pos, %ax1) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<8x1xi64>
  %ki = onnx.node "Unsqueeze" opset 13 (%pos, %ax0) {} : (tensor<8xi64>, tensor<1xi64>) -> tensor<1x8xi64>
  %dist = onnx.node "Sub" opset 14 (%qi, %ki) {} : (tensor<8x1xi64>, tensor<1x8xi64>) -> tensor<8x8xi64>
  %near = onnx.node "LessOrEqual" opset 16 (%dist, %c3) {} : (tensor<8x8xi64>, tensor<i64>) -> tensor<8x8xi1>
  %past = onnx.node "GreaterOrEqual" opset 16 (%dist, %c0) {} : (tensor<8x8xi64>, tensor<i64>) -> tensor<8x8xi1>
  %vis = onnx.node "And" opset 7 (%near, %past) {} : (tensor<8x8xi1>, tensor<8x8xi1>) -> tensor<8x8xi1>
  %mask = onnx.node "Where" opset 16 (%vis, %zero, %ninf) {} : (tensor<8x8xi1>, tensor<f32>, tensor<f32>) -> tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %d = onnx.node "Div" opset 17 (%s, %two) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%d, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Near miss: the mask is an input.
// CHECK-LABEL: func @mask_is_input
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Softmax"
// CHECK-NOT: sy.sparse_attention
func.func @mask_is_input(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>, %mask: tensor<8x8xf32>) -> tensor<1x2x8x4xf32> {
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Near miss: the softmax runs over the queries (axis 2), not the keys.
// CHECK-LABEL: func @softmax_not_last_axis
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Softmax" opset 17 (%{{.*}}) {axis = 2 : i64}
// CHECK-NOT: sy.sparse_attention
func.func @softmax_not_last_axis(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = 2 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Near miss: the probabilities are also a result.
// CHECK-LABEL: func @probs_used_twice
// CHECK-NOT: sy.sparse_attention
// CHECK: %[[P:.*]] = onnx.node "Softmax"
// CHECK: %[[O:.*]] = onnx.node "MatMul" opset 17 (%[[P]], %{{.*}})
// CHECK: return %[[O]], %[[P]]
// CHECK-NOT: sy.sparse_attention
func.func @probs_used_twice(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> (tensor<1x2x8x4xf32>, tensor<1x2x8x8xf32>) {
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o, %p : tensor<1x2x8x4xf32>, tensor<1x2x8x8xf32>
}

// -----

// Near miss: a finite fill (-1e9) with a fully masked row (strictly causal:
// query 0 sees no key). The dense graph averages that row over every key;
// the op would give NaN.
// CHECK-LABEL: func @finite_fill_fully_masked_row
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Softmax"
// CHECK-NOT: sy.sparse_attention
func.func @finite_fill_fully_masked_row(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[-1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, 0.0, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, 0.0, 0.0, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, 0.0, 0.0, 0.0, -1.0e+09, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, 0.0, 0.0, 0.0, 0.0, -1.0e+09, -1.0e+09, -1.0e+09], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e+09, -1.0e+09], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.0e+09]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Near miss: a [2, 1, S, S] mask over batch 2 whose two batches differ
// (causal, then a window of 2).
// CHECK-LABEL: func @mask_per_batch
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Softmax"
// CHECK-NOT: sy.sparse_attention
func.func @mask_per_batch(%q: tensor<2x2x8x4xf32>, %kt: tensor<2x2x4x8xf32>, %v: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  %mask = arith.constant dense<[[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]], [[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0]]]]> : tensor<2x1x8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<2x2x8x4xf32>, tensor<2x2x4x8xf32>) -> tensor<2x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%s, %mask) {} : (tensor<2x2x8x8xf32>, tensor<2x1x8x8xf32>) -> tensor<2x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<2x2x8x8xf32>) -> tensor<2x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<2x2x8x8xf32>, tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32>
  return %o : tensor<2x2x8x4xf32>
}

// -----

// Near miss: a negative scale (Mul by -1) is no scale.
// CHECK-LABEL: func @negative_scale
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Mul"
// CHECK: onnx.node "Softmax"
// CHECK-NOT: sy.sparse_attention
func.func @negative_scale(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %neg = arith.constant dense<-1.0> : tensor<f32>
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %n = onnx.node "Mul" opset 17 (%s, %neg) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%n, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Near miss: the scores are scaled by an input.
// CHECK-LABEL: func @scale_not_constant
// CHECK-NOT: sy.sparse_attention
// CHECK: onnx.node "Mul"
// CHECK: onnx.node "Softmax"
// CHECK-NOT: sy.sparse_attention
func.func @scale_not_constant(%q: tensor<1x2x8x4xf32>, %kt: tensor<1x2x4x8xf32>, %v: tensor<1x2x8x4xf32>, %t: tensor<f32>) -> tensor<1x2x8x4xf32> {
  %mask = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<8x8xf32>
  %s = onnx.node "MatMul" opset 17 (%q, %kt) {} : (tensor<1x2x8x4xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x8x8xf32>
  %n = onnx.node "Mul" opset 17 (%s, %t) {} : (tensor<1x2x8x8xf32>, tensor<f32>) -> tensor<1x2x8x8xf32>
  %m = onnx.node "Add" opset 17 (%n, %mask) {} : (tensor<1x2x8x8xf32>, tensor<8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = onnx.node "Softmax" opset 17 (%m) {axis = -1 : i64} : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %o = onnx.node "MatMul" opset 17 (%p, %v) {} : (tensor<1x2x8x8xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}
