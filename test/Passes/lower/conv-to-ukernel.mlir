// Unit-stride f32 convolutions of one image become calls to the runtime's
// direct-convolution kernel; anything else stays a linalg op.
// RUN: switchyard-opt %s --sy-lower-conv-to-ukernel | FileCheck %s

// CHECK: func.func private @sy_ukernel_conv2d_s1(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @conv3x3
// CHECK-DAG: %[[M:.+]] = arith.constant 5 : i64
// CHECK-DAG: %[[C:.+]] = arith.constant 4 : i64
// CHECK-DAG: %[[K:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[OUT:.+]] = arith.constant 6 : i64
// CHECK-DAG: %[[D:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[HP:.+]] = arith.constant 8 : i64
// CHECK: call @sy_ukernel_conv2d_s1(%[[M]], %[[C]], %[[K]], %[[K]], %[[OUT]], %[[OUT]], %[[D]], %[[D]], %{{.+}}, %{{.+}}, %[[HP]], %[[HP]], %{{.+}}, %[[D]])
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv3x3(%x: memref<1x4x8x8xf32>, %w: memref<5x4x3x3xf32>, %y: memref<1x5x6x6xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x8x8xf32>, memref<5x4x3x3xf32>) outs(%y : memref<1x5x6x6xf32>)
  return
}

// Near-misses: stride 2, two images, f64.
// CHECK-LABEL: func @strided
// CHECK: linalg.conv_2d_nchw_fchw
func.func @strided(%x: memref<1x4x9x9xf32>, %w: memref<8x4x3x3xf32>, %y: memref<1x8x4x4xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x9x9xf32>, memref<8x4x3x3xf32>) outs(%y : memref<1x8x4x4xf32>)
  return
}
// CHECK-LABEL: func @two_images
// CHECK: linalg.conv_2d_nchw_fchw
func.func @two_images(%x: memref<2x4x8x8xf32>, %w: memref<8x4x3x3xf32>, %y: memref<2x8x6x6xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<2x4x8x8xf32>, memref<8x4x3x3xf32>) outs(%y : memref<2x8x6x6xf32>)
  return
}
// CHECK-LABEL: func @f64
// CHECK: linalg.conv_2d_nchw_fchw
func.func @f64(%x: memref<1x4x8x8xf64>, %w: memref<8x4x3x3xf64>, %y: memref<1x8x6x6xf64>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x8x8xf64>, memref<8x4x3x3xf64>) outs(%y : memref<1x8x6x6xf64>)
  return
}
