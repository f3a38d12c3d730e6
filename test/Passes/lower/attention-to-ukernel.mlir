// sy.sparse_attention becomes one call to the runtime's
// sy_ukernel_sparse_attention on buffers wrapped as tensors: a constant
// [19] i64 table of the shapes, sparsity, scale and bias strides, a constant
// i8 table of the block layout (blocks only), and the addresses of q, k, v,
// the bias (or 0), the layout (or 0), the query offsets (or 0) and the
// result.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --sy-lower-attention-to-ukernel | FileCheck %s

// The fields (SY_ATTN_* in lib/Runtime/ukernels/ukernels.h): batch, query
// heads, key heads, SQ, SK, D, DV, kind (causal 0, window 1, blocks 2),
// left, right, global, block, layout heads (1 without a layout), flags
// (4: zero fully masked rows, 8: causal blocks), the f32 bits of the scale (0.125 is
// 0x3E000000 = 1040187392), the bias strides b, h, q, k (0 without a bias).
// A window [3, 0] without bias: the bias and layout addresses are 0.
// CHECK: func.func private @sy_ukernel_sparse_attention(i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @window
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[K:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[V:[a-z0-9_]+]]: tensor<1x2x8x4xf32>)
// CHECK: %[[NOBIAS:.*]] = arith.constant 0 : i64
// CHECK: %[[NOLAYOUT:.*]] = arith.constant 0 : i64
// CHECK: %[[NOOFFSETS:.*]] = arith.constant 0 : i64
// CHECK: %[[PARAMS:.*]] = arith.constant dense<[1, 2, 2, 8, 8, 4, 4, 1, 3, 0, 0, 0, 1, 0, 1040187392, 0, 0, 0, 0]> : tensor<19xi64>
// CHECK: %[[PB:.*]] = bufferization.to_buffer %[[PARAMS]] read_only : tensor<19xi64> to memref<19xi64>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x2x8x4xf32>
// CHECK: memref.extract_strided_metadata %[[PB]]
// CHECK: %[[PS:.*]] = arith.addi
// CHECK: %[[PA:.*]] = arith.index_cast %[[PS]] : index to i64
// CHECK: %[[QB:.*]] = bufferization.to_buffer %[[Q]] read_only : tensor<1x2x8x4xf32> to memref<1x2x8x4xf32>
// CHECK: memref.extract_strided_metadata %[[QB]]
// CHECK: %[[QS:.*]] = arith.addi
// CHECK: %[[QA:.*]] = arith.index_cast %[[QS]] : index to i64
// CHECK: %[[KB:.*]] = bufferization.to_buffer %[[K]] read_only : tensor<1x2x8x4xf32> to memref<1x2x8x4xf32>
// CHECK: memref.extract_strided_metadata %[[KB]]
// CHECK: %[[KS:.*]] = arith.addi
// CHECK: %[[KA:.*]] = arith.index_cast %[[KS]] : index to i64
// CHECK: %[[VB:.*]] = bufferization.to_buffer %[[V]] read_only : tensor<1x2x8x4xf32> to memref<1x2x8x4xf32>
// CHECK: memref.extract_strided_metadata %[[VB]]
// CHECK: %[[VS:.*]] = arith.addi
// CHECK: %[[VA:.*]] = arith.index_cast %[[VS]] : index to i64
// CHECK: memref.extract_strided_metadata %[[OUT]]
// CHECK: %[[OS:.*]] = arith.addi
// CHECK: %[[OA:.*]] = arith.index_cast %[[OS]] : index to i64
// CHECK: call @sy_ukernel_sparse_attention(%[[PA]], %[[QA]], %[[KA]], %[[VA]], %[[NOBIAS]], %[[NOLAYOUT]], %[[NOOFFSETS]], %[[OA]]) : (i64, i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK-NOT: call
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x2x8x4xf32> to tensor<1x2x8x4xf32>
// CHECK: return %[[R]]
// CHECK-NOT: sy.sparse_attention
func.func @window(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = sy.sparse_attention %q, %k, %v scale = 1.250000e-01 sparsity = <window [3, 0]> : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32> -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// Blocks of 4 with one layout per query head (4 query heads reading 2
// key/value heads), a bias broadcast over batch and heads (strides 0, 0,
// 8, 1), fully_masked_rows = zero (flags 4), scale 0.5 (0x3F000000 =
// 1056964608). The layout becomes bytes.
// CHECK: func.func private @sy_ukernel_sparse_attention(i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @blocks_gqa_bias
// CHECK-SAME: (%[[Q:[a-z0-9_]+]]: tensor<1x4x8x4xf32>, %[[K:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[V:[a-z0-9_]+]]: tensor<1x2x8x4xf32>, %[[BIAS:[a-z0-9_]+]]: tensor<1x1x8x8xf32>)
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[BIAS]] read_only : tensor<1x1x8x8xf32> to memref<1x1x8x8xf32>
// CHECK: memref.extract_strided_metadata %[[BB]]
// CHECK: %[[BS:.*]] = arith.addi
// CHECK: %[[BA:.*]] = arith.index_cast %[[BS]] : index to i64
// CHECK: %[[LAYOUT:.*]] = arith.constant dense<{{\[\[\[}}1, 0], [1, 1]], {{\[\[}}1, 1], [0, 1]], {{\[\[}}1, 0], [0, 1]], {{\[\[}}0, 0], [1, 1]]]> : tensor<4x2x2xi8>
// CHECK: %[[LB:.*]] = bufferization.to_buffer %[[LAYOUT]] read_only : tensor<4x2x2xi8> to memref<4x2x2xi8>
// CHECK: memref.extract_strided_metadata %[[LB]]
// CHECK: %[[LS:.*]] = arith.addi
// CHECK: %[[LA:.*]] = arith.index_cast %[[LS]] : index to i64
// CHECK: %[[PARAMS:.*]] = arith.constant dense<[1, 4, 2, 8, 8, 4, 4, 2, 0, 0, 0, 4, 4, 4, 1056964608, 0, 0, 8, 1]> : tensor<19xi64>
// CHECK: %[[PB:.*]] = bufferization.to_buffer %[[PARAMS]] read_only : tensor<19xi64> to memref<19xi64>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x8x4xf32>
// CHECK: memref.extract_strided_metadata %[[PB]]
// CHECK: %[[PS:.*]] = arith.addi
// CHECK: %[[PA:.*]] = arith.index_cast %[[PS]] : index to i64
// CHECK: bufferization.to_buffer %[[Q]] read_only : tensor<1x4x8x4xf32> to memref<1x4x8x4xf32>
// CHECK: bufferization.to_buffer %[[K]] read_only : tensor<1x2x8x4xf32> to memref<1x2x8x4xf32>
// CHECK: bufferization.to_buffer %[[V]] read_only : tensor<1x2x8x4xf32> to memref<1x2x8x4xf32>
// CHECK: call @sy_ukernel_sparse_attention(%[[PA]], %{{.*}}, %{{.*}}, %{{.*}}, %[[BA]], %[[LA]], %{{.*}}, %{{.*}}) : (i64, i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK-NOT: call
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x4x8x4xf32> to tensor<1x4x8x4xf32>
// CHECK: return %[[R]]
// CHECK-NOT: sy.sparse_attention
func.func @blocks_gqa_bias(%q: tensor<1x4x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>, %bias: tensor<1x1x8x8xf32>) -> tensor<1x4x8x4xf32> {
  %o = sy.sparse_attention %q, %k, %v bias %bias scale = 5.000000e-01 sparsity = <blocks 4, dense<[[[true, false], [true, true]], [[true, true], [false, true]], [[true, false], [false, true]], [[false, false], [true, true]]]> : tensor<4x2x2xi1>> fully_masked_rows = zero : tensor<1x4x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x1x8x8xf32> -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// -----

// Every size distinct (batch 2, 2 query heads on 1 key head, SQ 4, SK 8,
// D 8, DV 16) to pin the field order; causal with 2 global tokens, scale
// 0.25 (0x3E800000 = 1048576000); a per-head bias [1, 2, 4, 8]: strides 0,
// 32, 8, 1.
// CHECK-LABEL: func @causal_global_per_head_bias
// CHECK: arith.constant dense<[2, 2, 1, 4, 8, 8, 16, 0, 0, 0, 2, 0, 1, 0, 1048576000, 0, 32, 8, 1]> : tensor<19xi64>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x2x4x16xf32>
// CHECK: call @sy_ukernel_sparse_attention(
// CHECK: bufferization.to_tensor %{{.*}} restrict writable : memref<2x2x4x16xf32> to tensor<2x2x4x16xf32>
// CHECK-NOT: sy.sparse_attention
func.func @causal_global_per_head_bias(%q: tensor<2x2x4x8xf32>, %k: tensor<2x1x8x8xf32>, %v: tensor<2x1x8x16xf32>, %bias: tensor<1x2x4x8xf32>) -> tensor<2x2x4x16xf32> {
  %o = sy.sparse_attention %q, %k, %v bias %bias scale = 2.500000e-01 sparsity = <causal, global 2> : tensor<2x2x4x8xf32>, tensor<2x1x8x8xf32>, tensor<2x1x8x16xf32>, tensor<1x2x4x8xf32> -> tensor<2x2x4x16xf32>
  return %o : tensor<2x2x4x16xf32>
}

// -----

// A KV cache (query_offsets, i32, passed by address) with causal blocks of
// 4: flags 8, one layout for 2 heads over the cache's 8 positions.
// CHECK-LABEL: func @kv_cache_causal_blocks
// CHECK-SAME: %[[OFF:[a-z0-9_]+]]: tensor<2xi32>
// CHECK: %[[OB:.*]] = bufferization.to_buffer %[[OFF]] read_only : tensor<2xi32> to memref<2xi32>
// CHECK: memref.extract_strided_metadata %[[OB]]
// CHECK: %[[OS:.*]] = arith.addi
// CHECK: %[[OA:.*]] = arith.index_cast %[[OS]] : index to i64
// CHECK: arith.constant dense<[2, 2, 1, 1, 8, 4, 4, 2, 0, 0, 0, 4, 1, 8, 1056964608, 0, 0, 0, 0]> : tensor<19xi64>
// CHECK: call @sy_ukernel_sparse_attention(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[OA]], %{{.*}})
func.func @kv_cache_causal_blocks(%q: tensor<2x2x1x4xf32>, %k: tensor<2x1x8x4xf32>, %v: tensor<2x1x8x4xf32>, %off: tensor<2xi32>) -> tensor<2x2x1x4xf32> {
  %o = sy.sparse_attention %q, %k, %v query_offsets %off : tensor<2xi32> scale = 5.000000e-01 sparsity = <blocks 4 causal, dense<[[[true, false], [false, true]]]> : tensor<1x2x2xi1>> : tensor<2x2x1x4xf32>, tensor<2x1x8x4xf32>, tensor<2x1x8x4xf32> -> tensor<2x2x1x4xf32>
  return %o : tensor<2x2x1x4xf32>
}

// -----

// Static shapes only.
func.func @dynamic_batch(%q: tensor<?x2x8x4xf32>, %k: tensor<?x2x8x4xf32>, %v: tensor<?x2x8x4xf32>) -> tensor<?x2x8x4xf32> {
  // expected-error @+1 {{the CPU lowering of sy.sparse_attention needs f32 tensors of static shape, got 'tensor<?x2x8x4xf32>'}}
  %o = sy.sparse_attention %q, %k, %v scale = 1.250000e-01 sparsity = <causal> : tensor<?x2x8x4xf32>, tensor<?x2x8x4xf32>, tensor<?x2x8x4xf32> -> tensor<?x2x8x4xf32>
  return %o : tensor<?x2x8x4xf32>
}

// -----

// The kernel computes f32 only.
func.func @f16(%q: tensor<1x2x8x4xf16>, %k: tensor<1x2x8x4xf16>, %v: tensor<1x2x8x4xf16>) -> tensor<1x2x8x4xf16> {
  // expected-error @+1 {{the CPU lowering of sy.sparse_attention needs f32 tensors of static shape, got 'tensor<1x2x8x4xf16>'}}
  %o = sy.sparse_attention %q, %k, %v scale = 1.250000e-01 sparsity = <causal> : tensor<1x2x8x4xf16>, tensor<1x2x8x4xf16>, tensor<1x2x8x4xf16> -> tensor<1x2x8x4xf16>
  return %o : tensor<1x2x8x4xf16>
}
