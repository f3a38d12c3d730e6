// sy-raise-attention on onnxruntime's com.microsoft.SparseAttention: the
// new keys and values go into the KV cache at each batch's past length
// (0 in a prompt, where total_sequence_length equals S, else
// key_total_sequence_lengths - S) and one sy.sparse_attention with those
// offsets attends over the cache under the CSR block layout, causal.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-attention))' | FileCheck %s

// Decoding one token: 4 query heads on 2 KV heads of 16, a cache of 64 in
// blocks of 16 (4 x 4), one layout: block row 2 sees blocks 0 and 2 only,
// the other rows are causal (r + 1 blocks), so the layout is not dense.
// CHECK-LABEL: func @decode
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<2x1x64xf32>, %[[K:[a-z0-9_]+]]: tensor<2x1x32xf32>, %[[V:[a-z0-9_]+]]: tensor<2x1x32xf32>, %[[PK:[a-z0-9_]+]]: tensor<2x2x64x16xf32>, %[[PV:[a-z0-9_]+]]: tensor<2x2x64x16xf32>, %[[T:[a-z0-9_]+]]: tensor<i32>, %[[L:[a-z0-9_]+]]: tensor<2xi32>)
// CHECK: %[[TS:.*]] = tensor.extract %[[T]][]
// The past lengths: select(total == 1, 0, lengths[b] - 1).
// CHECK: %[[PAST:.*]] = linalg.generic
// CHECK: arith.cmpi eq, %[[TS]], %[[ONE:.*]] : i32
// CHECK: tensor.extract %[[L]]
// CHECK: arith.subi %{{.*}}, %[[ONE]] : i32
// CHECK: arith.select
// CHECK: -> tensor<2xi32>
// The caches take the new rows at the (clamped) past length.
// CHECK: %[[NK:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x64x16xf32>)
// CHECK: %[[NV:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x64x16xf32>)
// CHECK: %[[A:.*]] = sy.sparse_attention %{{.*}}, %[[NK]], %[[NV]] query_offsets %[[PAST]] : tensor<2xi32> scale = 2.500000e-01 sparsity = <blocks 16 causal, dense<{{\[\[\[}}true, false, false, false], [true, true, false, false], [true, false, true, false], [true, true, true, true]]]> : tensor<1x4x4xi1>> : tensor<2x4x1x16xf32>, tensor<2x2x64x16xf32>, tensor<2x2x64x16xf32> -> tensor<2x4x1x16xf32>
// CHECK: %[[M:.*]] = linalg.transpose ins(%[[A]] : tensor<2x4x1x16xf32>) outs(%{{.*}} : tensor<2x1x4x16xf32>) permutation = [0, 2, 1, 3]
// CHECK: %[[O:.*]] = tensor.collapse_shape %[[M]] {{\[\[}}0], [1], [2, 3]] : tensor<2x1x4x16xf32> into tensor<2x1x64xf32>
// CHECK: return %[[O]], %[[NK]], %[[NV]]
// CHECK-NOT: onnx.node
func.func @decode(%q: tensor<2x1x64xf32>, %k: tensor<2x1x32xf32>, %v: tensor<2x1x32xf32>, %pk: tensor<2x2x64x16xf32>, %pv: tensor<2x2x64x16xf32>, %t: tensor<i32>, %l: tensor<2xi32>) -> (tensor<2x1x64xf32>, tensor<2x2x64x16xf32>, tensor<2x2x64x16xf32>) {
  %rows = arith.constant dense<[[0, 1, 3, 5, 9]]> : tensor<1x5xi32>
  %cols = arith.constant dense<[[0, 0, 1, 0, 2, 0, 1, 2, 3]]> : tensor<1x9xi32>
  %o, %nk, %nv = onnx.node "SparseAttention" domain "com.microsoft" opset 1 (%q, %k, %v, %pk, %pv, %rows, %cols, %t, %l) {num_heads = 4 : i64, kv_num_heads = 2 : i64, sparse_block_size = 16 : i64} : (tensor<2x1x64xf32>, tensor<2x1x32xf32>, tensor<2x1x32xf32>, tensor<2x2x64x16xf32>, tensor<2x2x64x16xf32>, tensor<1x5xi32>, tensor<1x9xi32>, tensor<i32>, tensor<2xi32>) -> (tensor<2x1x64xf32>, tensor<2x2x64x16xf32>, tensor<2x2x64x16xf32>)
  return %o, %nk, %nv : tensor<2x1x64xf32>, tensor<2x2x64x16xf32>, tensor<2x2x64x16xf32>
}

// -----

// A layout with the full lower triangle's count of blocks is causal
// (onnxruntime's CPU kernel ignores its entries then).
// CHECK-LABEL: func @dense_layout
// CHECK: sy.sparse_attention {{.*}} sparsity = <causal> :
func.func @dense_layout(%q: tensor<1x4x32xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>, %pk: tensor<1x2x32x16xf32>, %pv: tensor<1x2x32x16xf32>, %t: tensor<i32>, %l: tensor<1xi32>) -> tensor<1x4x32xf32> {
  %rows = arith.constant dense<[[0, 1, 3]]> : tensor<1x3xi32>
  %cols = arith.constant dense<[[0, 0, 1]]> : tensor<1x3xi32>
  %o, %nk, %nv = onnx.node "SparseAttention" domain "com.microsoft" opset 1 (%q, %k, %v, %pk, %pv, %rows, %cols, %t, %l) {num_heads = 2 : i64, kv_num_heads = 2 : i64, sparse_block_size = 16 : i64} : (tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x3xi32>, tensor<1x3xi32>, tensor<i32>, tensor<1xi32>) -> (tensor<1x4x32xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
  return %o : tensor<1x4x32xf32>
}

// -----

// The layout must be a constant.
func.func @layout_input(%q: tensor<1x4x32xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>, %pk: tensor<1x2x32x16xf32>, %pv: tensor<1x2x32x16xf32>, %rows: tensor<1x3xi32>, %t: tensor<i32>, %l: tensor<1xi32>) -> tensor<1x4x32xf32> {
  %cols = arith.constant dense<[[0, 0, 1]]> : tensor<1x3xi32>
  // expected-error @+1 {{block_row_indices and block_col_indices must be constants}}
  %o, %nk, %nv = onnx.node "SparseAttention" domain "com.microsoft" opset 1 (%q, %k, %v, %pk, %pv, %rows, %cols, %t, %l) {num_heads = 2 : i64, kv_num_heads = 2 : i64, sparse_block_size = 16 : i64} : (tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>, tensor<1x3xi32>, tensor<1x3xi32>, tensor<i32>, tensor<1xi32>) -> (tensor<1x4x32xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
  return %o : tensor<1x4x32xf32>
}

// -----

// The layout must cover the cache (2 blocks of 16 for 48 positions).
func.func @short_layout(%q: tensor<1x4x32xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>, %pk: tensor<1x2x48x16xf32>, %pv: tensor<1x2x48x16xf32>, %t: tensor<i32>, %l: tensor<1xi32>) -> tensor<1x4x32xf32> {
  %rows = arith.constant dense<[[0, 1, 3]]> : tensor<1x3xi32>
  %cols = arith.constant dense<[[0, 0, 1]]> : tensor<1x3xi32>
  // expected-error @+1 {{the block layout covers 32 positions, fewer than the cache's 48}}
  %o, %nk, %nv = onnx.node "SparseAttention" domain "com.microsoft" opset 1 (%q, %k, %v, %pk, %pv, %rows, %cols, %t, %l) {num_heads = 2 : i64, kv_num_heads = 2 : i64, sparse_block_size = 16 : i64} : (tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>, tensor<1x2x48x16xf32>, tensor<1x2x48x16xf32>, tensor<1x3xi32>, tensor<1x3xi32>, tensor<i32>, tensor<1xi32>) -> (tensor<1x4x32xf32>, tensor<1x2x32x16xf32>, tensor<1x2x32x16xf32>)
  return %o : tensor<1x4x32xf32>
}
