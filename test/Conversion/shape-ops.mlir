// RUN: switchyard-opt %s --sy-lower-onnx | FileCheck %s
// RUN: switchyard-opt %s --sy-lower-onnx --canonicalize --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF
// Shape and data-movement ops lower to tensor views (collapse/expand_shape,
// extract/insert_slice), linalg.transpose/fill, or a linalg.generic whose
// body reads the source with tensor.extract; every lowering bufferizes
// (second RUN line: no tensor op survives one-shot bufferization).
// BUF-NOT: tensor.

// CHECK-LABEL: func.func @shape_size
// CHECK-DAG: arith.constant dense<[3, 4]> : tensor<2xi64>
// CHECK-DAG: arith.constant dense<24> : tensor<i64>
// CHECK-NOT: onnx.node
func.func @shape_size(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %s = onnx.node "Shape" opset 15 (%x) {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %n = onnx.node "Size" opset 13 (%x) {} : (tensor<2x3x4xf32>) -> tensor<i64>
  return %s, %n : tensor<2xi64>, tensor<i64>
}

// Reshape through a 1-d view.
// CHECK-LABEL: func.func @reshape
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %shape = arith.constant dense<[6, -1]> : tensor<2xi64>
  %y = onnx.node "Reshape" opset 14 (%x, %shape) {} : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// Squeeze to rank 0 and Unsqueeze from rank 0.
// CHECK-LABEL: func.func @squeeze_unsqueeze
// CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1xf32> into tensor<f32>
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1] : tensor<f32> into tensor<1xf32>
func.func @squeeze_unsqueeze(%x: tensor<1x1xf32>) -> tensor<1x1x1xf32> {
  %a = arith.constant dense<[0, 1]> : tensor<2xi64>
  %s = onnx.node "Squeeze" opset 13 (%x, %a) {} : (tensor<1x1xf32>, tensor<2xi64>) -> tensor<f32>
  %u = onnx.node "Unsqueeze" opset 11 (%s) {axes = array<i64: 0, 1, -1>} : (tensor<f32>) -> tensor<1x1x1xf32>
  return %u : tensor<1x1x1xf32>
}

// CHECK-LABEL: func.func @flatten_identity
// CHECK: tensor.collapse_shape
// CHECK-NOT: onnx.node
func.func @flatten_identity(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %i = onnx.node "Identity" opset 19 (%x) {} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %y = onnx.node "Flatten" opset 13 (%i) {axis = -1 : i64} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %y = onnx.node "Transpose" opset 13 (%x) {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %y : tensor<4x2x3xf32>
}

// Per input at the running offset: extract_slice of the result, linalg.copy
// into it, insert_slice back (in place after bufferization, and no strided
// memref.copy); empty inputs are skipped.
// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x5xf32>
// CHECK: %[[P0:.*]] = tensor.extract_slice %[[E]][0, 0] [2, 2] [1, 1]
// CHECK: %[[C0:.*]] = linalg.copy ins(%arg0 : tensor<2x2xf32>) outs(%[[P0]] : tensor<2x2xf32>)
// CHECK: %[[A:.*]] = tensor.insert_slice %[[C0]] into %[[E]][0, 0] [2, 2] [1, 1]
// CHECK: %[[P1:.*]] = tensor.extract_slice %[[A]][0, 2] [2, 3] [1, 1]
// CHECK: %[[C1:.*]] = linalg.copy ins(%arg2 : tensor<2x3xf32>) outs(%[[P1]] : tensor<2x3xf32>)
// CHECK: tensor.insert_slice %[[C1]] into %[[A]][0, 2] [2, 3] [1, 1]
func.func @concat(%a: tensor<2x2xf32>, %e: tensor<2x0xf32>, %b: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %y = onnx.node "Concat" opset 13 (%a, %e, %b) {axis = -1 : i64} : (tensor<2x2xf32>, tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// Split 18 with num_outputs: the last part is smaller. Each part is a view
// copied into a fresh tensor (linalg.copy becomes loops; a returned strided
// view would need the C runner's memrefCopy).
// CHECK-LABEL: func.func @split
// CHECK: %[[A:.*]] = tensor.extract_slice %arg0[0, 0] [2, 3] [1, 1]
// CHECK: linalg.copy ins(%[[A]] : tensor<2x3xf32>)
// CHECK: tensor.extract_slice %arg0[0, 3] [2, 3] [1, 1]
// CHECK: linalg.copy
// CHECK: tensor.extract_slice %arg0[0, 6] [2, 1] [1, 1]
// CHECK: linalg.copy
func.func @split(%x: tensor<2x7xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x1xf32>) {
  %a, %b, %c = onnx.node "Split" opset 18 (%x) {axis = 1 : i64, num_outputs = 3 : i64} : (tensor<2x7xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x1xf32>)
  return %a, %b, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x1xf32>
}

// Positive steps: one strided extract_slice, copied.
// CHECK-LABEL: func.func @slice_positive
// CHECK: %[[V:.*]] = tensor.extract_slice %arg0[1, 0] [2, 3] [2, 1] : tensor<5x3xf32> to tensor<2x3xf32>
// CHECK: linalg.copy ins(%[[V]] : tensor<2x3xf32>)
func.func @slice_positive(%x: tensor<5x3xf32>) -> tensor<2x3xf32> {
  %s = arith.constant dense<1> : tensor<1xi64>
  %e = arith.constant dense<9223372036854775807> : tensor<1xi64>
  %a = arith.constant dense<0> : tensor<1xi64>
  %st = arith.constant dense<2> : tensor<1xi64>
  %y = onnx.node "Slice" opset 13 (%x, %s, %e, %a, %st) {} : (tensor<5x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// A negative step reads first + i * step with tensor.extract.
// CHECK-LABEL: func.func @slice_negative
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.muli %{{.*}}, %c-1
// CHECK: arith.addi %{{.*}}, %c4
// CHECK: tensor.extract %arg0
func.func @slice_negative(%x: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %s = arith.constant dense<-1> : tensor<1xi64>
  %e = arith.constant dense<-9223372036854775807> : tensor<1xi64>
  %a = arith.constant dense<0> : tensor<1xi64>
  %st = arith.constant dense<-1> : tensor<1xi64>
  %y = onnx.node "Slice" opset 13 (%x, %s, %e, %a, %st) {} : (tensor<5x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// Gather on axis 1: negative indices wrap, then clamp into [0, 3].
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<2x2xi32>)
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: arith.minsi %{{.*}}, %c3
// CHECK: tensor.extract %arg0
func.func @gather(%x: tensor<3x4x5xf32>, %i: tensor<2x2xi32>) -> tensor<3x2x2x5xf32> {
  %y = onnx.node "Gather" opset 13 (%x, %i) {axis = 1 : i64} : (tensor<3x4x5xf32>, tensor<2x2xi32>) -> tensor<3x2x2x5xf32>
  return %y : tensor<3x2x2x5xf32>
}

// CHECK-LABEL: func.func @expand
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0 : tensor<3x1xf32>)
func.func @expand(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %s = arith.constant dense<[2, 1, 4]> : tensor<3xi64>
  %y = onnx.node "Expand" opset 13 (%x, %s) {} : (tensor<3x1xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// Tile reads in[i mod n]; untiled dimensions read i directly.
// CHECK-LABEL: func.func @tile
// CHECK: linalg.generic
// CHECK: arith.remui %{{.*}}, %c3
// CHECK-NOT: arith.remui
// CHECK: tensor.extract %arg0
func.func @tile(%x: tensor<2x3xi64>) -> tensor<2x9xi64> {
  %r = arith.constant dense<[1, 3]> : tensor<2xi64>
  %y = onnx.node "Tile" opset 13 (%x, %r) {} : (tensor<2x3xi64>, tensor<2xi64>) -> tensor<2x9xi64>
  return %y : tensor<2x9xi64>
}

// CHECK-LABEL: func.func @constant_of_shape_range
// CHECK: %[[V:.*]] = arith.constant 7 : i32
// CHECK: linalg.fill ins(%[[V]] : i32) outs(%{{.*}} : tensor<2x3xi32>)
// CHECK: linalg.generic
// CHECK: arith.sitofp
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @constant_of_shape_range(%s: tensor<2xi64>, %start: tensor<f32>, %limit: tensor<f32>, %delta: tensor<f32>) -> (tensor<2x3xi32>, tensor<4xf32>) {
  %c = onnx.node "ConstantOfShape" opset 20 (%s) {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x3xi32>
  %r = onnx.node "Range" opset 11 (%start, %limit, %delta) {} : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %c, %r : tensor<2x3xi32>, tensor<4xf32>
}

// Constant pad: clamped read, then select against the pad value.
// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[V:.*]] = tensor.extract %arg1[]
// CHECK: linalg.generic
// CHECK: arith.subi %{{.*}}, %c1
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: tensor.extract %arg0
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[V]] : f32
func.func @pad_constant(%x: tensor<2x3xf32>, %v: tensor<f32>) -> tensor<2x6xf32> {
  %p = arith.constant dense<[0, 1, 0, 2]> : tensor<4xi64>
  %y = onnx.node "Pad" opset 13 (%x, %p, %v) {} : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<2x6xf32>
  return %y : tensor<2x6xf32>
}

// Reflect with axes (18): a negative pad crops first (extract_slice), then
// the cropped input is mirrored: |i| mod 2(n-1), reflected above n.
// CHECK-LABEL: func.func @pad_reflect_axes
// CHECK: %[[C:.*]] = tensor.extract_slice %arg0[1, 0] [3, 3] [1, 1] : tensor<4x3xf32> to tensor<3x3xf32>
// CHECK: linalg.generic
// CHECK: arith.remsi %{{.*}}, %c4
// CHECK: tensor.extract %[[C]]
// CHECK-NOT: arith.select %{{.*}} : f32
func.func @pad_reflect_axes(%x: tensor<4x3xf32>) -> tensor<3x8xf32> {
  %p = arith.constant dense<[3, -1, 2, 0]> : tensor<4xi64>
  %n = onnx.none
  %a = arith.constant dense<[1, 0]> : tensor<2xi64>
  %y = onnx.node "Pad" opset 18 (%x, %p, %n, %a) {mode = "reflect"} : (tensor<4x3xf32>, tensor<4xi64>, none, tensor<2xi64>) -> tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// CHECK-LABEL: func.func @depth_to_space_crd
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x2x2x2x3xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 1, 4, 2, 5, 3]
// CHECK: tensor.expand_shape {{.*}} into tensor<1x2x4x6xf32>
func.func @depth_to_space_crd(%x: tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32> {
  %y = onnx.node "DepthToSpace" opset 13 (%x) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  return %y : tensor<1x2x4x6xf32>
}

// CHECK-LABEL: func.func @space_to_depth
// CHECK: linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
func.func @space_to_depth(%x: tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32> {
  %y = onnx.node "SpaceToDepth" opset 13 (%x) {blocksize = 2 : i64} : (tensor<1x2x4x6xf32>) -> tensor<1x8x2x3xf32>
  return %y : tensor<1x8x2x3xf32>
}
