// Unit-stride f32 convolutions of one image become calls to the runtime's
// direct-convolution kernel; anything else stays a linalg op.
// RUN: switchyard-opt %s --sy-lower-conv-to-ukernel | FileCheck %s
// RUN: switchyard-opt %s --sy-lower-conv-to-ukernel=winograd=false | FileCheck %s --check-prefix=DIRECT
// RUN: switchyard-opt %s --sy-lower-conv-to-ukernel=winograd-tile=2 | FileCheck %s --check-prefix=TILE2

// CHECK-DAG: memref.global "private" constant @w16_winograd : memref<16x16x16xf32> = dense<"0x0000803F{{[0-9A-F]+}}"> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @w24_panels : memref<24x8xf32> = dense<"0x0000803F0000004000004040{{[0-9A-F]+}}"> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @w20x3_winograd_panels : memref<16x24x16xf32>
// CHECK-DAG: memref.global "private" constant @w16f43_winograd_f43 : memref<36x16x16xf32> = dense<"0x0000803D{{[0-9A-F]+}}"> {alignment = 64 : i64}
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

// 3x3 filters held in a constant global, 16 channels in and out, 7 x 7
// output tiles: Winograd F(2x2, 3x3). The filters are transformed at
// compile time into a [16][M][C] global that replaces the original, which
// nothing reads any more. Its first point, (G g G^T)[0][0] = g[0][0], is
// 1.0 (0x3F800000, little-endian in the hex blob); the numbers themselves
// are checked by the unit and end-to-end tests.
// (The transformed global comes first in the module: checked at the top.)
// CHECK: return
// CHECK-NOT: memref.global "private" constant @w16 :
// CHECK-LABEL: func @winograd
// CHECK-SAME: (%[[X:.+]]: memref<1x16x16x16xf32>, %[[Y:.+]]: memref<1x16x14x14xf32>)
// CHECK-DAG: %[[SIXTEEN:.+]] = arith.constant 16 : i64
// CHECK-DAG: %[[OUT:.+]] = arith.constant 14 : i64
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : i64
// CHECK: memref.get_global @w16_winograd : memref<16x16x16xf32>
// CHECK: call @sy_ukernel_conv2d_winograd(%[[SIXTEEN]], %[[SIXTEEN]], %[[OUT]], %[[OUT]], %{{.+}}, %{{.+}}, %[[SIXTEEN]], %[[SIXTEEN]], %[[ZERO]], %[[ZERO]], %[[ZERO]], %{{.+}}, %[[ONE]])
// DIRECT: memref.global "private" constant @w16 : memref<16x16x3x3xf32>
// DIRECT-NOT: _winograd
// DIRECT-LABEL: func @winograd
// DIRECT: call @sy_ukernel_conv2d_s1
memref.global "private" constant @w16 : memref<16x16x3x3xf32> = dense<1.0>
func.func @winograd(%x: memref<1x16x16x16xf32>, %y: memref<1x16x14x14xf32>) {
  %w = memref.get_global @w16 : memref<16x16x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x16x16xf32>, memref<16x16x3x3xf32>) outs(%y : memref<1x16x14x14xf32>)
  return
}

// 32 x 32 outputs: 64 tiles of 4 x 4 fill two panels, so F(4x4, 3x3) (36
// GEMMs over 64 columns) does less work than F(2x2, 3x3) (16 over 256).
// Its filters (checked at the top): U[0] = g[0][0] / 16 (0x3D800000).
// CHECK-LABEL: func @winograd_f43
// CHECK: memref.get_global @w16f43_winograd_f43 : memref<36x16x16xf32>
// CHECK: call @sy_ukernel_conv2d_winograd_f43(
// TILE2-LABEL: func @winograd_f43
// TILE2: memref.get_global @w16f43_winograd : memref<16x16x16xf32>
// TILE2: call @sy_ukernel_conv2d_winograd(
// DIRECT-LABEL: func @winograd_f43
// DIRECT: call @sy_ukernel_conv2d_s1
memref.global "private" constant @w16f43 : memref<16x16x3x3xf32> = dense<1.0>
func.func @winograd_f43(%x: memref<1x16x34x34xf32>, %y: memref<1x16x32x32xf32>) {
  %w = memref.get_global @w16f43 : memref<16x16x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x34x34xf32>, memref<16x16x3x3xf32>) outs(%y : memref<1x16x32x32xf32>)
  return
}

// Near-misses for Winograd, each left to the direct kernel: weights that
// are an argument, 8 input channels, dilation 2, and 4 x 4 output tiles
// (16 of 32 panel columns used).
// CHECK-LABEL: func @winograd_misses
// CHECK-NOT: sy_ukernel_conv2d_winograd
// CHECK-COUNT-4: call @sy_ukernel_conv2d_s1
// CHECK-NOT: sy_ukernel_conv2d_winograd
// CHECK: return
memref.global "private" constant @w8 : memref<16x8x3x3xf32> = dense<1.0>
memref.global "private" constant @w16b : memref<16x16x3x3xf32> = dense<2.0>
func.func @winograd_misses(%x: memref<1x16x16x16xf32>, %w: memref<16x16x3x3xf32>, %y: memref<1x16x14x14xf32>,
                           %x8: memref<1x8x16x16xf32>, %yd: memref<1x16x12x12xf32>, %xs: memref<1x16x10x10xf32>, %ys: memref<1x16x8x8xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x16x16xf32>, memref<16x16x3x3xf32>) outs(%y : memref<1x16x14x14xf32>)
  %w8 = memref.get_global @w8 : memref<16x8x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x8, %w8 : memref<1x8x16x16xf32>, memref<16x8x3x3xf32>) outs(%y : memref<1x16x14x14xf32>)
  %wb = memref.get_global @w16b : memref<16x16x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %wb : memref<1x16x16x16xf32>, memref<16x16x3x3xf32>) outs(%yd : memref<1x16x12x12xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%xs, %wb : memref<1x16x10x10xf32>, memref<16x16x3x3xf32>) outs(%ys : memref<1x16x8x8xf32>)
  return
}

// Constant filters with enough output channels (24 and 20: rows padded to
// 24 by at most a quarter) are laid out as the GEMM's 12-row micro-panels,
// [ceil(M/12)*12][K] floats with row i, column p at (i/12)*12*K + p*12 +
// i%12, and the call passes SY_UK_A_PANELS (4; 4 + 1 when accumulating).
// @w24's row i holds i + 1 (1.0, 2.0, 3.0 ... in the hex blob: column 0 of
// rows 0, 1, 2 comes first). For Winograd each of the 16 transformed
// matrices is padded to 24 rows. The originals are erased.
// CHECK-NOT: memref.global "private" constant @w24 :
// CHECK-NOT: memref.global "private" constant @w20x3 :
// CHECK-LABEL: func @panels_1x1
// CHECK-DAG: %[[FOUR:.+]] = arith.constant 4 : i64
// CHECK: memref.get_global @w24_panels : memref<24x8xf32>
// CHECK: call @sy_ukernel_conv2d_s1({{.+}}, %[[FOUR]])
// DIRECT-LABEL: func @panels_1x1
// DIRECT: memref.get_global @w24_panels : memref<24x8xf32>
memref.global "private" constant @w24 : memref<24x8x1x1xf32> = dense<[[[[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]]], [[[2.0]], [[2.0]], [[2.0]], [[2.0]], [[2.0]], [[2.0]], [[2.0]], [[2.0]]], [[[3.0]], [[3.0]], [[3.0]], [[3.0]], [[3.0]], [[3.0]], [[3.0]], [[3.0]]], [[[4.0]], [[4.0]], [[4.0]], [[4.0]], [[4.0]], [[4.0]], [[4.0]], [[4.0]]], [[[5.0]], [[5.0]], [[5.0]], [[5.0]], [[5.0]], [[5.0]], [[5.0]], [[5.0]]], [[[6.0]], [[6.0]], [[6.0]], [[6.0]], [[6.0]], [[6.0]], [[6.0]], [[6.0]]], [[[7.0]], [[7.0]], [[7.0]], [[7.0]], [[7.0]], [[7.0]], [[7.0]], [[7.0]]], [[[8.0]], [[8.0]], [[8.0]], [[8.0]], [[8.0]], [[8.0]], [[8.0]], [[8.0]]], [[[9.0]], [[9.0]], [[9.0]], [[9.0]], [[9.0]], [[9.0]], [[9.0]], [[9.0]]], [[[10.0]], [[10.0]], [[10.0]], [[10.0]], [[10.0]], [[10.0]], [[10.0]], [[10.0]]], [[[11.0]], [[11.0]], [[11.0]], [[11.0]], [[11.0]], [[11.0]], [[11.0]], [[11.0]]], [[[12.0]], [[12.0]], [[12.0]], [[12.0]], [[12.0]], [[12.0]], [[12.0]], [[12.0]]], [[[13.0]], [[13.0]], [[13.0]], [[13.0]], [[13.0]], [[13.0]], [[13.0]], [[13.0]]], [[[14.0]], [[14.0]], [[14.0]], [[14.0]], [[14.0]], [[14.0]], [[14.0]], [[14.0]]], [[[15.0]], [[15.0]], [[15.0]], [[15.0]], [[15.0]], [[15.0]], [[15.0]], [[15.0]]], [[[16.0]], [[16.0]], [[16.0]], [[16.0]], [[16.0]], [[16.0]], [[16.0]], [[16.0]]], [[[17.0]], [[17.0]], [[17.0]], [[17.0]], [[17.0]], [[17.0]], [[17.0]], [[17.0]]], [[[18.0]], [[18.0]], [[18.0]], [[18.0]], [[18.0]], [[18.0]], [[18.0]], [[18.0]]], [[[19.0]], [[19.0]], [[19.0]], [[19.0]], [[19.0]], [[19.0]], [[19.0]], [[19.0]]], [[[20.0]], [[20.0]], [[20.0]], [[20.0]], [[20.0]], [[20.0]], [[20.0]], [[20.0]]], [[[21.0]], [[21.0]], [[21.0]], [[21.0]], [[21.0]], [[21.0]], [[21.0]], [[21.0]]], [[[22.0]], [[22.0]], [[22.0]], [[22.0]], [[22.0]], [[22.0]], [[22.0]], [[22.0]]], [[[23.0]], [[23.0]], [[23.0]], [[23.0]], [[23.0]], [[23.0]], [[23.0]], [[23.0]]], [[[24.0]], [[24.0]], [[24.0]], [[24.0]], [[24.0]], [[24.0]], [[24.0]], [[24.0]]]]>
func.func @panels_1x1(%x: memref<1x8x10x10xf32>, %y: memref<1x24x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.get_global @w24 : memref<24x8x1x1xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x24x10x10xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x10x10xf32>, memref<24x8x1x1xf32>) outs(%y : memref<1x24x10x10xf32>)
  return
}

// CHECK-LABEL: func @winograd_panels
// CHECK-DAG: %[[FIVE:.+]] = arith.constant 5 : i64
// CHECK: memref.get_global @w20x3_winograd_panels : memref<16x24x16xf32>
// CHECK: call @sy_ukernel_conv2d_winograd({{.+}}, %[[FIVE]])
// DIRECT-LABEL: func @winograd_panels
// DIRECT: memref.get_global @w20x3_panels : memref<24x144xf32>
// DIRECT: call @sy_ukernel_conv2d_s1
memref.global "private" constant @w20x3 : memref<20x16x3x3xf32> = dense<1.0>
func.func @winograd_panels(%x: memref<1x16x16x16xf32>, %y: memref<1x20x14x14xf32>) {
  %w = memref.get_global @w20x3 : memref<20x16x3x3xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x16x16xf32>, memref<20x16x3x3xf32>) outs(%y : memref<1x20x14x14xf32>)
  return
}

// A BatchNorm + ReLU computed into a 1x1 convolution's input (a generic of
// source * scale[c] + shift[c], then maximumf with 0), nothing else reading
// it: sy_ukernel_conv2d_1x1_affine(M, C, H*W, W, SOURCE, SCALE, SHIFT, BIAS,
// Y, FLAGS) applies it while packing the source, with SY_UK_INPUT_RELU (8)
// in the flags (+ 1: accumulating); the generic and its buffer are gone.
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @bn_relu_1x1
// CHECK-SAME: (%[[X:.+]]: memref<1x8x4x5xf32>, %[[S:.+]]: memref<8xf32>, %[[T:.+]]: memref<8xf32>, %[[W:.+]]: memref<3x8x1x1xf32>, %[[Y:.+]]: memref<1x3x4x5xf32>)
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[M:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[C:.+]] = arith.constant 8 : i64
// CHECK-DAG: %[[HW:.+]] = arith.constant 20 : i64
// CHECK-DAG: %[[FLAGS:.+]] = arith.constant 9 : i64
// CHECK: memref.extract_strided_metadata %[[W]]
// CHECK: memref.extract_strided_metadata %[[X]]
// CHECK: memref.extract_strided_metadata %[[S]]
// CHECK: memref.extract_strided_metadata %[[T]]
// CHECK: call @sy_ukernel_conv2d_1x1_affine(%[[M]], %[[C]], %[[HW]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[FLAGS]])
// CHECK-NOT: linalg
// CHECK: return
func.func @bn_relu_1x1(%x: memref<1x8x4x5xf32>, %s: memref<8xf32>, %t: memref<8xf32>, %w: memref<3x8x1x1xf32>, %y: memref<1x3x4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = memref.alloc() : memref<1x8x4x5xf32>
  linalg.generic {indexing_maps = [#id, #chan, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s, %t : memref<1x8x4x5xf32>, memref<8xf32>, memref<8xf32>) outs(%n : memref<1x8x4x5xf32>) {
  ^bb0(%in: f32, %sc: f32, %sh: f32, %out: f32):
    %a = arith.mulf %sc, %in : f32
    %b = arith.addf %a, %sh : f32
    %r = arith.maximumf %b, %zero : f32
    linalg.yield %r : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%n, %w : memref<1x8x4x5xf32>, memref<3x8x1x1xf32>) outs(%y : memref<1x3x4x5xf32>)
  memref.dealloc %n : memref<1x8x4x5xf32>
  return
}

// Near-misses, each keeping its generic and the plain kernel: the
// normalized buffer read again after the convolution; a 3x3 filter; a
// body that subtracts the shift.
// CHECK-LABEL: func @bn_relu_misses
// CHECK-NOT: sy_ukernel_conv2d_1x1_affine
// CHECK-COUNT-3: call @sy_ukernel_conv2d_s1
// CHECK-NOT: sy_ukernel_conv2d_1x1_affine
// CHECK: return
func.func @bn_relu_misses(%x: memref<1x8x4x5xf32>, %s: memref<8xf32>, %t: memref<8xf32>, %w: memref<3x8x1x1xf32>, %w3: memref<3x8x3x3xf32>, %y: memref<1x3x4x5xf32>, %y3: memref<1x3x2x3xf32>, %z: memref<1x8x4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %n = memref.alloc() : memref<1x8x4x5xf32>
  linalg.generic {indexing_maps = [#id, #chan, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s, %t : memref<1x8x4x5xf32>, memref<8xf32>, memref<8xf32>) outs(%n : memref<1x8x4x5xf32>) {
  ^bb0(%in: f32, %sc: f32, %sh: f32, %out: f32):
    %a = arith.mulf %in, %sc : f32
    %b = arith.addf %a, %sh : f32
    %r = arith.maximumf %b, %zero : f32
    linalg.yield %r : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%n, %w : memref<1x8x4x5xf32>, memref<3x8x1x1xf32>) outs(%y : memref<1x3x4x5xf32>)
  memref.copy %n, %z : memref<1x8x4x5xf32> to memref<1x8x4x5xf32>
  %n3 = memref.alloc() : memref<1x8x4x5xf32>
  linalg.generic {indexing_maps = [#id, #chan, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s, %t : memref<1x8x4x5xf32>, memref<8xf32>, memref<8xf32>) outs(%n3 : memref<1x8x4x5xf32>) {
  ^bb0(%in: f32, %sc: f32, %sh: f32, %out: f32):
    %a = arith.mulf %in, %sc : f32
    %b = arith.addf %a, %sh : f32
    linalg.yield %b : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%n3, %w3 : memref<1x8x4x5xf32>, memref<3x8x3x3xf32>) outs(%y3 : memref<1x3x2x3xf32>)
  %ns = memref.alloc() : memref<1x8x4x5xf32>
  linalg.generic {indexing_maps = [#id, #chan, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s, %t : memref<1x8x4x5xf32>, memref<8xf32>, memref<8xf32>) outs(%ns : memref<1x8x4x5xf32>) {
  ^bb0(%in: f32, %sc: f32, %sh: f32, %out: f32):
    %a = arith.mulf %in, %sc : f32
    %b = arith.subf %a, %sh : f32
    linalg.yield %b : f32
  }
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%ns, %w : memref<1x8x4x5xf32>, memref<3x8x1x1xf32>) outs(%y : memref<1x3x4x5xf32>)
  return
}
