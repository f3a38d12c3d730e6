// RUN: switchyard-opt %s -split-input-file -verify-diagnostics
// Every verifier and parser error of the sy ops and of #sy.level/#sy.sparsity, one case per rule.
//
// These #sy.sparsity verifier rules cannot be written in the textual syntax
// (the parser never builds such an attribute); they are reached only through
// the C++ builders; covered in test/unit/SyAttrsTest.cpp:
//   * "window bounds apply to 'window' sparsity only"
//   * "a block layout applies to 'blocks' sparsity only"
//   * "'global' does not combine with 'blocks'; put the global rows and
//     columns into the layout"
//   * "'blocks' sparsity needs a layout"

//===----------------------------------------------------------------------===//
// sy.route
//===----------------------------------------------------------------------===//

// logits must be rank 2.
func.func @route_logits_rank(%l: tensor<16x8x1xf32>) {
  // expected-error @+1 {{expected logits of rank 2 [tokens, experts], got rank 3}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8x1xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// top_k is a positive integer (ODS IntPositive).
func.func @route_top_k_zero(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{attribute 'top_k' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %ids, %w = sy.route %l top_k = 0 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x0xi64>, tensor<16x0xf32>
  return
}

// -----

// capacity is a positive integer (ODS IntPositive).
func.func @route_capacity_zero(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{attribute 'capacity' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk capacity = 0 : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// renormalize_kept's floor is finite and not negative.
func.func @route_renormalize_kept_negative(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected a finite renormalize_kept floor >= 0, got -1.000000e+00}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk capacity = 4 renormalize_kept = -1.0 : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// groups is a positive integer (ODS IntPositive).
func.func @route_groups_zero(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{attribute 'groups' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk groups = 0 top_groups = 1 group_score = max : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// top_groups is a positive integer (ODS IntPositive).
func.func @route_top_groups_zero(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{attribute 'top_groups' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk groups = 4 top_groups = 0 group_score = max : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// top_k cannot exceed the number of experts.
func.func @route_top_k_too_large(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected top_k (9) <= number of experts (8)}}
  %ids, %w = sy.route %l top_k = 9 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x9xi64>, tensor<16x9xf32>
  return
}

// -----

// correction_bias has rank 1.
func.func @route_bias_rank(%l: tensor<16x8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{expected correction_bias of rank 1 [8], got rank 2}}
  %ids, %w = sy.route %l correction_bias %b top_k = 2 mode = sigmoid_topk : tensor<16x8xf32>, tensor<1x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// correction_bias has one entry per expert.
func.func @route_bias_shape(%l: tensor<16x8xf32>, %b: tensor<7xf32>) {
  // expected-error @+1 {{expected correction_bias of shape [8], got [7]}}
  %ids, %w = sy.route %l correction_bias %b top_k = 2 mode = sigmoid_topk : tensor<16x8xf32>, tensor<7xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// correction_bias has the element type of logits.
func.func @route_bias_element_type(%l: tensor<16x8xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{expected correction_bias element type 'f16' to match logits element type 'f32'}}
  %ids, %w = sy.route %l correction_bias %b top_k = 2 mode = sigmoid_topk : tensor<16x8xf32>, tensor<8xf16> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// expert_ids is [tokens, top_k].
func.func @route_ids_shape(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected expert_ids of shape [16, 2], got [16, 3]}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x3xi64>, tensor<16x2xf32>
  return
}

// -----

// weights is [tokens, top_k].
func.func @route_weights_shape(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected weights of shape [16, 2], got [8, 2]}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<8x2xf32>
  return
}

// -----

// weights has the element type of logits.
func.func @route_weights_element_type(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected weights element type 'bf16' to match logits element type 'f32'}}
  %ids, %w = sy.route %l top_k = 2 mode = softmax_topk : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xbf16>
  return
}

// -----

// groups, top_groups and group_score come together.
func.func @route_partial_groups(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{group-limited routing needs groups, top_groups and group_score together}}
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk groups = 4 top_groups = 2 : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// top_groups cannot exceed groups.
func.func @route_top_groups_too_large(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected top_groups (5) <= groups (4)}}
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk groups = 4 top_groups = 5 group_score = max : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// groups divides the number of experts.
func.func @route_groups_not_dividing(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected groups (3) to divide the number of experts (8)}}
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk groups = 3 top_groups = 2 group_score = max : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

// -----

// top_k cannot exceed the experts of the top_groups groups (1 group of 2).
func.func @route_top_k_above_eligible(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{expected top_k (3) <= experts in the top_groups groups (2)}}
  %ids, %w = sy.route %l top_k = 3 mode = sigmoid_topk groups = 4 top_groups = 1 group_score = max : tensor<16x8xf32> -> tensor<16x3xi64>, tensor<16x3xf32>
  return
}

// -----

// top2_sum needs at least two experts per group.
func.func @route_top2_sum_single_expert_groups(%l: tensor<16x8xf32>) {
  // expected-error @+1 {{group_score top2_sum needs >= 2 experts per group, got 1}}
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk groups = 8 top_groups = 4 group_score = top2_sum : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// sy.dispatch
//===----------------------------------------------------------------------===//

// -----

// sy.route_dispatch checks the routing rules (top_k <= experts) ...
func.func @route_dispatch_top_k(%l: tensor<16x8xf32>, %x: tensor<16x64xf32>) {
  // expected-error @+1 {{expected top_k (9) <= number of experts (8)}}
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %l tokens %x top_k = 9 mode = softmax_topk : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x9xi64>, tensor<16x9xf32>, tensor<144x64xf32>, tensor<9xi64>, tensor<16x9xi64>
  return
}

// -----

// ... and the dispatch rules, with E from the logits: offsets are [E + 1].
func.func @route_dispatch_offsets(%l: tensor<16x8xf32>, %x: tensor<16x64xf32>) {
  // expected-error @+1 {{expected offsets of shape [9], got [8]}}
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %l tokens %x top_k = 2 mode = softmax_topk : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<8xi64>, tensor<16x2xi64>
  return
}

// -----

// num_experts is a positive integer (ODS IntPositive).
func.func @dispatch_num_experts_zero(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{attribute 'num_experts' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 0 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<1xi64>, tensor<16x2xi64>
  return
}

// -----

// tokens must be rank 2.
func.func @dispatch_tokens_rank(%x: tensor<1024xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{expected tokens of rank 2 [tokens, hidden], got rank 1}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<1024xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return
}

// -----

// expert_ids must be rank 2.
func.func @dispatch_ids_rank(%x: tensor<16x64xf32>, %ids: tensor<32xi64>) {
  // expected-error @+1 {{expected expert_ids of rank 2 [tokens, top_k], got rank 1}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<32xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return
}

// -----

// expert_ids has one row per token.
func.func @dispatch_ids_rows(%x: tensor<16x64xf32>, %ids: tensor<8x2xi64>) {
  // expected-error @+1 {{expected expert_ids rows (8) to match the number of tokens (16)}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<8x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return
}

// -----

// permuted is [tokens * top_k, hidden].
func.func @dispatch_permuted_shape(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{expected permuted of shape [32, 64], got [16, 64]}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return
}

// -----

// permuted has the element type of tokens.
func.func @dispatch_permuted_element_type(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{expected permuted element type 'f16' to match tokens element type 'f32'}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf16>, tensor<9xi64>, tensor<16x2xi64>
  return
}

// -----

// offsets has num_experts + 1 entries.
func.func @dispatch_offsets_shape(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{expected offsets of shape [9], got [8]}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<8xi64>, tensor<16x2xi64>
  return
}

// -----

// inverse is [tokens, top_k].
func.func @dispatch_inverse_shape(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) {
  // expected-error @+1 {{expected inverse of rank 2 [16, 2], got rank 1}}
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<32xi64>
  return
}

//===----------------------------------------------------------------------===//
// sy.grouped_matmul
//===----------------------------------------------------------------------===//

// -----

// lhs must be rank 2.
func.func @gmm_lhs_rank(%a: tensor<32x64x1xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected lhs of rank 2 [rows, K], got rank 3}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64x1xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

// rhs must be rank 3, [experts, K, N].
func.func @gmm_rhs_rank(%a: tensor<32x64xf32>, %w: tensor<64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected rhs of rank 3 [experts, K, N], got rank 2}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64xf32>, tensor<64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

// rhs must be rank 3, [experts, N, K] when transposed.
func.func @gmm_rhs_transposed_rank(%a: tensor<32x64xf32>, %w: tensor<128x64xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected rhs of rank 3 [experts, N, K], got rank 2}}
  %h = sy.grouped_matmul %a, %w offsets %off rhs_transposed : tensor<32x64xf32>, tensor<128x64xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

// offsets must be rank 1.
func.func @gmm_offsets_rank(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<1x9xi64>) {
  // expected-error @+1 {{expected offsets of rank 1 [experts + 1], got rank 2}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<1x9xi64> -> tensor<32x128xf32>
  return
}

// -----

// rhs has the element type of lhs.
func.func @gmm_rhs_element_type(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf16>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected rhs element type 'f16' to match lhs element type 'f32'}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64xf32>, tensor<8x64x128xf16>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

// The result has the element type of lhs.
func.func @gmm_result_element_type(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected result element type 'f64' to match lhs element type 'f32'}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf64>
  return
}

// -----

// lhs columns match the reduction dimension of rhs (dim 2 when transposed).
func.func @gmm_reduction_mismatch(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected lhs columns (64) to match the rhs reduction dimension (128)}}
  %h = sy.grouped_matmul %a, %w offsets %off rhs_transposed : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x64xf32>
  return
}

// -----

// offsets has experts + 1 entries.
func.func @gmm_offsets_length(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<8xi64>) {
  // expected-error @+1 {{expected offsets of length experts + 1 (9), got 8}}
  %h = sy.grouped_matmul %a, %w offsets %off : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<8xi64> -> tensor<32x128xf32>
  return
}

// -----

// bias is [experts, N].
func.func @gmm_bias_shape(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>, %b: tensor<8x64xf32>) {
  // expected-error @+1 {{expected bias of shape [8, 128], got [8, 64]}}
  %h = sy.grouped_matmul %a, %w offsets %off bias %b : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64>, tensor<8x64xf32> -> tensor<32x128xf32>
  return
}

// -----

// bias has the element type of lhs.
func.func @gmm_bias_element_type(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>, %b: tensor<8x128xf16>) {
  // expected-error @+1 {{expected bias element type 'f16' to match lhs element type 'f32'}}
  %h = sy.grouped_matmul %a, %w offsets %off bias %b : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64>, tensor<8x128xf16> -> tensor<32x128xf32>
  return
}

// -----

// A gated activation splits the GEMM columns in halves.
func.func @gmm_swiglu_odd_columns(%a: tensor<32x64xf32>, %w: tensor<8x64x255xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected an even number of GEMM columns for swiglu_interleaved, got 255}}
  %h = sy.grouped_matmul %a, %w offsets %off activation = swiglu_interleaved : tensor<32x64xf32>, tensor<8x64x255xf32>, tensor<9xi64> -> tensor<32x127xf32>
  return
}

// -----

// The result is [rows, N / 2] with swiglu.
func.func @gmm_result_shape(%a: tensor<32x64xf32>, %w: tensor<8x64x256xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected result of shape [32, 128], got [32, 256]}}
  %h = sy.grouped_matmul %a, %w offsets %off activation = swiglu : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64> -> tensor<32x256xf32>
  return
}

// -----

// Tiles come as a pair.
func.func @gmm_tile_rows_alone(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{expected both tile_rows and tile_cols, or neither}}
  %h = sy.grouped_matmul %a, %w offsets %off {tile_rows = 24 : i64} : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

// Tiles are positive.
func.func @gmm_tile_zero(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>) {
  // expected-error @+1 {{attribute 'tile_cols' failed to satisfy constraint}}
  %h = sy.grouped_matmul %a, %w offsets %off tiles 24 x 0 : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

func.func @gmm_row_scale_shape(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>, %s: tensor<16xf32>) {
  // expected-error @+1 {{expected row_scale of shape [32], got [16]}}
  %h = sy.grouped_matmul %a, %w offsets %off row_scale(%s : tensor<16xf32>) : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

func.func @gmm_row_scale_element_type(%a: tensor<32x64xf32>, %w: tensor<8x64x128xf32>, %off: tensor<9xi64>, %s: tensor<32xf16>) {
  // expected-error @+1 {{expected row_scale element type 'f16' to match lhs element type 'f32'}}
  %h = sy.grouped_matmul %a, %w offsets %off row_scale(%s : tensor<32xf16>) : tensor<32x64xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x128xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// sy.dispatch_weights
//===----------------------------------------------------------------------===//

func.func @dispatch_weights_shape(%inv: tensor<16x2xi64>, %w: tensor<16x3xf32>) {
  // expected-error @+1 {{expected weights of shape [16, 2], got [16, 3]}}
  %s = sy.dispatch_weights %inv, %w : tensor<16x2xi64>, tensor<16x3xf32> -> tensor<32xf32>
  return
}

// -----

func.func @dispatch_weights_result_rank(%inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected result of rank 1 [rows], got rank 2}}
  %s = sy.dispatch_weights %inv, %w : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32x1xf32>
  return
}

// -----

func.func @dispatch_weights_result_element_type(%inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected result element type 'f16' to match weights element type 'f32'}}
  %s = sy.dispatch_weights %inv, %w : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf16>
  return
}

//===----------------------------------------------------------------------===//
// sy.combine
//===----------------------------------------------------------------------===//

// -----

// expert_out must be rank 2.
func.func @combine_expert_out_rank(%o: tensor<32xf32>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected expert_out of rank 2 [rows, hidden], got rank 1}}
  %y = sy.combine %o, %inv, %w : tensor<32xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return
}

// -----

// inverse must be rank 2.
func.func @combine_inverse_rank(%o: tensor<32x64xf32>, %inv: tensor<32xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected inverse of rank 2 [tokens, top_k], got rank 1}}
  %y = sy.combine %o, %inv, %w : tensor<32x64xf32>, tensor<32xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return
}

// -----

// weights has the shape of inverse.
func.func @combine_weights_shape(%o: tensor<32x64xf32>, %inv: tensor<16x2xi64>, %w: tensor<16x3xf32>) {
  // expected-error @+1 {{expected weights of shape [16, 2], got [16, 3]}}
  %y = sy.combine %o, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x3xf32> -> tensor<16x64xf32>
  return
}

// -----

// The result is [tokens, hidden].
func.func @combine_result_shape(%o: tensor<32x64xf32>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected result of shape [16, 64], got [32, 64]}}
  %y = sy.combine %o, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32x64xf32>
  return
}

// -----

// The result has the element type of expert_out.
func.func @combine_result_element_type(%o: tensor<32x64xf32>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) {
  // expected-error @+1 {{expected result element type 'f16' to match expert_out element type 'f32'}}
  %y = sy.combine %o, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf16>
  return
}

//===----------------------------------------------------------------------===//
// sy.pyramid_pool
//===----------------------------------------------------------------------===//

// -----

// The input is NCHW.
func.func @pyr_input_rank(%x: tensor<8x13x13xf32>) {
  // expected-error @+1 {{expected input of rank 4 [N, C, H, W], got rank 3}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>] : tensor<8x13x13xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// levels holds #sy.level attributes only (ODS constraint).
func.func @pyr_level_not_a_level(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{attribute 'levels' failed to satisfy constraint: array of #sy.level}}
  %a = sy.pyramid_pool %x levels = [1 : i64] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// At least one level (the custom syntax cannot write zero results; generic form).
func.func @pyr_no_level(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected at least one level}}
  "sy.pyramid_pool"(%x) <{levels = []}> : (tensor<1x8x13x13xf32>) -> ()
  return
}

// -----

// One result per level.
func.func @pyr_result_count(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected one result per level (2), got 1}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>, #sy.level<max bins = [2, 2]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// The first level has no previous level to chain from.
func.func @pyr_first_level_chained(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{level 0 cannot be chained: it has no previous level}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1] chained>] : tensor<1x8x13x13xf32> -> tensor<1x8x13x13xf32>
  return
}

// -----

// A window level's kernel fits the padded spatial size (here of the chained
// level 1's source, the 5x5 result of level 0).
func.func @pyr_kernel_does_not_fit(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{level 1: kernel 7 does not fit spatial dim 0 of size 5 with pads 0+1}}
  %a, %b = sy.pyramid_pool %x levels = [#sy.level<avg bins = [5, 5]>, #sy.level<max kernel = [7, 1] pads = [0, 0, 1, 0] chained>] : tensor<1x8x13x13xf32> -> tensor<1x8x5x5xf32>, tensor<1x8x1x5xf32>
  return
}

// -----

// Each result is rank 4.
func.func @pyr_result_rank(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected result #0 of rank 4 [1, 8, 1, 1], got rank 2}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8xf32>
  return
}

// -----

// Each result has the level's output size (13 + 2 + 2 - 5) / 2 + 1 = 7.
func.func @pyr_result_shape(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected result #1 of shape [1, 8, 7, 7], got [1, 8, 6, 6]}}
  %a, %b = sy.pyramid_pool %x levels = [#sy.level<avg bins = [6, 6]>, #sy.level<avg kernel = [5, 5] strides = [2, 2] pads = [2, 2, 2, 2]>] : tensor<1x8x13x13xf32> -> tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>
  return
}

// -----

// Each result has the element type of the input.
func.func @pyr_result_element_type(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected result #0 element type 'f16' to match input element type 'f32'}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max bins = [1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf16>
  return
}

//===----------------------------------------------------------------------===//
// #sy.level: parser
//===----------------------------------------------------------------------===//

// -----

// The mode is avg or max.
func.func @level_bad_mode(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected pooling mode 'avg' or 'max', got 'min'}}
  %a = sy.pyramid_pool %x levels = [#sy.level<min bins = [1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// Unknown field keyword.
func.func @level_unknown_field(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{unknown #sy.level field 'stride'}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] stride = [1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x11x11xf32>
  return
}

//===----------------------------------------------------------------------===//
// #sy.level: verifier
//===----------------------------------------------------------------------===//

// -----

// Neither bins nor kernel.
func.func @level_neither_bins_nor_kernel(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected exactly one of 'bins' (adaptive level) or 'kernel' (window level)}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max strides = [2, 2]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// Both bins and kernel.
func.func @level_bins_and_kernel(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected exactly one of 'bins' (adaptive level) or 'kernel' (window level)}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [2, 2] kernel = [3, 3]>] : tensor<1x8x13x13xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// Two bin counts (H, W).
func.func @level_bins_count(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected 2 bins (H, W), got 3}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 2, 3]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x2xf32>
  return
}

// -----

// Bin counts are positive.
func.func @level_bins_positive(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected every bin count >= 1, got [0, 2]}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [0, 2]>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x2xf32>
  return
}

// -----

// strides, pads, ceil_mode, count_include_pad and chained are window-level fields.
func.func @level_adaptive_with_window_field(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{strides, pads, ceil_mode, count_include_pad and chained apply to window levels only, not to an adaptive level}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max bins = [2, 2] ceil_mode>] : tensor<1x8x13x13xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// The kernel is 2-d.
func.func @level_kernel_size(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected a 2-d kernel (KH, KW), got 1 values}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3]>] : tensor<1x8x13x13xf32> -> tensor<1x8x11x11xf32>
  return
}

// -----

// Kernel sizes are positive.
func.func @level_kernel_positive(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected kernel sizes >= 1, got [3, 0]}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 0]>] : tensor<1x8x13x13xf32> -> tensor<1x8x11x11xf32>
  return
}

// -----

// Two strides (SH, SW).
func.func @level_strides_count(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected 2 strides (SH, SW), got 1}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] strides = [2]>] : tensor<1x8x13x13xf32> -> tensor<1x8x6x6xf32>
  return
}

// -----

// Strides are positive.
func.func @level_strides_positive(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected strides >= 1, got [0, 1]}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] strides = [0, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x11x11xf32>
  return
}

// -----

// Four pads (top, left, bottom, right).
func.func @level_pads_count(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected 4 pads (top, left, bottom, right), got 2}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] pads = [1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x13x13xf32>
  return
}

// -----

// Pads are non-negative.
func.func @level_pads_non_negative(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{expected pads >= 0, got [1, -1, 1, 1]}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] pads = [1, -1, 1, 1]>] : tensor<1x8x13x13xf32> -> tensor<1x8x13x12xf32>
  return
}

// -----

// count_include_pad is an avg-level field.
func.func @level_count_include_pad_on_max(%x: tensor<1x8x13x13xf32>) {
  // expected-error @+1 {{count_include_pad applies to avg levels only}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1] count_include_pad>] : tensor<1x8x13x13xf32> -> tensor<1x8x13x13xf32>
  return
}

//===----------------------------------------------------------------------===//
// sy.upsample_concat
//===----------------------------------------------------------------------===//

// -----

// The result's channels are the inputs' channels summed.
func.func @upcat_result_channels(%x: tensor<1x2x4x4xf32>, %a: tensor<1x3x2x2xf32>) {
  // expected-error @+1 {{expected 5 result channels (the inputs' sum), got 6}}
  %y = sy.upsample_concat %x, %a coordinates = half_pixel : tensor<1x2x4x4xf32>, tensor<1x3x2x2xf32> -> tensor<1x6x4x4xf32>
  return
}

// -----

// Every input has the result's batch.
func.func @upcat_batch(%x: tensor<1x2x4x4xf32>, %a: tensor<2x3x2x2xf32>) {
  // expected-error @+1 {{input #1 has batch 2, the result 1}}
  %y = sy.upsample_concat %x, %a coordinates = half_pixel : tensor<1x2x4x4xf32>, tensor<2x3x2x2xf32> -> tensor<1x5x4x4xf32>
  return
}

// -----

// Every input is NCHW.
func.func @upcat_input_rank(%x: tensor<1x2x4x4xf32>, %a: tensor<3x2x2xf32>) {
  // expected-error @+1 {{expected input #1 of rank 4 [N, C, h, w], got rank 3}}
  %y = sy.upsample_concat %x, %a coordinates = half_pixel : tensor<1x2x4x4xf32>, tensor<3x2x2xf32> -> tensor<1x5x4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// sy.sparse_attention
//===----------------------------------------------------------------------===//

// -----

// query is [B, HQ, SQ, D].
func.func @attn_query_rank(%q: tensor<8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected query of rank 4 [B, HQ, SQ, D], got rank 3}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// key is [B, HK, SK, D].
func.func @attn_key_rank(%q: tensor<2x8x100x64xf32>, %k: tensor<2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected key of rank 4 [B, HK, SK, D], got rank 3}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// value is [B, HK, SK, DV].
func.func @attn_value_rank(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32x1xf32>) {
  // expected-error @+1 {{expected value of rank 4 [B, HK, SK, DV], got rank 5}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32x1xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// key has the element type of query.
func.func @attn_key_element_type(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf16>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected key element type 'f16' to match query element type 'f32'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf16>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// value has the element type of query.
func.func @attn_value_element_type(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xbf16>) {
  // expected-error @+1 {{expected value element type 'bf16' to match query element type 'f32'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xbf16> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The result has the element type of query.
func.func @attn_result_element_type(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected result element type 'f64' to match query element type 'f32'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf64>
  return
}

// -----

// key and query have the same batch.
func.func @attn_batch_mismatch(%q: tensor<2x8x100x64xf32>, %k: tensor<1x2x100x64xf32>, %v: tensor<1x2x100x32xf32>) {
  // expected-error @+1 {{expected key batch (1) to match query batch (2)}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<1x2x100x64xf32>, tensor<1x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// key and query have the same head size.
func.func @attn_head_size_mismatch(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x32xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected key head size (32) to match query head size (64)}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x32xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// value has the batch, heads and sequence length of key.
func.func @attn_value_shape(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x50x32xf32>) {
  // expected-error @+1 {{expected value of shape [2, 2, 100, ?], got [2, 2, 50, 32]}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x50x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// Query heads are a multiple of key/value heads.
func.func @attn_heads_not_multiple(%q: tensor<2x8x100x64xf32>, %k: tensor<2x3x100x64xf32>, %v: tensor<2x3x100x32xf32>) {
  // expected-error @+1 {{expected query heads (8) to be a multiple of key/value heads (3)}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x3x100x64xf32>, tensor<2x3x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// Zero key/value heads.
func.func @attn_zero_kv_heads(%q: tensor<2x8x100x64xf32>, %k: tensor<2x0x100x64xf32>, %v: tensor<2x0x100x32xf32>) {
  // expected-error @+1 {{expected query heads (8) to be a multiple of key/value heads (0)}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x0x100x64xf32>, tensor<2x0x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// bias is rank 4.
func.func @attn_bias_rank(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %b: tensor<100x100xf32>) {
  // expected-error @+1 {{expected bias of rank 4 [B, HQ, SQ, SK], got rank 2}}
  %0 = sy.sparse_attention %q, %k, %v bias %b scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32>, tensor<100x100xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// bias has the element type of query.
func.func @attn_bias_element_type(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %b: tensor<1x1x100x100xf16>) {
  // expected-error @+1 {{expected bias element type 'f16' to match query element type 'f32'}}
  %0 = sy.sparse_attention %q, %k, %v bias %b scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32>, tensor<1x1x100x100xf16> -> tensor<2x8x100x32xf32>
  return
}

// -----

// bias broadcasts to [B, HQ, SQ, SK].
func.func @attn_bias_broadcast(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %b: tensor<1x1x50x100xf32>) {
  // expected-error @+1 {{expected bias dim 2 (50) to be 1 or 100}}
  %0 = sy.sparse_attention %q, %k, %v bias %b scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32>, tensor<1x1x50x100xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The result is [B, HQ, SQ, DV].
func.func @attn_result_shape(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected result of shape [2, 8, 100, 32], got [2, 8, 100, 64]}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x64xf32>
  return
}

// -----

// The block layout's heads divide HQ.
func.func @attn_layout_heads(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected block layout heads (3) to divide the query heads (8)}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<true> : tensor<3x2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// With query offsets the layout has ceil(SK / B) query blocks.
func.func @attn_offsets_layout_rows(%q: tensor<2x8x1x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %off: tensor<2xi32>) {
  // expected-error @+1 {{expected 2 query blocks of 64 for 100 key positions, layout has 1}}
  %0 = sy.sparse_attention %q, %k, %v query_offsets %off : tensor<2xi32> scale = 0.125 sparsity = <blocks 64 causal, dense<true> : tensor<1x1x2xi1>> : tensor<2x8x1x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x1x32xf32>
  return
}

// -----

// Query offsets are one per batch.
func.func @attn_offsets_shape(%q: tensor<2x8x1x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %off: tensor<3xi32>) {
  // expected-error @+1 {{expected query_offsets of shape [2], got [3]}}
  %0 = sy.sparse_attention %q, %k, %v query_offsets %off : tensor<3xi32> scale = 0.125 sparsity = <causal> : tensor<2x8x1x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x1x32xf32>
  return
}

// -----

// The block layout has ceil(SQ / B) query blocks.
func.func @attn_layout_query_blocks(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected 2 query blocks of 64 for 100 queries, layout has 3}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<true> : tensor<1x3x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The block layout has ceil(SK / B) key blocks.
func.func @attn_layout_key_blocks(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x200x64xf32>, %v: tensor<2x2x200x32xf32>) {
  // expected-error @+1 {{expected 4 key blocks of 64 for 200 keys, layout has 2}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<true> : tensor<1x2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x200x64xf32>, tensor<2x2x200x32xf32> -> tensor<2x8x100x32xf32>
  return
}

//===----------------------------------------------------------------------===//
// #sy.sparsity: parser
//===----------------------------------------------------------------------===//

// -----

// The kind is causal, window or blocks.
func.func @sparsity_bad_kind(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected 'causal', 'window' or 'blocks', got 'dense'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <dense> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The block layout is a dense integer elements attribute.
func.func @sparsity_layout_not_dense_int(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected a dense integer block layout}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<1.0> : tensor<1x2x2xf32>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

//===----------------------------------------------------------------------===//
// #sy.sparsity: verifier
//===----------------------------------------------------------------------===//

// -----

// The number of global tokens is non-negative.
func.func @sparsity_negative_global(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected global >= 0, got -1}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal, global -1> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// Window bounds are non-negative.
func.func @sparsity_negative_window(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected window bounds >= 0, got [16, -1]}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <window [16, -1]> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The block size is positive.
func.func @sparsity_block_size(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected block size >= 1, got 0}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 0, dense<true> : tensor<1x2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The block layout is rank 3.
func.func @sparsity_layout_rank(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected the block layout to be a rank-3 i1 tensor [heads, query blocks, key blocks], got 'tensor<2x2xi1>'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<true> : tensor<2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// The block layout has i1 elements.
func.func @sparsity_layout_element_type(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>) {
  // expected-error @+1 {{expected the block layout to be a rank-3 i1 tensor [heads, query blocks, key blocks], got 'tensor<1x2x2xi8>'}}
  %0 = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<1> : tensor<1x2x2xi8>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return
}

// -----

// count_include_pad has no meaning on an adaptive level.
func.func @level_adaptive_count_include_pad(%x: tensor<1x8x12x12xf32>) -> tensor<1x8x2x2xf32> {
  // expected-error @+1 {{strides, pads, ceil_mode, count_include_pad and chained apply to window levels only}}
  %a = sy.pyramid_pool %x levels = [#sy.level<avg bins = [2, 2] count_include_pad>] : tensor<1x8x12x12xf32> -> tensor<1x8x2x2xf32>
  return %a : tensor<1x8x2x2xf32>
}

// -----

// A #sy.level field may appear once.
func.func @level_duplicate_field(%x: tensor<1x8x12x12xf32>) -> tensor<1x8x12x12xf32> {
  // expected-error @+1 {{duplicate #sy.level field 'kernel'}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] kernel = [5, 5]>] : tensor<1x8x12x12xf32> -> tensor<1x8x12x12xf32>
  return %a : tensor<1x8x12x12xf32>
}

// -----

// An empty list is not the same as an absent field.
func.func @level_empty_list(%x: tensor<1x8x12x12xf32>) -> tensor<1x8x12x12xf32> {
  // expected-error @+1 {{#sy.level field 'strides' must not be empty}}
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [3, 3] strides = [] pads = [1, 1, 1, 1]>] : tensor<1x8x12x12xf32> -> tensor<1x8x12x12xf32>
  return %a : tensor<1x8x12x12xf32>
}

// -----

// Combine weights share the element type of the expert rows.
func.func @combine_weights_element_type(%o: tensor<32x64xf32>, %inverse: tensor<16x2xi64>, %w: tensor<16x2xf16>) -> tensor<16x64xf32> {
  // expected-error @+1 {{expected weights element type 'f16' to match expert_out element type 'f32'}}
  %y = sy.combine %o, %inverse, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf16> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}
