// sy.pyramid_pool becomes one call to the runtime's sy_ukernel_pyramid_pool
// on buffers wrapped as tensors: a constant [L x 13] i64 table of the levels
// and a stack array of the result buffers' addresses.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --sy-lower-pyramid-to-ukernel | FileCheck %s

// The 13 fields of each level: mode (avg 0, max 1), adaptive, size H/W
// (kernel or bins), strides H/W, pads top/left/bottom/right, flags
// (count_include_pad 1, chained 2; ceil_mode is in the output size), output
// H/W. The kernel gets planes N * C = 16, H = 12, W = 10, the input, the
// level count, the table and the address array.
// CHECK: func.func private @sy_ukernel_pyramid_pool(i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @levels
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x12x10xf32>)
// CHECK: %[[TABLE:.*]] = arith.constant dense<{{\[\[}}0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1], [0, 0, 3, 2, 2, 3, 1, 2, 0, 1, 1, 6, 4], [1, 0, 3, 3, 1, 2, 1, 1, 1, 1, 2, 6, 3], [1, 1, 2, 3, 1, 1, 0, 0, 0, 0, 0, 2, 3]]> : tensor<4x13xi64>
// CHECK: %[[ADDRS:.*]] = memref.alloca() : memref<4xi64>
// CHECK: %[[B0:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x1x1xf32>
// CHECK: memref.extract_strided_metadata %[[B0]]
// CHECK: %[[S0:.*]] = arith.addi
// CHECK: %[[A0:.*]] = arith.index_cast %[[S0]] : index to i64
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.store %[[A0]], %[[ADDRS]][%[[C0]]] : memref<4xi64>
// CHECK: %[[B1:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x6x4xf32>
// CHECK: memref.extract_strided_metadata %[[B1]]
// CHECK: %[[S1:.*]] = arith.addi
// CHECK: %[[A1:.*]] = arith.index_cast %[[S1]] : index to i64
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: memref.store %[[A1]], %[[ADDRS]][%[[C1]]] : memref<4xi64>
// CHECK: %[[B2:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x6x3xf32>
// CHECK: memref.extract_strided_metadata %[[B2]]
// CHECK: %[[S2:.*]] = arith.addi
// CHECK: %[[A2:.*]] = arith.index_cast %[[S2]] : index to i64
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: memref.store %[[A2]], %[[ADDRS]][%[[C2]]] : memref<4xi64>
// CHECK: %[[B3:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x2x3xf32>
// CHECK: memref.extract_strided_metadata %[[B3]]
// CHECK: %[[S3:.*]] = arith.addi
// CHECK: %[[A3:.*]] = arith.index_cast %[[S3]] : index to i64
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: memref.store %[[A3]], %[[ADDRS]][%[[C3]]] : memref<4xi64>
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<2x8x12x10xf32> to memref<2x8x12x10xf32>
// CHECK: %[[PLANES:.*]] = arith.constant 16 : i64
// CHECK: %[[H:.*]] = arith.constant 12 : i64
// CHECK: %[[W:.*]] = arith.constant 10 : i64
// CHECK: memref.extract_strided_metadata %[[IN]]
// CHECK: %[[INS:.*]] = arith.addi
// CHECK: %[[INA:.*]] = arith.index_cast %[[INS]] : index to i64
// CHECK: %[[NL:.*]] = arith.constant 4 : i64
// CHECK: %[[TB:.*]] = bufferization.to_buffer %[[TABLE]] read_only : tensor<4x13xi64> to memref<4x13xi64>
// CHECK: memref.extract_strided_metadata %[[TB]]
// CHECK: %[[TS:.*]] = arith.addi
// CHECK: %[[TA:.*]] = arith.index_cast %[[TS]] : index to i64
// CHECK: memref.extract_strided_metadata %[[ADDRS]]
// CHECK: %[[AS:.*]] = arith.addi
// CHECK: %[[AA:.*]] = arith.index_cast %[[AS]] : index to i64
// CHECK: call @sy_ukernel_pyramid_pool(%[[PLANES]], %[[H]], %[[W]], %[[INA]], %[[NL]], %[[TA]], %[[AA]]) : (i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK-NOT: call
// CHECK: %[[R0:.*]] = bufferization.to_tensor %[[B0]] restrict writable : memref<2x8x1x1xf32> to tensor<2x8x1x1xf32>
// CHECK: %[[R1:.*]] = bufferization.to_tensor %[[B1]] restrict writable : memref<2x8x6x4xf32> to tensor<2x8x6x4xf32>
// CHECK: %[[R2:.*]] = bufferization.to_tensor %[[B2]] restrict writable : memref<2x8x6x3xf32> to tensor<2x8x6x3xf32>
// CHECK: %[[R3:.*]] = bufferization.to_tensor %[[B3]] restrict writable : memref<2x8x2x3xf32> to tensor<2x8x2x3xf32>
// CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
// CHECK-NOT: sy.pyramid_pool
func.func @levels(%x: tensor<2x8x12x10xf32>) -> (tensor<2x8x1x1xf32>, tensor<2x8x6x4xf32>, tensor<2x8x6x3xf32>, tensor<2x8x2x3xf32>) {
  %p:4 = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>, #sy.level<avg kernel = [3, 2] strides = [2, 3] pads = [1, 2, 0, 1] count_include_pad>, #sy.level<max kernel = [3, 3] strides = [1, 2] pads = [1, 1, 1, 1] ceil_mode chained>, #sy.level<max bins = [2, 3]>] : tensor<2x8x12x10xf32> -> tensor<2x8x1x1xf32>, tensor<2x8x6x4xf32>, tensor<2x8x6x3xf32>, tensor<2x8x2x3xf32>
  return %p#0, %p#1, %p#2, %p#3 : tensor<2x8x1x1xf32>, tensor<2x8x6x4xf32>, tensor<2x8x6x3xf32>, tensor<2x8x2x3xf32>
}

// -----

// YOLO's SPPF (chained k5 max pools, flags 2) and an SPP: two calls, one
// declaration.
// CHECK: func.func private @sy_ukernel_pyramid_pool(i64, i64, i64, i64, i64, i64, i64)
// CHECK-NOT: func.func private @sy_ukernel_pyramid_pool
// CHECK-LABEL: func @two_pyramids
// CHECK: arith.constant dense<{{\[\[}}1, 0, 5, 5, 1, 1, 2, 2, 2, 2, 0, 20, 20], [1, 0, 5, 5, 1, 1, 2, 2, 2, 2, 2, 20, 20], [1, 0, 5, 5, 1, 1, 2, 2, 2, 2, 2, 20, 20]]> : tensor<3x13xi64>
// CHECK: call @sy_ukernel_pyramid_pool(%c4_i64{{(_[0-9]+)?}}, %c20_i64{{(_[0-9]+)?}}, %c20_i64{{(_[0-9]+)?}}, %{{.*}}, %c3_i64{{(_[0-9]+)?}}, %{{.*}}, %{{.*}})
// CHECK: arith.constant dense<{{\[\[}}1, 0, 5, 5, 1, 1, 2, 2, 2, 2, 0, 20, 20], [1, 0, 9, 9, 1, 1, 4, 4, 4, 4, 0, 20, 20]]> : tensor<2x13xi64>
// CHECK: call @sy_ukernel_pyramid_pool(%c4_i64{{(_[0-9]+)?}}, %c20_i64{{(_[0-9]+)?}}, %c20_i64{{(_[0-9]+)?}}, %{{.*}}, %c2_i64{{(_[0-9]+)?}}, %{{.*}}, %{{.*}})
// CHECK-NOT: call
// CHECK-NOT: sy.pyramid_pool
func.func @two_pyramids(%x: tensor<1x4x20x20xf32>) -> (tensor<1x4x20x20xf32>, tensor<1x4x20x20xf32>) {
  %a:3 = sy.pyramid_pool %x levels = [#sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>] : tensor<1x4x20x20xf32> -> tensor<1x4x20x20xf32>, tensor<1x4x20x20xf32>, tensor<1x4x20x20xf32>
  %b:2 = sy.pyramid_pool %a#2 levels = [#sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [9, 9] pads = [4, 4, 4, 4]>] : tensor<1x4x20x20xf32> -> tensor<1x4x20x20xf32>, tensor<1x4x20x20xf32>
  return %b#0, %b#1 : tensor<1x4x20x20xf32>, tensor<1x4x20x20xf32>
}

// -----

// The kernel computes f32 only.
func.func @f16(%x: tensor<1x4x8x8xf16>) -> (tensor<1x4x1x1xf16>, tensor<1x4x4x4xf16>) {
  // expected-error @+1 {{the CPU lowering of sy.pyramid_pool needs f32 tensors of static shape, got 'tensor<1x4x8x8xf16>'}}
  %p:2 = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>, #sy.level<max kernel = [2, 2] strides = [2, 2]>] : tensor<1x4x8x8xf16> -> tensor<1x4x1x1xf16>, tensor<1x4x4x4xf16>
  return %p#0, %p#1 : tensor<1x4x1x1xf16>, tensor<1x4x4x4xf16>
}

// -----

// ... of static shape only.
func.func @dynamic_batch(%x: tensor<?x4x8x8xf32>) -> (tensor<?x4x1x1xf32>, tensor<?x4x4x4xf32>) {
  // expected-error @+1 {{the CPU lowering of sy.pyramid_pool needs f32 tensors of static shape, got 'tensor<?x4x8x8xf32>'}}
  %p:2 = sy.pyramid_pool %x levels = [#sy.level<avg bins = [1, 1]>, #sy.level<max kernel = [2, 2] strides = [2, 2]>] : tensor<?x4x8x8xf32> -> tensor<?x4x1x1xf32>, tensor<?x4x4x4xf32>
  return %p#0, %p#1 : tensor<?x4x1x1xf32>, tensor<?x4x4x4xf32>
}
