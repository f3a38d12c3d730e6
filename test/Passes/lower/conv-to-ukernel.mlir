// Unit-stride f32 convolutions of one image become calls to the runtime's
// direct-convolution kernel; anything else stays a linalg op.
// RUN: switchyard-opt %s --sy-lower-conv-to-ukernel | FileCheck %s

// CHECK: func.func private @sy_ukernel_conv2d_s1(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @conv3x3
// CHECK-DAG: %[[M:.+]] = arith.constant 5 : i64
// CHECK-DAG: %[[C:.+]] = arith.constant 4 : i64
// CHECK-DAG: %[[K:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[OUT:.+]] = arith.constant 6 : i64
// CHECK-DAG: %[[D:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[HP:.+]] = arith.constant 8 : i64
// CHECK-DAG: %[[Z:.+]] = arith.constant 0 : i64
// CHECK: call @sy_ukernel_conv2d_s1(%[[M]], %[[C]], %[[K]], %[[K]], %[[OUT]], %[[OUT]], %[[D]], %[[D]], %{{.+}}, %{{.+}}, %[[HP]], %[[HP]], %[[Z]], %[[Z]], %[[Z]], %{{.+}}, %[[D]])
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

// The ONNX lowering's padding generic (sy.pad_begin) and bias broadcast
// (sy.conv_bias) fold into the call: the kernel reads the unpadded x with
// pads 1, 2 and adds the bias without accumulating (flags 0); the padded
// buffer and both generics are gone.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bc = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
// CHECK-LABEL: func @padded_with_bias
// CHECK-SAME: (%[[X:.+]]: memref<1x4x6x5xf32>, %[[W:.+]]: memref<5x4x3x3xf32>, %[[B:.+]]: memref<1x5x1x1xf32>, %[[Y:.+]]: memref<1x5x6x7xf32>)
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[H:.+]] = arith.constant 6 : i64
// CHECK-DAG: %[[WD:.+]] = arith.constant 5 : i64
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i64
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK: %[[BASE:.+]], %{{.+}}, %{{.+}}:4, %{{.+}}:4 = memref.extract_strided_metadata %[[X]]
// CHECK: call @sy_ukernel_conv2d_s1({{.+}}, %[[H]], %[[WD]], %[[ONE]], %[[TWO]], %{{.+}}, %{{.+}}, %[[ZERO]])
// CHECK-NOT: linalg.generic
func.func @padded_with_bias(%x: memref<1x4x6x5xf32>, %w: memref<5x4x3x3xf32>, %b: memref<1x5x1x1xf32>, %y: memref<1x5x6x7xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %xp = memref.alloc() : memref<1x4x8x9xf32>
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%xp : memref<1x4x8x9xf32>) attrs = {sy.pad_begin = array<i64: 1, 2>} {
  ^bb0(%out: f32):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<1x4x6x5xf32>
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [#bc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<1x5x1x1xf32>) outs(%y : memref<1x5x6x7xf32>) attrs = {sy.conv_bias} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp, %w : memref<1x4x8x9xf32>, memref<5x4x3x3xf32>) outs(%y : memref<1x5x6x7xf32>)
  memref.dealloc %xp : memref<1x4x8x9xf32>
  return
}

// A zero fill of y folds too (flags 0, no bias). The padded buffer has a
// second reader, so the padding stays and the kernel reads the padded copy.
// CHECK-LABEL: func @padded_copy_still_read
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[EIGHT:.+]] = arith.constant 8 : i64
// CHECK: linalg.generic
// CHECK-NOT: linalg.fill
// CHECK: call @sy_ukernel_conv2d_s1({{.+}}, %[[EIGHT]], %[[EIGHT]], %[[ZERO]], %[[ZERO]], %[[ZERO]], %{{.+}}, %[[ZERO]])
// CHECK: memref.copy
func.func @padded_copy_still_read(%x: memref<1x4x6x6xf32>, %w: memref<5x4x3x3xf32>, %y: memref<1x5x6x6xf32>, %z: memref<1x4x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %xp = memref.alloc() : memref<1x4x8x8xf32>
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      outs(%xp : memref<1x4x8x8xf32>) attrs = {sy.pad_begin = array<i64: 1, 1>} {
  ^bb0(%out: f32):
    %v = memref.load %x[%c0, %c0, %c0, %c0] : memref<1x4x6x6xf32>
    linalg.yield %v : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<1x5x6x6xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xp, %w : memref<1x4x8x8xf32>, memref<5x4x3x3xf32>) outs(%y : memref<1x5x6x6xf32>)
  memref.copy %xp, %z : memref<1x4x8x8xf32> to memref<1x4x8x8xf32>
  return
}
