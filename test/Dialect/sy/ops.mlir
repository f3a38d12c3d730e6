// Every sy op parses, verifies and prints back in its custom form; the second
// RUN line goes through the generic form to check nothing is lost there.
// RUN: switchyard-opt %s | switchyard-opt | FileCheck %s
// RUN: switchyard-opt %s --mlir-print-op-generic | switchyard-opt | FileCheck %s

// CHECK-LABEL: func @route_softmax_topk
// CHECK: sy.route %{{.*}} top_k = 2 mode = softmax_topk renormalize : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
func.func @route_softmax_topk(%logits: tensor<16x8xf32>) -> (tensor<16x2xi64>, tensor<16x2xf32>) {
  %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk renormalize : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  return %ids, %w : tensor<16x2xi64>, tensor<16x2xf32>
}

// DeepSeek-V3 routing: sigmoid scores, correction bias, group-limited.
// CHECK-LABEL: func @route_grouped
// CHECK: sy.route %{{.*}} correction_bias %{{.*}} top_k = 8 mode = sigmoid_topk renormalize groups = 8 top_groups = 4 group_score = top2_sum scale = 2.500000e+00
func.func @route_grouped(%logits: tensor<?x256xf32>, %bias: tensor<256xf32>) -> (tensor<?x8xi32>, tensor<?x8xf32>) {
  %ids, %w = sy.route %logits correction_bias %bias top_k = 8 mode = sigmoid_topk renormalize groups = 8 top_groups = 4 group_score = top2_sum scale = 2.5 : tensor<?x256xf32>, tensor<256xf32> -> tensor<?x8xi32>, tensor<?x8xf32>
  return %ids, %w : tensor<?x8xi32>, tensor<?x8xf32>
}

// Switch-style top-1 with capacity.
// CHECK-LABEL: func @route_capacity
// CHECK: sy.route %{{.*}} top_k = 1 mode = topk_softmax capacity = 5 : tensor<32x4xbf16>
func.func @route_capacity(%logits: tensor<32x4xbf16>) -> (tensor<32x1xi64>, tensor<32x1xbf16>) {
  %ids, %w = sy.route %logits top_k = 1 mode = topk_softmax capacity = 5 : tensor<32x4xbf16> -> tensor<32x1xi64>, tensor<32x1xbf16>
  return %ids, %w : tensor<32x1xi64>, tensor<32x1xbf16>
}

// GShard top-2: gates renormalised after dropping, floored at eps.
// CHECK-LABEL: func @route_renormalize_kept
// CHECK: sy.route %{{.*}} top_k = 2 mode = softmax_topk capacity = 5 renormalize_kept = 1.1920929E-7 : tensor<32x4xf32>
func.func @route_renormalize_kept(%logits: tensor<32x4xf32>) -> (tensor<32x2xi64>, tensor<32x2xf32>) {
  %ids, %w = sy.route %logits top_k = 2 mode = softmax_topk capacity = 5 renormalize_kept = 1.1920929E-7 : tensor<32x4xf32> -> tensor<32x2xi64>, tensor<32x2xf32>
  return %ids, %w : tensor<32x2xi64>, tensor<32x2xf32>
}

// CHECK-LABEL: func @dispatch
// CHECK: sy.dispatch %{{.*}}, %{{.*}} num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
func.func @dispatch(%x: tensor<16x64xf32>, %ids: tensor<16x2xi64>) -> (tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>) {
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %rows, %offsets, %inverse : tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
}

// Dynamic token count: permuted rows are dynamic too.
// CHECK-LABEL: func @dispatch_dynamic
// CHECK: sy.dispatch {{.*}} num_experts = 4 : tensor<?x64xf16>, tensor<?x2xi32> -> tensor<?x64xf16>, tensor<5xi32>, tensor<?x2xi32>
func.func @dispatch_dynamic(%x: tensor<?x64xf16>, %ids: tensor<?x2xi32>) -> (tensor<?x64xf16>, tensor<5xi32>, tensor<?x2xi32>) {
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 4 : tensor<?x64xf16>, tensor<?x2xi32> -> tensor<?x64xf16>, tensor<5xi32>, tensor<?x2xi32>
  return %rows, %offsets, %inverse : tensor<?x64xf16>, tensor<5xi32>, tensor<?x2xi32>
}

// CHECK-LABEL: func @grouped_matmul_swiglu
// CHECK: sy.grouped_matmul %{{.*}}, %{{.*}} offsets %{{.*}} bias %{{.*}} activation = swiglu : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64>, tensor<8x256xf32> -> tensor<32x128xf32>
func.func @grouped_matmul_swiglu(%rows: tensor<32x64xf32>, %w: tensor<8x64x256xf32>, %offsets: tensor<9xi64>, %b: tensor<8x256xf32>) -> tensor<32x128xf32> {
  %h = sy.grouped_matmul %rows, %w offsets %offsets bias %b activation = swiglu : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64>, tensor<8x256xf32> -> tensor<32x128xf32>
  return %h : tensor<32x128xf32>
}

// ONNX Runtime's [E, N, K] weight layout; identity is the default and is not
// printed.
// CHECK-LABEL: func @grouped_matmul_transposed
// CHECK: sy.grouped_matmul %{{.*}}, %{{.*}} offsets %{{.*}} rhs_transposed : tensor<32x128xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x64xf32>
// CHECK-NOT: activation
func.func @grouped_matmul_transposed(%h: tensor<32x128xf32>, %w: tensor<8x64x128xf32>, %offsets: tensor<9xi64>) -> tensor<32x64xf32> {
  %o = sy.grouped_matmul %h, %w offsets %offsets rhs_transposed activation = identity : tensor<32x128xf32>, tensor<8x64x128xf32>, tensor<9xi64> -> tensor<32x64xf32>
  return %o : tensor<32x64xf32>
}

// CHECK-LABEL: func @grouped_matmul_gelu
// CHECK: activation = gelu_tanh
func.func @grouped_matmul_gelu(%rows: tensor<?x64xf32>, %w: tensor<4x64x96xf32>, %offsets: tensor<5xi64>) -> tensor<?x96xf32> {
  %h = sy.grouped_matmul %rows, %w offsets %offsets activation = gelu_tanh : tensor<?x64xf32>, tensor<4x64x96xf32>, tensor<5xi64> -> tensor<?x96xf32>
  return %h : tensor<?x96xf32>
}

// CHECK-LABEL: func @combine
// CHECK: sy.combine %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
func.func @combine(%o: tensor<32x64xf32>, %inverse: tensor<16x2xi64>, %w: tensor<16x2xf32>) -> tensor<16x64xf32> {
  %y = sy.combine %o, %inverse, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// The routing weights in dispatched row order, scaling the rows of a
// grouped GEMM (after its bias and activation); the combine then sums.
// CHECK-LABEL: func @row_scaled
// CHECK: %[[S:.*]] = sy.dispatch_weights %{{.*}}, %{{.*}} : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
// CHECK: sy.grouped_matmul %{{.*}}, %{{.*}} offsets %{{.*}} row_scale(%[[S]] : tensor<32xf32>) activation = silu : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
// CHECK: sy.combine %{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
func.func @row_scaled(%h: tensor<32x128xf32>, %w: tensor<8x128x64xf32>, %offsets: tensor<9xi64>, %inverse: tensor<16x2xi64>, %weights: tensor<16x2xf32>) -> tensor<16x64xf32> {
  %s = sy.dispatch_weights %inverse, %weights : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
  %o = sy.grouped_matmul %h, %w offsets %offsets row_scale(%s : tensor<32xf32>) activation = silu : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %y = sy.combine %o, %inverse : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// PSPNet PPM: adaptive bins 1, 2, 3, 6 over a non-divisible 13x13 map.
// CHECK-LABEL: func @pyramid_ppm
// CHECK: sy.pyramid_pool %{{.*}} levels = [#sy.level<avg bins = [1, 1]>, #sy.level<avg bins = [2, 2]>, #sy.level<avg bins = [3, 3]>, #sy.level<avg bins = [6, 6]>]
func.func @pyramid_ppm(%x: tensor<2x16x13x13xf32>) -> (tensor<2x16x1x1xf32>, tensor<2x16x2x2xf32>, tensor<2x16x3x3xf32>, tensor<2x16x6x6xf32>) {
  %a, %b, %c, %d = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>, #sy.level<avg bins = [2, 2]>, #sy.level<avg bins = [3, 3]>, #sy.level<avg bins = [6, 6]>] : tensor<2x16x13x13xf32> -> tensor<2x16x1x1xf32>, tensor<2x16x2x2xf32>, tensor<2x16x3x3xf32>, tensor<2x16x6x6xf32>
  return %a, %b, %c, %d : tensor<2x16x1x1xf32>, tensor<2x16x2x2xf32>, tensor<2x16x3x3xf32>, tensor<2x16x6x6xf32>
}

// DDRNet DAPPM windows on 16x32: k5s2p2 -> 8x16, k9s4p4 -> 4x8, k17s8p8 -> 2x4.
// CHECK-LABEL: func @pyramid_dappm
// CHECK: #sy.level<avg kernel = [5, 5] strides = [2, 2] pads = [2, 2, 2, 2] count_include_pad>
// CHECK-SAME: #sy.level<avg kernel = [17, 17] strides = [8, 8] pads = [8, 8, 8, 8] count_include_pad>
func.func @pyramid_dappm(%x: tensor<1x32x16x32xf32>) -> (tensor<1x32x8x16xf32>, tensor<1x32x4x8xf32>, tensor<1x32x2x4xf32>, tensor<1x32x1x1xf32>) {
  %a, %b, %c, %d = sy.pyramid_pool %x levels = [#sy.level<avg kernel = [5, 5] strides = [2, 2] pads = [2, 2, 2, 2] count_include_pad>, #sy.level<avg kernel = [9, 9] strides = [4, 4] pads = [4, 4, 4, 4] count_include_pad>, #sy.level<avg kernel = [17, 17] strides = [8, 8] pads = [8, 8, 8, 8] count_include_pad>, #sy.level<avg bins = [1, 1]>] : tensor<1x32x16x32xf32> -> tensor<1x32x8x16xf32>, tensor<1x32x4x8xf32>, tensor<1x32x2x4xf32>, tensor<1x32x1x1xf32>
  return %a, %b, %c, %d : tensor<1x32x8x16xf32>, tensor<1x32x4x8xf32>, tensor<1x32x2x4xf32>, tensor<1x32x1x1xf32>
}

// YOLO SPPF: three chained k5 s1 p2 max pools; ceil_mode on an odd size.
// CHECK-LABEL: func @pyramid_sppf
// CHECK: #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>
// CHECK-LABEL: func @pyramid_ceil
// CHECK: #sy.level<max kernel = [2, 2] strides = [2, 2] ceil_mode>
func.func @pyramid_sppf(%x: tensor<1x8x20x20xf32>) -> (tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>) {
  %a, %b, %c = sy.pyramid_pool %x levels = [#sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>] : tensor<1x8x20x20xf32> -> tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>
  return %a, %b, %c : tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>
}
func.func @pyramid_ceil(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x4x4xf32> {
  %a = sy.pyramid_pool %x levels = [#sy.level<max kernel = [2, 2] strides = [2, 2] ceil_mode>] : tensor<1x8x7x7xf32> -> tensor<1x8x4x4xf32>
  return %a : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func @attention_causal
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} scale = 1.250000e-01 sparsity = <causal> : tensor<1x4x128x64xf32>
// CHECK-NOT: fully_masked_rows
func.func @attention_causal(%q: tensor<1x4x128x64xf32>, %k: tensor<1x4x128x64xf32>, %v: tensor<1x4x128x64xf32>) -> tensor<1x4x128x64xf32> {
  %o = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <causal> fully_masked_rows = nan : tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32>, tensor<1x4x128x64xf32> -> tensor<1x4x128x64xf32>
  return %o : tensor<1x4x128x64xf32>
}

// Grouped-query heads (8 query heads over 2 key/value heads), a sliding
// window with global tokens, a broadcast bias.
// CHECK-LABEL: func @attention_window
// CHECK: bias %{{.*}} scale = 1.250000e-01 sparsity = <window [16, 0], global 2> fully_masked_rows = zero
func.func @attention_window(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>, %v: tensor<2x2x100x32xf32>, %bias: tensor<1x1x100x100xf32>) -> tensor<2x8x100x32xf32> {
  %o = sy.sparse_attention %q, %k, %v bias %bias scale = 0.125 sparsity = <window [16, 0], global 2> fully_masked_rows = zero : tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>, tensor<2x2x100x32xf32>, tensor<1x1x100x100xf32> -> tensor<2x8x100x32xf32>
  return %o : tensor<2x8x100x32xf32>
}

// 100 positions in blocks of 64: 2 query blocks x 2 key blocks (last partial).
// CHECK-LABEL: func @attention_blocks
// CHECK: sparsity = <blocks 64, dense<{{\[\[\[}}true, false], [true, true]]]> : tensor<1x2x2xi1>>
func.func @attention_blocks(%q: tensor<2x8x100x64xf32>, %k: tensor<2x8x100x64xf32>, %v: tensor<2x8x100x64xf32>) -> tensor<2x8x100x64xf32> {
  %o = sy.sparse_attention %q, %k, %v scale = 0.125 sparsity = <blocks 64, dense<[[[true, false], [true, true]]]> : tensor<1x2x2xi1>> : tensor<2x8x100x64xf32>, tensor<2x8x100x64xf32>, tensor<2x8x100x64xf32> -> tensor<2x8x100x64xf32>
  return %o : tensor<2x8x100x64xf32>
}

// A KV cache of 128 positions with one new query per batch (decoding):
// causal blocks of 64, two layouts used by heads in turn.
// CHECK-LABEL: func @attention_kv_cache
// CHECK: sy.sparse_attention %{{.*}}, %{{.*}}, %{{.*}} query_offsets %{{.*}} : tensor<2xi32> scale = 1.250000e-01 sparsity = <blocks 64 causal, dense<{{.*}}> : tensor<2x2x2xi1>> : tensor<2x4x1x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32> -> tensor<2x4x1x64xf32>
func.func @attention_kv_cache(%q: tensor<2x4x1x64xf32>, %k: tensor<2x2x128x64xf32>, %v: tensor<2x2x128x64xf32>, %off: tensor<2xi32>) -> tensor<2x4x1x64xf32> {
  %o = sy.sparse_attention %q, %k, %v query_offsets %off : tensor<2xi32> scale = 0.125 sparsity = <blocks 64 causal, dense<[[[true, false], [true, true]], [[true, false], [false, true]]]> : tensor<2x2x2xi1>> : tensor<2x4x1x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32> -> tensor<2x4x1x64xf32>
  return %o : tensor<2x4x1x64xf32>
}

// CHECK-LABEL: func @route_dispatch
// CHECK: sy.route_dispatch %{{.*}} correction_bias %{{.*}} tokens %{{.*}} top_k = 2 mode = sigmoid_topk renormalize capacity = 6 scale = 2.500000e+00 : tensor<16x8xf32>, tensor<16x64xf32>, tensor<8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
func.func @route_dispatch(%logits: tensor<16x8xf32>, %bias: tensor<8xf32>, %x: tensor<16x64xf32>) -> tensor<9xi64> {
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %logits correction_bias %bias tokens %x top_k = 2 mode = sigmoid_topk renormalize capacity = 6 scale = 2.5 : tensor<16x8xf32>, tensor<16x64xf32>, tensor<8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %off : tensor<9xi64>
}
