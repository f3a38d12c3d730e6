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
// CHECK: %[[TB:.*]] = bufferization.to_buffer %[[TABLE]] read_only : tensor<4x13xi64> to memref<4x13xi64>
// CHECK: %[[B0:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x1x1xf32>
// CHECK: memref.extract_strided_metadata %[[B0]]
// CHECK: %[[S0:.*]] = arith.addi
// CHECK: %[[A0:.*]] = arith.index_cast %[[S0]] : index to i64
// CHECK: %[[B1:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x6x4xf32>
// CHECK: memref.extract_strided_metadata %[[B1]]
// CHECK: %[[S1:.*]] = arith.addi
// CHECK: %[[A1:.*]] = arith.index_cast %[[S1]] : index to i64
// CHECK: %[[B2:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x6x3xf32>
// CHECK: memref.extract_strided_metadata %[[B2]]
// CHECK: %[[S2:.*]] = arith.addi
// CHECK: %[[A2:.*]] = arith.index_cast %[[S2]] : index to i64
// CHECK: %[[B3:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x2x3xf32>
// CHECK: memref.extract_strided_metadata %[[B3]]
// CHECK: %[[S3:.*]] = arith.addi
// CHECK: %[[A3:.*]] = arith.index_cast %[[S3]] : index to i64
// CHECK: %[[ADDRS:.*]] = memref.alloca() : memref<4xi64>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.store %[[A0]], %[[ADDRS]][%[[C0]]] : memref<4xi64>
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: memref.store %[[A1]], %[[ADDRS]][%[[C1]]] : memref<4xi64>
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: memref.store %[[A2]], %[[ADDRS]][%[[C2]]] : memref<4xi64>
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

// -----

// sy.upsample_concat: one sy_ukernel_upsample_concat call with N, H, W, the
// input count, a constant [inputs x 3] i64 table of each input's C, h, w,
// the address of a stack [inputs x 3] i64 array (per input: its address,
// then its taps and weights, or 0, 0 for an input already H x W) and the
// result. The taps of the 2x2 -> 4x4 half_pixel input, rows then columns,
// (lo, hi) per output index: x_src = (x + 0.5) / 2 - 0.5 = -0.25, 0.25,
// 0.75, 1.25, so lo = floor = -1, 0, 0, 1 and hi = lo + 1, clamped into
// [0, 1]; weights (1 - r, r) with r = 0.75, 0.25, 0.75, 0.25.
// CHECK: func.func private @sy_ukernel_upsample_concat(i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @upsample_concat
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[A:.*]]: tensor<1x3x2x2xf32>)
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x2x4x4xf32> to memref<1x2x4x4xf32>
// CHECK: memref.extract_strided_metadata %[[XB]]
// CHECK: %[[XS:.*]] = arith.addi
// CHECK: %[[XA:.*]] = arith.index_cast %[[XS]] : index to i64
// CHECK: %[[Z1:.*]] = arith.constant 0 : i64
// CHECK: %[[Z2:.*]] = arith.constant 0 : i64
// CHECK: %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only : tensor<1x3x2x2xf32> to memref<1x3x2x2xf32>
// CHECK: memref.extract_strided_metadata %[[AB]]
// CHECK: %[[AS:.*]] = arith.addi
// CHECK: %[[AA:.*]] = arith.index_cast %[[AS]] : index to i64
// CHECK: %[[TAPS:.*]] = arith.constant dense<[0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1]> : tensor<16xi64>
// CHECK: %[[TB:.*]] = bufferization.to_buffer %[[TAPS]] read_only : tensor<16xi64> to memref<16xi64>
// CHECK: memref.extract_strided_metadata %[[TB]]
// CHECK: %[[TS:.*]] = arith.addi
// CHECK: %[[TA:.*]] = arith.index_cast %[[TS]] : index to i64
// CHECK: %[[WTS:.*]] = arith.constant dense<[2.500000e-01, 7.500000e-01, 7.500000e-01, 2.500000e-01, 2.500000e-01, 7.500000e-01, 7.500000e-01, 2.500000e-01, 2.500000e-01, 7.500000e-01, 7.500000e-01, 2.500000e-01, 2.500000e-01, 7.500000e-01, 7.500000e-01, 2.500000e-01]> : tensor<16xf32>
// CHECK: %[[WB:.*]] = bufferization.to_buffer %[[WTS]] read_only : tensor<16xf32> to memref<16xf32>
// CHECK: memref.extract_strided_metadata %[[WB]]
// CHECK: %[[WS:.*]] = arith.addi
// CHECK: %[[WA:.*]] = arith.index_cast %[[WS]] : index to i64
// CHECK: %[[SHAPES:.*]] = arith.constant dense<{{\[\[}}2, 4, 4], [3, 2, 2]]> : tensor<2x3xi64>
// CHECK: %[[SB:.*]] = bufferization.to_buffer %[[SHAPES]] read_only : tensor<2x3xi64> to memref<2x3xi64>
// CHECK: %[[PTRS:.*]] = memref.alloca() : memref<2x3xi64>
// CHECK: memref.store %[[XA]], %[[PTRS]][%c0{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: memref.store %[[Z1]], %[[PTRS]][%c0{{(_[0-9]+)?}}, %c1{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: memref.store %[[Z2]], %[[PTRS]][%c0{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: memref.store %[[AA]], %[[PTRS]][%c1{{(_[0-9]+)?}}, %c0{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: memref.store %[[TA]], %[[PTRS]][%c1{{(_[0-9]+)?}}, %c1{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: memref.store %[[WA]], %[[PTRS]][%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}] : memref<2x3xi64>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x5x4x4xf32>
// CHECK: %[[N:.*]] = arith.constant 1 : i64
// CHECK: %[[H:.*]] = arith.constant 4 : i64
// CHECK: %[[W:.*]] = arith.constant 4 : i64
// CHECK: %[[NIN:.*]] = arith.constant 2 : i64
// CHECK: memref.extract_strided_metadata %[[SB]]
// CHECK: %[[SS:.*]] = arith.addi
// CHECK: %[[SA:.*]] = arith.index_cast %[[SS]] : index to i64
// CHECK: memref.extract_strided_metadata %[[PTRS]]
// CHECK: %[[PS:.*]] = arith.addi
// CHECK: %[[PA:.*]] = arith.index_cast %[[PS]] : index to i64
// CHECK: memref.extract_strided_metadata %[[OUT]]
// CHECK: %[[OS:.*]] = arith.addi
// CHECK: %[[OA:.*]] = arith.index_cast %[[OS]] : index to i64
// CHECK: call @sy_ukernel_upsample_concat(%[[N]], %[[H]], %[[W]], %[[NIN]], %[[SA]], %[[PA]], %[[OA]]) : (i64, i64, i64, i64, i64, i64, i64) -> ()
// CHECK-NOT: call
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x5x4x4xf32> to tensor<1x5x4x4xf32>
// CHECK: return %[[R]]
// CHECK-NOT: sy.upsample_concat
func.func @upsample_concat(%x: tensor<1x2x4x4xf32>, %a: tensor<1x3x2x2xf32>) -> tensor<1x5x4x4xf32> {
  %y = sy.upsample_concat %x, %a coordinates = half_pixel : tensor<1x2x4x4xf32>, tensor<1x3x2x2xf32> -> tensor<1x5x4x4xf32>
  return %y : tensor<1x5x4x4xf32>
}

// -----

// The upsampling kernel computes f32 only.
func.func @upsample_concat_f16(%x: tensor<1x2x4x4xf16>, %a: tensor<1x3x2x2xf16>) -> tensor<1x5x4x4xf16> {
  // expected-error @+1 {{the CPU lowering of sy.upsample_concat needs f32 tensors of static shape, got 'tensor<1x2x4x4xf16>'}}
  %y = sy.upsample_concat %x, %a coordinates = half_pixel : tensor<1x2x4x4xf16>, tensor<1x3x2x2xf16> -> tensor<1x5x4x4xf16>
  return %y : tensor<1x5x4x4xf16>
}
