// One instance of every sy op, written exactly as switchyard-opt prints it:
// parsing and printing must give back this file unchanged (comments aside).
// RUN: switchyard-opt %s -o %t
// RUN: grep -v '^//' %s | diff - %t
module {
  func.func @moe(%arg0: tensor<16x64xf32>, %arg1: tensor<16x8xf32>, %arg2: tensor<8xf32>, %arg3: tensor<8x64x256xf32>, %arg4: tensor<8x256xf32>, %arg5: tensor<8x64x128xf32>) -> tensor<16x64xf32> {
    %expert_ids, %weights = sy.route %arg1 correction_bias %arg2 top_k = 2 mode = sigmoid_topk renormalize capacity = 6 renormalize_kept = 1.000000e-03 groups = 4 top_groups = 2 group_score = top2_sum scale = 2.500000e+00 : tensor<16x8xf32>, tensor<8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
    %permuted, %offsets, %inverse = sy.dispatch %arg0, %expert_ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
    %0 = sy.grouped_matmul %permuted, %arg3 offsets %offsets bias %arg4 activation = swiglu : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64>, tensor<8x256xf32> -> tensor<32x128xf32>
    %1 = sy.grouped_matmul %0, %arg5 offsets %offsets rhs_transposed tiles 24 x 64 : tensor<32x128xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x64xf32>
    %2 = sy.combine %1, %inverse, %weights : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
    return %2 : tensor<16x64xf32>
  }
  func.func @moe_scaled(%arg0: tensor<32x128xf32>, %arg1: tensor<8x128x64xf32>, %arg2: tensor<8x64xf32>, %arg3: tensor<9xi64>, %arg4: tensor<16x2xi64>, %arg5: tensor<16x2xf32>) -> tensor<16x64xf32> {
    %0 = sy.dispatch_weights %arg4, %arg5 : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
    %1 = sy.grouped_matmul %arg0, %arg1 offsets %arg3 bias %arg2 row_scale(%0 : tensor<32xf32>) activation = relu tiles 24 x 64 : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64>, tensor<8x64xf32> -> tensor<32x64xf32>
    %2 = sy.combine %1, %arg4 : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
    return %2 : tensor<16x64xf32>
  }
  func.func @moe_fused(%arg0: tensor<16x64xf32>, %arg1: tensor<16x8xf32>, %arg2: tensor<8xf32>) -> (tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>) {
    %expert_ids, %weights, %permuted, %offsets, %inverse = sy.route_dispatch %arg1 correction_bias %arg2 tokens %arg0 top_k = 2 mode = sigmoid_topk renormalize capacity = 6 renormalize_kept = 1.000000e-03 groups = 4 top_groups = 2 group_score = top2_sum scale = 2.500000e+00 : tensor<16x8xf32>, tensor<16x64xf32>, tensor<8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
    return %expert_ids, %weights, %permuted, %offsets, %inverse : tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  }
  func.func @pyr(%arg0: tensor<1x8x13x13xf32>) -> (tensor<1x8x1x1xf32>, tensor<1x8x6x6xf32>, tensor<1x8x7x7xf32>, tensor<1x8x7x7xf32>) {
    %0:4 = sy.pyramid_pool %arg0 levels = [#sy.level<avg bins = [1, 1]>, #sy.level<max bins = [6, 6]>, #sy.level<avg kernel = [5, 5] strides = [2, 2] pads = [2, 2, 2, 2] count_include_pad>, #sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1] ceil_mode chained>] : tensor<1x8x13x13xf32> -> tensor<1x8x1x1xf32>, tensor<1x8x6x6xf32>, tensor<1x8x7x7xf32>, tensor<1x8x7x7xf32>
    return %0#0, %0#1, %0#2, %0#3 : tensor<1x8x1x1xf32>, tensor<1x8x6x6xf32>, tensor<1x8x7x7xf32>, tensor<1x8x7x7xf32>
  }
  func.func @attn(%arg0: tensor<2x8x100x64xf32>, %arg1: tensor<2x2x100x64xf32>, %arg2: tensor<2x2x100x32xf32>, %arg3: tensor<1x1x100x100xf32>) -> (tensor<2x8x100x32xf32>, tensor<2x8x100x32xf32>) {
    %0 = sy.sparse_attention %arg0, %arg1, %arg2 bias %arg3 scale = 1.250000e-01 sparsity = <window [16, 0], global 2> fully_masked_rows = zero : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32>, tensor<1x1x100x100xf32> -> tensor<2x8x100x32xf32>
    %1 = sy.sparse_attention %arg0, %arg1, %arg2 scale = 1.250000e-01 sparsity = <blocks 64, dense<[[[true, false], [true, true]]]> : tensor<1x2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
    return %0, %1 : tensor<2x8x100x32xf32>, tensor<2x8x100x32xf32>
  }
}

