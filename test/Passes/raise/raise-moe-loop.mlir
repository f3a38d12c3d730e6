// sy-raise-moe, per-expert loop form (Hugging Face Mixtral / Qwen-MoE as
// torch.onnx.export writes it): for each expert e, NonZero of where ids == e
// gives (choice, token) coordinates; the token rows are gathered (Gather or
// GatherND), run through expert e's MLP of Gemm/MatMul nodes, scaled by the
// GatherND'd routing weight and added back by a chain of ScatterND
// (reduction = add) from a zero [T, H] accumulator. It becomes route ->
// dispatch -> grouped_matmul -> grouped_matmul -> combine; near misses stay
// onnx.node.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-moe))' | FileCheck %s

// The torch export of a Mixtral block: mask = one_hot(ids, 3).permute(2, 1, 0)
// (Equal with 0..E-1, Cast, Transpose), per expert Gather(mask, e) -> NonZero
// -> Transpose -> Slice + Squeeze per row (choice row 0, token row 1); rows as
// x[None, tok] (Unsqueeze, Transpose, GatherND, Transpose, Reshape); SwiGLU
// experts of nn.Linear Gemms (transB = 1); Softmax -> TopK -> renormalised.
// The gate and up weights stack and concatenate per expert: [E, 2F, H], gate
// rows (0.1, expert 0) then up rows (-0.1), then expert 1 (0.2, -0.2), ...
// CHECK-LABEL: func @torch_swiglu
// CHECK-SAME: (%[[X:.*]]: tensor<4x4xf32>, %[[L:.*]]: tensor<4x3xf32>)
// CHECK-NOT: onnx.node
// CHECK-NOT: NonZero
// CHECK-NOT: ScatterND
// CHECK-NOT: GatherND
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<"0x{{(CDCCCC3D)+(CDCCCCBD)+(CDCC4C3E)+(CDCC4CBE)+(9A99993E)+(9A9999BE)+}}"> : tensor<3x12x4xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[}}5.000000e-01, {{.*}}]], {{\[\[}}1.000000e+00, {{.*}}]], {{\[\[}}1.500000e+00, {{.*}}]]]> : tensor<3x4x6xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk renormalize : tensor<4x3xf32> -> tensor<4x2xi64>, tensor<4x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 3 : tensor<4x4xf32>, tensor<4x2xi64> -> tensor<8x4xf32>, tensor<4xi64>, tensor<4x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] rhs_transposed activation = swiglu : tensor<8x4xf32>, tensor<3x12x4xf32>, tensor<4xi64> -> tensor<8x6xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] rhs_transposed : tensor<8x6xf32>, tensor<3x4x6xf32>, tensor<4xi64> -> tensor<8x4xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<8x4xf32>, tensor<4x2xi64>, tensor<4x2xf32> -> tensor<4x4xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @torch_swiglu(%x: tensor<4x4xf32>, %logits: tensor<4x3xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %range = arith.constant dense<[0, 1, 2]> : tensor<3xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %rows_shape = arith.constant dense<[-1, 4]> : tensor<2xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %wg0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %wu0 = arith.constant dense<-0.1> : tensor<6x4xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %wg1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %wu1 = arith.constant dense<-0.2> : tensor<6x4xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %e2 = arith.constant dense<2> : tensor<i64>
  %wg2 = arith.constant dense<0.3> : tensor<6x4xf32>
  %wu2 = arith.constant dense<-0.3> : tensor<6x4xf32>
  %w2_2 = arith.constant dense<1.5> : tensor<4x6xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %last) {keepdims = 1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  %w3 = onnx.node "Unsqueeze" opset 20 (%w, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %ids3 = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<4x2xi64>, tensor<1xi64>) -> tensor<4x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%ids3, %range) {} : (tensor<4x2x1xi64>, tensor<3xi64>) -> tensor<4x2x3xi1>
  %onehot = onnx.node "Cast" opset 20 (%eq) {to = 7 : i64} : (tensor<4x2x3xi1>) -> tensor<4x2x3xi64>
  %per_expert = onnx.node "Transpose" opset 20 (%onehot) {perm = array<i64: 2, 1, 0>} : (tensor<4x2x3xi64>) -> tensor<3x2x4xi64>
  %xu = onnx.node "Unsqueeze" opset 20 (%x, %ax0) {} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<1x4x4xf32>
  %x3 = onnx.node "Transpose" opset 20 (%xu) {perm = array<i64: 1, 0, 2>} : (tensor<1x4x4xf32>) -> tensor<4x1x4xf32>
  %m0 = onnx.node "Gather" opset 20 (%per_expert, %e0) {axis = 0 : i64} : (tensor<3x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz0 = onnx.node "NonZero" opset 20 (%m0) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt0 = onnx.node "Transpose" opset 20 (%nz0) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice0 = onnx.node "Squeeze" opset 20 (%choice_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok0 = onnx.node "Squeeze" opset 20 (%tok_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg0 = onnx.node "GatherND" opset 20 (%x3, %tok_col0) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt0 = onnx.node "Transpose" opset 20 (%xg0) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows0 = onnx.node "Reshape" opset 20 (%xt0, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %gate0 = onnx.node "Gemm" opset 20 (%rows0, %wg0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg0 = onnx.node "Sigmoid" opset 20 (%gate0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu0 = onnx.node "Mul" opset 20 (%gate0, %sg0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %up0 = onnx.node "Gemm" opset 20 (%rows0, %wu0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Mul" opset 20 (%silu0, %up0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %m1 = onnx.node "Gather" opset 20 (%per_expert, %e1) {axis = 0 : i64} : (tensor<3x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz1 = onnx.node "NonZero" opset 20 (%m1) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt1 = onnx.node "Transpose" opset 20 (%nz1) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice1 = onnx.node "Squeeze" opset 20 (%choice_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok1 = onnx.node "Squeeze" opset 20 (%tok_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg1 = onnx.node "GatherND" opset 20 (%x3, %tok_col1) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt1 = onnx.node "Transpose" opset 20 (%xg1) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows1 = onnx.node "Reshape" opset 20 (%xt1, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %gate1 = onnx.node "Gemm" opset 20 (%rows1, %wg1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg1 = onnx.node "Sigmoid" opset 20 (%gate1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu1 = onnx.node "Mul" opset 20 (%gate1, %sg1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %up1 = onnx.node "Gemm" opset 20 (%rows1, %wu1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Mul" opset 20 (%silu1, %up1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out1 = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %m2 = onnx.node "Gather" opset 20 (%per_expert, %e2) {axis = 0 : i64} : (tensor<3x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz2 = onnx.node "NonZero" opset 20 (%m2) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt2 = onnx.node "Transpose" opset 20 (%nz2) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s2 = onnx.node "Slice" opset 20 (%nzt2, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice2 = onnx.node "Squeeze" opset 20 (%choice_s2, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s2 = onnx.node "Slice" opset 20 (%nzt2, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok2 = onnx.node "Squeeze" opset 20 (%tok_s2, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col2 = onnx.node "Unsqueeze" opset 20 (%tok2, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg2 = onnx.node "GatherND" opset 20 (%x3, %tok_col2) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt2 = onnx.node "Transpose" opset 20 (%xg2) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows2 = onnx.node "Reshape" opset 20 (%xt2, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col2 = onnx.node "Unsqueeze" opset 20 (%choice2, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi2 = onnx.node "Concat" opset 20 (%tok_col2, %choice_col2) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel2 = onnx.node "GatherND" opset 20 (%w3, %wi2) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %gate2 = onnx.node "Gemm" opset 20 (%rows2, %wg2) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg2 = onnx.node "Sigmoid" opset 20 (%gate2) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu2 = onnx.node "Mul" opset 20 (%gate2, %sg2) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %up2 = onnx.node "Gemm" opset 20 (%rows2, %wu2) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %a2 = onnx.node "Mul" opset 20 (%silu2, %up2) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo2 = onnx.node "Gemm" opset 20 (%a2, %w2_2) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p2 = onnx.node "Mul" opset 20 (%eo2, %wsel2) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out1, %tok_col2, %p2) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// The mask as NonZero(Equal(ids, e)) with rows Gather(nz, 0) (token) and
// Gather(nz, 1) (choice); rows Gather(x, tok, axis 0); relu experts with
// biases (Gemm transB = 1 with C); Softmax -> TopK, not renormalised. The
// per-expert weights and biases stack, expert 0 first.
// CHECK-LABEL: func @equal_gather_relu_bias
// CHECK-SAME: (%[[X:.*]]: tensor<4x4xf32>, %[[L:.*]]: tensor<4x2xf32>)
// CHECK-NOT: onnx.node
// CHECK-NOT: NonZero
// CHECK-NOT: ScatterND
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{\[\[\[}}1.000000e-01, {{.*}}]], {{\[\[}}2.000000e-01, {{.*}}]]]> : tensor<2x6x4xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, {{.*}}], [2.000000e+00, {{.*}}]]> : tensor<2x6xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{\[\[\[}}5.000000e-01, {{.*}}]], {{\[\[}}1.000000e+00, {{.*}}]]]> : tensor<2x4x6xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense<{{\[\[}}-1.000000e+00, {{.*}}], [-2.000000e+00, {{.*}}]]> : tensor<2x4xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = softmax_topk : tensor<4x2xf32> -> tensor<4x2xi64>, tensor<4x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 2 : tensor<4x4xf32>, tensor<4x2xi64> -> tensor<8x4xf32>, tensor<3xi64>, tensor<4x2xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] bias %[[B1]] rhs_transposed activation = relu : tensor<8x4xf32>, tensor<2x6x4xf32>, tensor<3xi64>, tensor<2x6xf32> -> tensor<8x6xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] bias %[[B2]] rhs_transposed : tensor<8x6xf32>, tensor<2x4x6xf32>, tensor<3xi64>, tensor<2x4xf32> -> tensor<8x4xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<8x4xf32>, tensor<4x2xi64>, tensor<4x2xf32> -> tensor<4x4xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @equal_gather_relu_bias(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Sigmoid -> TopK, renormalised (sigmoid_topk); the permuted one-hot mask
// with rows taken by Gather(x, tok); silu experts (Mul(Sigmoid(z), z)).
// CHECK-LABEL: func @sigmoid_topk_silu
// CHECK-SAME: (%[[X:.*]]: tensor<4x4xf32>, %[[L:.*]]: tensor<4x2xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 2 mode = sigmoid_topk renormalize : tensor<4x2xf32> -> tensor<4x2xi64>, tensor<4x2xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 2 :
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %{{.*}} offsets %[[OFF]] rhs_transposed activation = silu : tensor<8x4xf32>, tensor<2x6x4xf32>, tensor<3xi64> -> tensor<8x6xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %{{.*}} offsets %[[OFF]] rhs_transposed : tensor<8x6xf32>, tensor<2x4x6xf32>, tensor<3xi64> -> tensor<8x4xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] :
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @sigmoid_topk_silu(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %range = arith.constant dense<[0, 1]> : tensor<2xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %scores = onnx.node "Sigmoid" opset 20 (%logits) {} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%scores, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %last) {keepdims = 1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  %w3 = onnx.node "Unsqueeze" opset 20 (%w, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %ids3 = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<4x2xi64>, tensor<1xi64>) -> tensor<4x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%ids3, %range) {} : (tensor<4x2x1xi64>, tensor<2xi64>) -> tensor<4x2x2xi1>
  %onehot = onnx.node "Cast" opset 20 (%eq) {to = 7 : i64} : (tensor<4x2x2xi1>) -> tensor<4x2x2xi64>
  %per_expert = onnx.node "Transpose" opset 20 (%onehot) {perm = array<i64: 2, 1, 0>} : (tensor<4x2x2xi64>) -> tensor<2x2x4xi64>
  %m0 = onnx.node "Gather" opset 20 (%per_expert, %e0) {axis = 0 : i64} : (tensor<2x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz0 = onnx.node "NonZero" opset 20 (%m0) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt0 = onnx.node "Transpose" opset 20 (%nz0) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice0 = onnx.node "Squeeze" opset 20 (%choice_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok0 = onnx.node "Squeeze" opset 20 (%tok_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg0 = onnx.node "Sigmoid" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Mul" opset 20 (%sg0, %h0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %m1 = onnx.node "Gather" opset 20 (%per_expert, %e1) {axis = 0 : i64} : (tensor<2x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz1 = onnx.node "NonZero" opset 20 (%m1) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt1 = onnx.node "Transpose" opset 20 (%nz1) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice1 = onnx.node "Squeeze" opset 20 (%choice_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok1 = onnx.node "Squeeze" opset 20 (%tok_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg1 = onnx.node "Sigmoid" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Mul" opset 20 (%sg1, %h1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Top-1: TopK -> Softmax over the k = 1 values (topk_softmax); Equal mask;
// GatherND rows; gelu experts as MatMul [H, F] + bias Add (not transposed);
// the routing weight on the left of the Mul.
// CHECK-LABEL: func @topk_softmax_top1_matmul_gelu
// CHECK-SAME: (%[[X:.*]]: tensor<4x4xf32>, %[[L:.*]]: tensor<4x2xf32>)
// CHECK-NOT: onnx.node
// CHECK-DAG: %[[W1:.*]] = arith.constant dense<{{.*}}> : tensor<2x4x6xf32>
// CHECK-DAG: %[[B1:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, {{.*}}], [2.000000e+00, {{.*}}]]> : tensor<2x6xf32>
// CHECK-DAG: %[[W2:.*]] = arith.constant dense<{{.*}}> : tensor<2x6x4xf32>
// CHECK-DAG: %[[B2:.*]] = arith.constant dense<{{\[\[}}-1.000000e+00, {{.*}}], [-2.000000e+00, {{.*}}]]> : tensor<2x4xf32>
// CHECK: %[[IDS:.*]], %[[W:.*]] = sy.route %[[L]] top_k = 1 mode = topk_softmax : tensor<4x2xf32> -> tensor<4x1xi64>, tensor<4x1xf32>
// CHECK: %[[ROWS:.*]], %[[OFF:.*]], %[[INV:.*]] = sy.dispatch %[[X]], %[[IDS]] num_experts = 2 : tensor<4x4xf32>, tensor<4x1xi64> -> tensor<4x4xf32>, tensor<3xi64>, tensor<4x1xi64>
// CHECK: %[[H:.*]] = sy.grouped_matmul %[[ROWS]], %[[W1]] offsets %[[OFF]] bias %[[B1]] activation = gelu : tensor<4x4xf32>, tensor<2x4x6xf32>, tensor<3xi64>, tensor<2x6xf32> -> tensor<4x6xf32>
// CHECK: %[[O:.*]] = sy.grouped_matmul %[[H]], %[[W2]] offsets %[[OFF]] bias %[[B2]] : tensor<4x6xf32>, tensor<2x6x4xf32>, tensor<3xi64>, tensor<2x4xf32> -> tensor<4x4xf32>
// CHECK: %[[Y:.*]] = sy.combine %[[O]], %[[INV]], %[[W]] : tensor<4x4xf32>, tensor<4x1xi64>, tensor<4x1xf32> -> tensor<4x4xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: onnx.node
func.func @topk_softmax_top1_matmul_gelu(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<1> : tensor<1xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %rows_shape = arith.constant dense<[-1, 4]> : tensor<2xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<4x6xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<6x4xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<4x6xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<6x4xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %top:2 = onnx.node "TopK" opset 20 (%logits, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x1xf32>, tensor<4x1xi64>)
  %sm = onnx.node "Softmax" opset 20 (%top#0) {axis = -1 : i64} : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %w3 = onnx.node "Unsqueeze" opset 20 (%sm, %last) {} : (tensor<4x1xf32>, tensor<1xi64>) -> tensor<4x1x1xf32>
  %xu = onnx.node "Unsqueeze" opset 20 (%x, %ax0) {} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<1x4x4xf32>
  %x3 = onnx.node "Transpose" opset 20 (%xu) {perm = array<i64: 1, 0, 2>} : (tensor<1x4x4xf32>) -> tensor<4x1x4xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x1xi64>, tensor<i64>) -> tensor<4x1xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x1xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg0 = onnx.node "GatherND" opset 20 (%x3, %tok_col0) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt0 = onnx.node "Transpose" opset 20 (%xg0) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows0 = onnx.node "Reshape" opset 20 (%xt0, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x1x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %mm_h0 = onnx.node "MatMul" opset 20 (%rows0, %w1_0) {} : (tensor<?x4xf32>, tensor<4x6xf32>) -> tensor<?x6xf32>
  %h0 = onnx.node "Add" opset 20 (%mm_h0, %b1_0) {} : (tensor<?x6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Gelu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %mm_eo0 = onnx.node "MatMul" opset 20 (%a0, %w2_0) {} : (tensor<?x6xf32>, tensor<6x4xf32>) -> tensor<?x4xf32>
  %eo0 = onnx.node "Add" opset 20 (%mm_eo0, %b2_0) {} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%wsel0, %eo0) {} : (tensor<?x1xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x1xi64>, tensor<i64>) -> tensor<4x1xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x1xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg1 = onnx.node "GatherND" opset 20 (%x3, %tok_col1) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt1 = onnx.node "Transpose" opset 20 (%xg1) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows1 = onnx.node "Reshape" opset 20 (%xt1, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x1x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %mm_h1 = onnx.node "MatMul" opset 20 (%rows1, %w1_1) {} : (tensor<?x4xf32>, tensor<4x6xf32>) -> tensor<?x6xf32>
  %h1 = onnx.node "Add" opset 20 (%mm_h1, %b1_1) {} : (tensor<?x6xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Gelu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %mm_eo1 = onnx.node "MatMul" opset 20 (%a1, %w2_1) {} : (tensor<?x6xf32>, tensor<6x4xf32>) -> tensor<?x4xf32>
  %eo1 = onnx.node "Add" opset 20 (%mm_eo1, %b2_1) {} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%wsel1, %eo1) {} : (tensor<?x1xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): the last ScatterND has reduction =
// "none", so expert 1 overwrites the rows expert 0 added instead of summing.
// CHECK-LABEL: func @scatter_reduction_none
// CHECK-NOT: sy.route
// CHECK: onnx.node "ScatterND" opset 20 ({{.*}}) {reduction = "add"}
// CHECK: onnx.node "ScatterND" opset 20 ({{.*}}) {reduction = "none"}
// CHECK-NOT: sy.route
func.func @scatter_reduction_none(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "none"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @torch_swiglu): the router picks among 3 experts but the chain
// has ScatterNDs for experts 0 and 1 only; tokens routed to expert 2 would
// get nothing.
// CHECK-LABEL: func @expert_missing
// CHECK-NOT: sy.route
// CHECK: onnx.node "Softmax" opset 20 (%{{.*}}) {axis = -1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
// CHECK-COUNT-2: onnx.node "ScatterND"
// CHECK-NOT: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @expert_missing(%x: tensor<4x4xf32>, %logits: tensor<4x3xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %range = arith.constant dense<[0, 1, 2]> : tensor<3xi64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %rows_shape = arith.constant dense<[-1, 4]> : tensor<2xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %wg0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %wu0 = arith.constant dense<-0.1> : tensor<6x4xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %wg1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %wu1 = arith.constant dense<-0.2> : tensor<6x4xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x3xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %last) {keepdims = 1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  %w3 = onnx.node "Unsqueeze" opset 20 (%w, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %ids3 = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<4x2xi64>, tensor<1xi64>) -> tensor<4x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%ids3, %range) {} : (tensor<4x2x1xi64>, tensor<3xi64>) -> tensor<4x2x3xi1>
  %onehot = onnx.node "Cast" opset 20 (%eq) {to = 7 : i64} : (tensor<4x2x3xi1>) -> tensor<4x2x3xi64>
  %per_expert = onnx.node "Transpose" opset 20 (%onehot) {perm = array<i64: 2, 1, 0>} : (tensor<4x2x3xi64>) -> tensor<3x2x4xi64>
  %xu = onnx.node "Unsqueeze" opset 20 (%x, %ax0) {} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<1x4x4xf32>
  %x3 = onnx.node "Transpose" opset 20 (%xu) {perm = array<i64: 1, 0, 2>} : (tensor<1x4x4xf32>) -> tensor<4x1x4xf32>
  %m0 = onnx.node "Gather" opset 20 (%per_expert, %e0) {axis = 0 : i64} : (tensor<3x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz0 = onnx.node "NonZero" opset 20 (%m0) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt0 = onnx.node "Transpose" opset 20 (%nz0) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice0 = onnx.node "Squeeze" opset 20 (%choice_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok0 = onnx.node "Squeeze" opset 20 (%tok_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg0 = onnx.node "GatherND" opset 20 (%x3, %tok_col0) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt0 = onnx.node "Transpose" opset 20 (%xg0) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows0 = onnx.node "Reshape" opset 20 (%xt0, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %gate0 = onnx.node "Gemm" opset 20 (%rows0, %wg0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg0 = onnx.node "Sigmoid" opset 20 (%gate0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu0 = onnx.node "Mul" opset 20 (%gate0, %sg0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %up0 = onnx.node "Gemm" opset 20 (%rows0, %wu0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Mul" opset 20 (%silu0, %up0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %m1 = onnx.node "Gather" opset 20 (%per_expert, %e1) {axis = 0 : i64} : (tensor<3x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz1 = onnx.node "NonZero" opset 20 (%m1) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt1 = onnx.node "Transpose" opset 20 (%nz1) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice1 = onnx.node "Squeeze" opset 20 (%choice_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok1 = onnx.node "Squeeze" opset 20 (%tok_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %xg1 = onnx.node "GatherND" opset 20 (%x3, %tok_col1) {} : (tensor<4x1x4xf32>, tensor<?x1xi64>) -> tensor<?x1x4xf32>
  %xt1 = onnx.node "Transpose" opset 20 (%xg1) {perm = array<i64: 1, 0, 2>} : (tensor<?x1x4xf32>) -> tensor<1x?x4xf32>
  %rows1 = onnx.node "Reshape" opset 20 (%xt1, %rows_shape) {} : (tensor<1x?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %gate1 = onnx.node "Gemm" opset 20 (%rows1, %wg1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg1 = onnx.node "Sigmoid" opset 20 (%gate1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %silu1 = onnx.node "Mul" opset 20 (%gate1, %sg1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %up1 = onnx.node "Gemm" opset 20 (%rows1, %wu1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Mul" opset 20 (%silu1, %up1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): both steps take the tokens of
// expert 0 (Equal with 0 twice); expert 0 is added twice and expert 1
// never.
// CHECK-LABEL: func @expert_twice
// CHECK-NOT: sy.route
// CHECK: onnx.node "Equal" opset 20 (%{{.*}}, %[[E:[a-z0-9_]+]]) {}
// CHECK: onnx.node "ScatterND"
// CHECK: onnx.node "Equal" opset 20 (%{{.*}}, %[[E]]) {}
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @expert_twice(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 1's weight is gathered at
// Concat(choice, token), i.e. weights[choice, token], not weights[token,
// choice].
// CHECK-LABEL: func @weight_at_choice_token
// CHECK-NOT: sy.route
// CHECK: onnx.node "Concat" opset 20 (%[[TOK0:[0-9]+]], %{{[0-9]+}}) {axis = -1 : i64}
// CHECK: onnx.node "ScatterND" opset 20 (%{{.*}}, %[[TOK0]], %{{[0-9]+}}) {reduction = "add"}
// CHECK: onnx.node "Concat" opset 20 (%{{[0-9]+}}, %[[TOK1:[0-9]+]]) {axis = -1 : i64}
// CHECK: onnx.node "ScatterND" opset 20 (%{{.*}}, %[[TOK1]], %{{[0-9]+}}) {reduction = "add"}
// CHECK-NOT: sy.route
func.func @weight_at_choice_token(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%choice_col1, %tok_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 1 runs on the rows of x at
// the NonZero's choice row (0 or 1), not at its token row, which the
// ScatterND adds to.
// CHECK-LABEL: func @rows_at_choice
// CHECK-NOT: sy.route
// CHECK: onnx.node "NonZero"
// CHECK: %[[NZ1:[0-9]+]] = onnx.node "NonZero"
// CHECK: %[[TOK1:[0-9]+]] = onnx.node "Gather" opset 20 (%[[NZ1]], %{{.*}}) {axis = 0 : i64}
// CHECK: %[[CH1:[0-9]+]] = onnx.node "Gather" opset 20 (%[[NZ1]], %{{.*}}) {axis = 0 : i64}
// CHECK: onnx.node "Gather" opset 20 (%arg0, %[[CH1]]) {axis = 0 : i64}
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @rows_at_choice(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %choice1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 1's results are added at
// rows given by the choice coordinate instead of the token coordinate.
// CHECK-LABEL: func @scatter_at_choice
// CHECK-NOT: sy.route
// CHECK: onnx.node "NonZero"
// CHECK: %[[NZ1:[0-9]+]] = onnx.node "NonZero"
// CHECK: %[[TOK1:[0-9]+]] = onnx.node "Gather" opset 20 (%[[NZ1]], %{{.*}}) {axis = 0 : i64}
// CHECK: %[[CH1:[0-9]+]] = onnx.node "Gather" opset 20 (%[[NZ1]], %{{.*}}) {axis = 0 : i64}
// CHECK: %[[CC1:[0-9]+]] = onnx.node "Unsqueeze" opset 20 (%[[CH1]], %{{.*}})
// CHECK: onnx.node "ScatterND" opset 20 (%{{[0-9]+}}, %[[CC1]], %{{[0-9]+}}) {reduction = "add"}
// CHECK-NOT: sy.route
func.func @scatter_at_choice(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %choice_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 1's routing weight is
// gathered at expert 0's (token, choice) coordinates.
// CHECK-LABEL: func @weight_of_other_expert
// CHECK-NOT: sy.route
// CHECK: onnx.node "Concat" opset 20 (%[[T:[0-9]+]], %[[C:[0-9]+]]) {axis = -1 : i64}
// CHECK: onnx.node "NonZero"
// CHECK: onnx.node "Concat" opset 20 (%[[T]], %[[C]]) {axis = -1 : i64}
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @weight_of_other_expert(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): the ScatterND chain starts from
// ones, not zeros, so the result is the MoE output plus 1.
// CHECK-LABEL: func @accumulator_not_zero
// CHECK-NOT: sy.route
// CHECK: %[[ACC:.*]] = arith.constant dense<1.000000e+00> : tensor<4x4xf32>
// CHECK: onnx.node "ScatterND" opset 20 (%[[ACC]], %{{.*}}) {reduction = "add"}
// CHECK-NOT: sy.route
func.func @accumulator_not_zero(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<1.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): the partial sum after expert 0 is
// also returned, so the chain cannot be replaced as a whole.
// CHECK-LABEL: func @partial_sum_returned
// CHECK-NOT: sy.route
// CHECK: %[[P:[0-9]+]] = onnx.node "ScatterND"
// CHECK: %[[Y:[0-9]+]] = onnx.node "ScatterND" opset 20 (%[[P]], %{{.*}})
// CHECK: return %[[P]], %[[Y]]
// CHECK-NOT: sy.route
func.func @partial_sum_returned(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out0, %out : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Near miss (of @sigmoid_topk_silu): the one-hot [T, k, E] is permuted with
// perm (1, 2, 0) to [k, E, T], so Gather(_, e, axis 0) selects choice slot e
// (a [E, T] tensor with the same shape as [k, T] here), not expert e's mask.
// CHECK-LABEL: func @onehot_perm_choice_first
// CHECK-NOT: sy.route
// CHECK: onnx.node "Transpose" opset 20 (%{{.*}}) {perm = array<i64: 1, 2, 0>} : (tensor<4x2x2xi64>) -> tensor<2x2x4xi64>
// CHECK: onnx.node "NonZero"
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @onehot_perm_choice_first(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %range = arith.constant dense<[0, 1]> : tensor<2xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %ax2 = arith.constant dense<2> : tensor<1xi64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %scores = onnx.node "Sigmoid" opset 20 (%logits) {} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%scores, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %sum = onnx.node "ReduceSum" opset 20 (%top#0, %last) {keepdims = 1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x1xf32>
  %w = onnx.node "Div" opset 20 (%top#0, %sum) {} : (tensor<4x2xf32>, tensor<4x1xf32>) -> tensor<4x2xf32>
  %w3 = onnx.node "Unsqueeze" opset 20 (%w, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %ids3 = onnx.node "Unsqueeze" opset 20 (%top#1, %last) {} : (tensor<4x2xi64>, tensor<1xi64>) -> tensor<4x2x1xi64>
  %eq = onnx.node "Equal" opset 20 (%ids3, %range) {} : (tensor<4x2x1xi64>, tensor<2xi64>) -> tensor<4x2x2xi1>
  %onehot = onnx.node "Cast" opset 20 (%eq) {to = 7 : i64} : (tensor<4x2x2xi1>) -> tensor<4x2x2xi64>
  %per_expert = onnx.node "Transpose" opset 20 (%onehot) {perm = array<i64: 1, 2, 0>} : (tensor<4x2x2xi64>) -> tensor<2x2x4xi64>
  %m0 = onnx.node "Gather" opset 20 (%per_expert, %e0) {axis = 0 : i64} : (tensor<2x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz0 = onnx.node "NonZero" opset 20 (%m0) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt0 = onnx.node "Transpose" opset 20 (%nz0) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice0 = onnx.node "Squeeze" opset 20 (%choice_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s0 = onnx.node "Slice" opset 20 (%nzt0, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok0 = onnx.node "Squeeze" opset 20 (%tok_s0, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg0 = onnx.node "Sigmoid" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Mul" opset 20 (%sg0, %h0) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %m1 = onnx.node "Gather" opset 20 (%per_expert, %e1) {axis = 0 : i64} : (tensor<2x2x4xi64>, tensor<i64>) -> tensor<2x4xi64>
  %nz1 = onnx.node "NonZero" opset 20 (%m1) {} : (tensor<2x4xi64>) -> tensor<2x?xi64>
  %nzt1 = onnx.node "Transpose" opset 20 (%nz1) {perm = array<i64: 1, 0>} : (tensor<2x?xi64>) -> tensor<?x2xi64>
  %choice_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax0, %ax1, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %choice1 = onnx.node "Squeeze" opset 20 (%choice_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_s1 = onnx.node "Slice" opset 20 (%nzt1, %ax1, %ax2, %ax1) {} : (tensor<?x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %tok1 = onnx.node "Squeeze" opset 20 (%tok_s1, %ax1) {} : (tensor<?x1xi64>, tensor<1xi64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>) -> tensor<?x6xf32>
  %sg1 = onnx.node "Sigmoid" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Mul" opset 20 (%sg1, %h1) {} : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 1 gathers x along axis 1
// (feature columns, [H, n]) and reshapes that to [n, H]; those are not
// token rows.
// CHECK-LABEL: func @gather_x_axis1
// CHECK-NOT: sy.route
// CHECK: onnx.node "Gather" opset 20 (%arg0, %{{.*}}) {axis = 0 : i64}
// CHECK: onnx.node "Gather" opset 20 (%arg0, %{{.*}}) {axis = 1 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<4x?xf32>
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @gather_x_axis1(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %rows_shape = arith.constant dense<[-1, 4]> : tensor<2xi64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %cols1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 1 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<4x?xf32>
  %rows1 = onnx.node "Reshape" opset 20 (%cols1, %rows_shape) {} : (tensor<4x?xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): the expert ids come from the TopK
// over %logits but the routing weights from a second TopK over %logits2.
// CHECK-LABEL: func @weights_other_router
// CHECK-NOT: sy.route
// CHECK: %[[T1:[0-9]+]]:2 = onnx.node "TopK"
// CHECK: %[[T2:[0-9]+]]:2 = onnx.node "TopK"
// CHECK: onnx.node "Unsqueeze" opset 20 (%[[T2]]#0, %{{.*}})
// CHECK: onnx.node "Equal" opset 20 (%[[T1]]#1, %{{.*}})
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @weights_other_router(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>, %logits2: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %probs2 = onnx.node "Softmax" opset 20 (%logits2) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top2:2 = onnx.node "TopK" opset 20 (%probs2, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top2#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Relu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}

// -----

// Near miss (of @equal_gather_relu_bias): expert 0 is relu, expert 1 gelu; one
// grouped_matmul has one activation.
// CHECK-LABEL: func @mixed_activations
// CHECK-NOT: sy.route
// CHECK: onnx.node "Relu"
// CHECK: onnx.node "Gelu"
// CHECK: onnx.node "ScatterND"
// CHECK-NOT: sy.route
func.func @mixed_activations(%x: tensor<4x4xf32>, %logits: tensor<4x2xf32>) -> tensor<4x4xf32> {
  %last = arith.constant dense<-1> : tensor<1xi64>
  %k = arith.constant dense<2> : tensor<1xi64>
  %acc = arith.constant dense<0.000000e+00> : tensor<4x4xf32>
  %e0 = arith.constant dense<0> : tensor<i64>
  %tok_row = arith.constant dense<0> : tensor<i64>
  %choice_row = arith.constant dense<1> : tensor<i64>
  %w1_0 = arith.constant dense<0.1> : tensor<6x4xf32>
  %b1_0 = arith.constant dense<1.0> : tensor<6xf32>
  %w2_0 = arith.constant dense<0.5> : tensor<4x6xf32>
  %b2_0 = arith.constant dense<-1.0> : tensor<4xf32>
  %e1 = arith.constant dense<1> : tensor<i64>
  %w1_1 = arith.constant dense<0.2> : tensor<6x4xf32>
  %b1_1 = arith.constant dense<2.0> : tensor<6xf32>
  %w2_1 = arith.constant dense<1.0> : tensor<4x6xf32>
  %b2_1 = arith.constant dense<-2.0> : tensor<4xf32>
  %probs = onnx.node "Softmax" opset 20 (%logits) {axis = -1 : i64} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %top:2 = onnx.node "TopK" opset 20 (%probs, %k) {axis = -1 : i64} : (tensor<4x2xf32>, tensor<1xi64>) -> (tensor<4x2xf32>, tensor<4x2xi64>)
  %w3 = onnx.node "Unsqueeze" opset 20 (%top#0, %last) {} : (tensor<4x2xf32>, tensor<1xi64>) -> tensor<4x2x1xf32>
  %eq0 = onnx.node "Equal" opset 20 (%top#1, %e0) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz0 = onnx.node "NonZero" opset 20 (%eq0) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok0 = onnx.node "Gather" opset 20 (%nz0, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice0 = onnx.node "Gather" opset 20 (%nz0, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col0 = onnx.node "Unsqueeze" opset 20 (%tok0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows0 = onnx.node "Gather" opset 20 (%x, %tok0) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col0 = onnx.node "Unsqueeze" opset 20 (%choice0, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi0 = onnx.node "Concat" opset 20 (%tok_col0, %choice_col0) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel0 = onnx.node "GatherND" opset 20 (%w3, %wi0) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h0 = onnx.node "Gemm" opset 20 (%rows0, %w1_0, %b1_0) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a0 = onnx.node "Relu" opset 20 (%h0) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo0 = onnx.node "Gemm" opset 20 (%a0, %w2_0, %b2_0) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p0 = onnx.node "Mul" opset 20 (%eo0, %wsel0) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out0 = onnx.node "ScatterND" opset 20 (%acc, %tok_col0, %p0) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  %eq1 = onnx.node "Equal" opset 20 (%top#1, %e1) {} : (tensor<4x2xi64>, tensor<i64>) -> tensor<4x2xi1>
  %nz1 = onnx.node "NonZero" opset 20 (%eq1) {} : (tensor<4x2xi1>) -> tensor<2x?xi64>
  %tok1 = onnx.node "Gather" opset 20 (%nz1, %tok_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %choice1 = onnx.node "Gather" opset 20 (%nz1, %choice_row) {axis = 0 : i64} : (tensor<2x?xi64>, tensor<i64>) -> tensor<?xi64>
  %tok_col1 = onnx.node "Unsqueeze" opset 20 (%tok1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %rows1 = onnx.node "Gather" opset 20 (%x, %tok1) {axis = 0 : i64} : (tensor<4x4xf32>, tensor<?xi64>) -> tensor<?x4xf32>
  %choice_col1 = onnx.node "Unsqueeze" opset 20 (%choice1, %last) {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %wi1 = onnx.node "Concat" opset 20 (%tok_col1, %choice_col1) {axis = -1 : i64} : (tensor<?x1xi64>, tensor<?x1xi64>) -> tensor<?x2xi64>
  %wsel1 = onnx.node "GatherND" opset 20 (%w3, %wi1) {} : (tensor<4x2x1xf32>, tensor<?x2xi64>) -> tensor<?x1xf32>
  %h1 = onnx.node "Gemm" opset 20 (%rows1, %w1_1, %b1_1) {transB = 1 : i64} : (tensor<?x4xf32>, tensor<6x4xf32>, tensor<6xf32>) -> tensor<?x6xf32>
  %a1 = onnx.node "Gelu" opset 20 (%h1) {} : (tensor<?x6xf32>) -> tensor<?x6xf32>
  %eo1 = onnx.node "Gemm" opset 20 (%a1, %w2_1, %b2_1) {transB = 1 : i64} : (tensor<?x6xf32>, tensor<4x6xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %p1 = onnx.node "Mul" opset 20 (%eo1, %wsel1) {} : (tensor<?x4xf32>, tensor<?x1xf32>) -> tensor<?x4xf32>
  %out = onnx.node "ScatterND" opset 20 (%out0, %tok_col1, %p1) {reduction = "add"} : (tensor<4x4xf32>, tensor<?x1xi64>, tensor<?x4xf32>) -> tensor<4x4xf32>
  return %out : tensor<4x4xf32>
}
