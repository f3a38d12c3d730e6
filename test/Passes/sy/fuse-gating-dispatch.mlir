// sy-fuse-gating-dispatch: a sy.route and the one sy.dispatch of its ids
// become one sy.route_dispatch at the dispatch's place; the near misses
// stay as they are.
// RUN: switchyard-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sy-fuse-gating-dispatch))' | FileCheck %s

// Every attribute of the route is kept; the weights and ids feed the
// combine from the fused op.
// CHECK-LABEL: func @fuse
// CHECK: %[[IDS:.*]], %[[W:.*]], %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.route_dispatch %arg1 tokens %arg0 top_k = 2 mode = sigmoid_topk renormalize capacity = 4 renormalize_kept = 1.000000e-03 scale = 2.500000e+00 : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
// CHECK-NOT: sy.route %
// CHECK-NOT: sy.dispatch
// CHECK: sy.grouped_matmul %[[ROWS]], %arg2 offsets %[[OFF]]
// CHECK: sy.combine %{{.*}}, %[[INV]], %[[W]]
func.func @fuse(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>, %w1: tensor<8x64x64xf32>) -> tensor<16x64xf32> {
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk renormalize capacity = 4 renormalize_kept = 1.0e-3 scale = 2.5 : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %h = sy.grouped_matmul %rows, %w1 offsets %off : tensor<32x64xf32>, tensor<8x64x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %y = sy.combine %h, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// DeepSeek-style correction bias rides along.
// CHECK-LABEL: func @correction_bias
// CHECK: sy.route_dispatch %arg1 correction_bias %arg2 tokens %arg0 top_k = 1 mode = sigmoid_topk : tensor<4x8xf32>, tensor<4x16xf32>, tensor<8xf32>
func.func @correction_bias(%x: tensor<4x16xf32>, %l: tensor<4x8xf32>, %b: tensor<8xf32>) -> (tensor<4x16xf32>, tensor<9xi64>, tensor<4x1xi64>, tensor<4x1xf32>) {
  %ids, %w = sy.route %l correction_bias %b top_k = 1 mode = sigmoid_topk : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x1xi64>, tensor<4x1xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids num_experts = 8 : tensor<4x16xf32>, tensor<4x1xi64> -> tensor<4x16xf32>, tensor<9xi64>, tensor<4x1xi64>
  return %rows, %off, %inv, %w : tensor<4x16xf32>, tensor<9xi64>, tensor<4x1xi64>, tensor<4x1xf32>
}

// -----

// Near miss: two dispatches of the same ids; which one would carry the
// routing is arbitrary, so neither does.
// CHECK-LABEL: func @two_dispatches
// CHECK: sy.route %
// CHECK: sy.dispatch
// CHECK: sy.dispatch
// CHECK-NOT: sy.route_dispatch
func.func @two_dispatches(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>) -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %r0, %o0, %i0 = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %r1, %o1, %i1 = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %r0, %r1 : tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// Near miss: the weights are used before the dispatch; the fused op, at the
// dispatch's place, would come too late for that user.
// CHECK-LABEL: func @weights_used_before_dispatch
// CHECK: sy.route %
// CHECK: sy.dispatch
// CHECK-NOT: sy.route_dispatch
func.func @weights_used_before_dispatch(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>) -> (tensor<32x64xf32>, tensor<16x2xf32>) {
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %w2 = arith.addf %w, %w : tensor<16x2xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %rows, %w2 : tensor<32x64xf32>, tensor<16x2xf32>
}

// -----

// Near miss: the dispatch counts more experts than the router scores (ids
// index only the first 8 of 12 groups); the fused op's offsets are [E+1]
// of the router.
// CHECK-LABEL: func @num_experts_differs
// CHECK: sy.route %
// CHECK: sy.dispatch
// CHECK-NOT: sy.route_dispatch
func.func @num_experts_differs(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>) -> tensor<13xi64> {
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids num_experts = 12 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<13xi64>, tensor<16x2xi64>
  return %off : tensor<13xi64>
}

// -----

// Near miss: the dispatch reads ids from elsewhere; the route is unused
// by any dispatch.
// CHECK-LABEL: func @other_ids
// CHECK: sy.route %
// CHECK: sy.dispatch %arg0, %arg2
// CHECK-NOT: sy.route_dispatch
func.func @other_ids(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>, %ids2: tensor<16x2xi64>) -> (tensor<32x64xf32>, tensor<16x2xf32>) {
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %rows, %off, %inv = sy.dispatch %x, %ids2 num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %rows, %w : tensor<32x64xf32>, tensor<16x2xf32>
}
