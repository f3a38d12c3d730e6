// sy-raise-pyramid: the poolings of one [N, C, H, W] f32 feature map become
// the levels of one sy.pyramid_pool (PSPNet PPM, DDRNet DAPPM, YOLO SPPF and
// SPP); a lone pool, or a pool the lowering does not implement exactly,
// stays an onnx.node.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(sy-raise-pyramid))' | FileCheck %s

// PSPNet's PPM as torch exports AdaptiveAvgPool2d(1, 2, 3, 6) of a 12x12
// map: ReduceMean over axes (-1, -2) given as a constant input, with
// keepdims, then AveragePools with kernel = stride.
// CHECK-LABEL: func @pspnet_ppm
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x12x12xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[P:.*]]:4 = sy.pyramid_pool %[[X]] levels = [#sy.level<avg bins = [1, 1]>, #sy.level<avg kernel = [6, 6] strides = [6, 6]>, #sy.level<avg kernel = [4, 4] strides = [4, 4]>, #sy.level<avg kernel = [2, 2] strides = [2, 2]>] : tensor<1x8x12x12xf32> -> tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>, tensor<1x8x3x3xf32>, tensor<1x8x6x6xf32>
// CHECK-NOT: onnx.node
// CHECK: return %[[P]]#0, %[[P]]#1, %[[P]]#2, %[[P]]#3
func.func @pspnet_ppm(%x: tensor<1x8x12x12xf32>) -> (tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>, tensor<1x8x3x3xf32>, tensor<1x8x6x6xf32>) {
  %axes = arith.constant dense<[-1, -2]> : tensor<2xi64>
  %g = onnx.node "ReduceMean" opset 18 (%x, %axes) {keepdims = 1 : i64} name "ppm/0/pool" : (tensor<1x8x12x12xf32>, tensor<2xi64>) -> tensor<1x8x1x1xf32>
  %p2 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 6, 6>, strides = array<i64: 6, 6>} name "ppm/1/pool" : (tensor<1x8x12x12xf32>) -> tensor<1x8x2x2xf32>
  %p3 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} name "ppm/2/pool" : (tensor<1x8x12x12xf32>) -> tensor<1x8x3x3xf32>
  %p6 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} name "ppm/3/pool" : (tensor<1x8x12x12xf32>) -> tensor<1x8x6x6xf32>
  return %g, %p2, %p3, %p6 : tensor<1x8x1x1xf32>, tensor<1x8x2x2xf32>, tensor<1x8x3x3xf32>, tensor<1x8x6x6xf32>
}

// -----

// DDRNet's DAPPM / PIDNet's PAPPM on a 64x64 map: k5/s2/p2, k9/s4/p4 and
// k17/s8/p8 average pools counting the padding, then global pooling. The
// per-level convolutions stay ONNX nodes and now read the pyramid.
// CHECK-LABEL: func @dappm
// CHECK-SAME: (%[[X:.*]]: tensor<1x16x64x64xf32>, %[[W:.*]]: tensor<4x16x1x1xf32>)
// CHECK: %[[P:.*]]:4 = sy.pyramid_pool %[[X]] levels = [#sy.level<avg kernel = [5, 5] strides = [2, 2] pads = [2, 2, 2, 2] count_include_pad>, #sy.level<avg kernel = [9, 9] strides = [4, 4] pads = [4, 4, 4, 4] count_include_pad>, #sy.level<avg kernel = [17, 17] strides = [8, 8] pads = [8, 8, 8, 8] count_include_pad>, #sy.level<avg bins = [1, 1]>] : tensor<1x16x64x64xf32> -> tensor<1x16x32x32xf32>, tensor<1x16x16x16xf32>, tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>
// CHECK-NOT: onnx.node "AveragePool"
// CHECK-NOT: onnx.node "GlobalAveragePool"
// CHECK: onnx.node "Conv" opset 17 (%[[P]]#0, %[[W]])
// CHECK: onnx.node "Conv" opset 17 (%[[P]]#1, %[[W]])
// CHECK: onnx.node "Conv" opset 17 (%[[P]]#2, %[[W]])
// CHECK: onnx.node "Conv" opset 17 (%[[P]]#3, %[[W]])
// CHECK-NOT: onnx.node "AveragePool"
// CHECK-NOT: onnx.node "GlobalAveragePool"
func.func @dappm(%x: tensor<1x16x64x64xf32>, %w: tensor<4x16x1x1xf32>) -> (tensor<1x4x32x32xf32>, tensor<1x4x16x16xf32>, tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) {
  %p1 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 5, 5>, strides = array<i64: 2, 2>, pads = array<i64: 2, 2, 2, 2>, count_include_pad = 1 : i64} : (tensor<1x16x64x64xf32>) -> tensor<1x16x32x32xf32>
  %p2 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 9, 9>, strides = array<i64: 4, 4>, pads = array<i64: 4, 4, 4, 4>, count_include_pad = 1 : i64} : (tensor<1x16x64x64xf32>) -> tensor<1x16x16x16xf32>
  %p3 = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 17, 17>, strides = array<i64: 8, 8>, pads = array<i64: 8, 8, 8, 8>, count_include_pad = 1 : i64} : (tensor<1x16x64x64xf32>) -> tensor<1x16x8x8xf32>
  %p4 = onnx.node "GlobalAveragePool" opset 17 (%x) {} : (tensor<1x16x64x64xf32>) -> tensor<1x16x1x1xf32>
  %c1 = onnx.node "Conv" opset 17 (%p1, %w) {} : (tensor<1x16x32x32xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x32x32xf32>
  %c2 = onnx.node "Conv" opset 17 (%p2, %w) {} : (tensor<1x16x16x16xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x16x16xf32>
  %c3 = onnx.node "Conv" opset 17 (%p3, %w) {} : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c4 = onnx.node "Conv" opset 17 (%p4, %w) {} : (tensor<1x16x1x1xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x1x1xf32>
  return %c1, %c2, %c3, %c4 : tensor<1x4x32x32xf32>, tensor<1x4x16x16xf32>, tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>
}

// -----

// YOLO's SPPF: three chained k5/s1/p2 max pools; each result also feeds the
// Concat with the input.
// CHECK-LABEL: func @sppf
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x20x20xf32>)
// CHECK-NOT: onnx.node "MaxPool"
// CHECK: %[[P:.*]]:3 = sy.pyramid_pool %[[X]] levels = [#sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>, #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>] : tensor<1x8x20x20xf32> -> tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>
// CHECK-NOT: onnx.node "MaxPool"
// CHECK: onnx.node "Concat" opset 17 (%[[X]], %[[P]]#0, %[[P]]#1, %[[P]]#2)
// CHECK-NOT: onnx.node "MaxPool"
func.func @sppf(%x: tensor<1x8x20x20xf32>) -> tensor<1x32x20x20xf32> {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %b = onnx.node "MaxPool" opset 17 (%a) {kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %c = onnx.node "MaxPool" opset 17 (%b) {kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %y = onnx.node "Concat" opset 17 (%x, %a, %b, %c) {axis = 1 : i64} : (tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>) -> tensor<1x32x20x20xf32>
  return %y : tensor<1x32x20x20xf32>
}

// -----

// YOLO's SPP: k5, k9 and k13 max pools of one map, "same" explicit pads.
// The unused Indices output of a MaxPool does not stop the raise.
// CHECK-LABEL: func @spp
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x20x20xf32>)
// CHECK-NOT: onnx.node "MaxPool"
// CHECK: %[[P:.*]]:3 = sy.pyramid_pool %[[X]] levels = [#sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2]>, #sy.level<max kernel = [9, 9] pads = [4, 4, 4, 4]>, #sy.level<max kernel = [13, 13] pads = [6, 6, 6, 6]>] : tensor<1x8x20x20xf32> -> tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>
// CHECK-NOT: onnx.node "MaxPool"
// CHECK: onnx.node "Concat" opset 17 (%[[X]], %[[P]]#0, %[[P]]#1, %[[P]]#2)
// CHECK-NOT: onnx.node "MaxPool"
func.func @spp(%x: tensor<1x8x20x20xf32>) -> tensor<1x32x20x20xf32> {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 5, 5>, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 1, 1>} : (tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %b, %bi = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 9, 9>, pads = array<i64: 4, 4, 4, 4>} : (tensor<1x8x20x20xf32>) -> (tensor<1x8x20x20xf32>, tensor<1x8x20x20xi64>)
  %c = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 13, 13>, pads = array<i64: 6, 6, 6, 6>, strides = array<i64: 1, 1>} : (tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %y = onnx.node "Concat" opset 17 (%x, %a, %b, %c) {axis = 1 : i64} : (tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>, tensor<1x8x20x20xf32>) -> tensor<1x32x20x20xf32>
  return %y : tensor<1x32x20x20xf32>
}

// -----

// auto_pad = VALID is zero padding, whatever pads say.
// CHECK-LABEL: func @auto_pad_valid
// CHECK: sy.pyramid_pool %{{.*}} levels = [#sy.level<max kernel = [2, 2] strides = [2, 2]>, #sy.level<avg kernel = [3, 3]>] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>
// CHECK-NOT: onnx.node
func.func @auto_pad_valid(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {auto_pad = "VALID", kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {auto_pad = "VALID", kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>
}

// -----

// ceil_mode: k3/s2 over 8 rows gives ceil(5 / 2) + 1 = 4 windows; k2/s2
// with end pads 1 gives ceil(7 / 2) + 1 = 5, less the last window, which
// would start in the end padding: 4.
// CHECK-LABEL: func @ceil_mode
// CHECK: sy.pyramid_pool %{{.*}} levels = [#sy.level<max kernel = [3, 3] strides = [2, 2] ceil_mode>, #sy.level<avg kernel = [2, 2] strides = [2, 2] pads = [0, 0, 1, 1] ceil_mode>] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
// CHECK-NOT: onnx.node
func.func @ceil_mode(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {ceil_mode = 1 : i64, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {ceil_mode = 1 : i64, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// count_include_pad changes nothing without padding: the level drops it.
// CHECK-LABEL: func @count_include_pad_no_pads
// CHECK: sy.pyramid_pool %{{.*}} levels = [#sy.level<avg kernel = [2, 2] strides = [2, 2]>, #sy.level<avg kernel = [4, 4] strides = [4, 4]>] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>
// CHECK-NOT: count_include_pad
// CHECK-NOT: onnx.node
func.func @count_include_pad_no_pads(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>) {
  %a = onnx.node "AveragePool" opset 17 (%x) {count_include_pad = 1 : i64, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {count_include_pad = 1 : i64, kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x2x2xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>
}

// -----

// A level whose result has several users: all of them read the pyramid.
// GlobalMaxPool and ReduceMax over the axes attribute are max bins.
// CHECK-LABEL: func @several_users
// CHECK: %[[P:.*]]:3 = sy.pyramid_pool %{{.*}} levels = [#sy.level<max kernel = [2, 2] strides = [2, 2]>, #sy.level<max bins = [1, 1]>, #sy.level<max bins = [1, 1]>] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>
// CHECK: %[[R:.*]] = onnx.node "Relu" opset 17 (%[[P]]#0)
// CHECK: %[[S:.*]] = onnx.node "Sigmoid" opset 17 (%[[P]]#0)
// CHECK: onnx.node "Add" opset 17 (%[[R]], %[[P]]#0)
// CHECK: return %{{.*}}, %[[S]], %[[P]]#1, %[[P]]#2
// CHECK-NOT: onnx.node "MaxPool"
func.func @several_users(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %g = onnx.node "GlobalMaxPool" opset 17 (%x) {} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  %m = onnx.node "ReduceMax" opset 13 (%x) {axes = array<i64: 2, 3>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
  %r = onnx.node "Relu" opset 17 (%a) {} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %s = onnx.node "Sigmoid" opset 17 (%a) {} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = onnx.node "Add" opset 17 (%r, %a) {} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y, %s, %g, %m : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>
}

// -----

// Near-miss: a lone pool is not a pyramid.
// CHECK-LABEL: func @lone_pool
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK-NOT: sy.pyramid_pool
func.func @lone_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %a : tensor<1x4x4x4xf32>
}

// -----

// Near-miss: a dilated pool is no level, which leaves a lone pool.
// CHECK-LABEL: func @dilations
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool" opset 17 (%{{.*}}) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK: onnx.node "MaxPool" opset 17 (%{{.*}}) {dilations = array<i64: 2, 2>
// CHECK-NOT: sy.pyramid_pool
func.func @dilations(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "MaxPool" opset 17 (%x) {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x6x6xf32>
}

// -----

// Near-miss: SAME auto padding is no level.
// CHECK-LABEL: func @auto_pad_same
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool" opset 17 (%{{.*}}) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK: onnx.node "MaxPool" opset 17 (%{{.*}}) {auto_pad = "SAME_UPPER"
// CHECK-NOT: sy.pyramid_pool
func.func @auto_pad_same(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "MaxPool" opset 17 (%x) {auto_pad = "SAME_UPPER", kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>
}

// -----

// Near-miss: a MaxPool whose Indices output is used is no level.
// CHECK-LABEL: func @indices_used
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool" opset 17
// CHECK: %[[B:.*]]:2 = onnx.node "MaxPool" opset 12
// CHECK: return %{{.*}}, %[[B]]#0, %[[B]]#1
// CHECK-NOT: sy.pyramid_pool
func.func @indices_used(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xi64>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b, %i = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xi64>)
  return %a, %b, %i : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xi64>
}

// -----

// Near-miss: ReduceMean over the channels is no level.
// CHECK-LABEL: func @reduce_mean_channels
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "ReduceMean"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @reduce_mean_channels(%x: tensor<1x4x8x8xf32>) -> (tensor<1x1x8x8xf32>, tensor<1x4x4x4xf32>) {
  %axes = arith.constant dense<[1]> : tensor<1xi64>
  %m = onnx.node "ReduceMean" opset 18 (%x, %axes) {keepdims = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1xi64>) -> tensor<1x1x8x8xf32>
  %a = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %m, %a : tensor<1x1x8x8xf32>, tensor<1x4x4x4xf32>
}

// -----

// Near-miss: ReduceMean over (H, W) without keepdims is no level.
// CHECK-LABEL: func @reduce_mean_no_keepdims
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "ReduceMean"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @reduce_mean_no_keepdims(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4xf32>, tensor<1x4x4x4xf32>) {
  %axes = arith.constant dense<[2, 3]> : tensor<2xi64>
  %m = onnx.node "ReduceMean" opset 18 (%x, %axes) {keepdims = 0 : i64} : (tensor<1x4x8x8xf32>, tensor<2xi64>) -> tensor<1x4xf32>
  %a = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %m, %a : tensor<1x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// Near-miss: 3-d (NCDHW) pools are not pyramid levels.
// CHECK-LABEL: func @pool_3d
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @pool_3d(%x: tensor<1x4x8x8x8xf32>) -> (tensor<1x4x4x4x4xf32>, tensor<1x4x4x4x4xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<1x4x8x8x8xf32>) -> tensor<1x4x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>} : (tensor<1x4x8x8x8xf32>) -> tensor<1x4x4x4x4xf32>
  return %a, %b : tensor<1x4x4x4x4xf32>, tensor<1x4x4x4x4xf32>
}

// -----

// Near-miss: f16 maps are not raised.
// CHECK-LABEL: func @f16
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @f16(%x: tensor<1x4x8x8xf16>) -> (tensor<1x4x4x4xf16>, tensor<1x4x2x2xf16>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf16>) -> tensor<1x4x4x4xf16>
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<1x4x8x8xf16>) -> tensor<1x4x2x2xf16>
  return %a, %b : tensor<1x4x4x4xf16>, tensor<1x4x2x2xf16>
}

// -----

// Near-miss: pools of two different maps are two lone pools.
// CHECK-LABEL: func @different_inputs
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "MaxPool"
// CHECK-NOT: sy.pyramid_pool
func.func @different_inputs(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "MaxPool" opset 17 (%y) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// Near-miss: a map with a dynamic batch is not raised.
// CHECK-LABEL: func @dynamic_input
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @dynamic_input(%x: tensor<?x4x8x8xf32>) -> (tensor<?x4x4x4xf32>, tensor<?x4x2x2xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<?x4x8x8xf32>) -> tensor<?x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<?x4x8x8xf32>) -> tensor<?x4x2x2xf32>
  return %a, %b : tensor<?x4x4x4xf32>, tensor<?x4x2x2xf32>
}

// -----

// Near-miss: a pool whose declared result has a dynamic dim is no level,
// which leaves a lone pool.
// CHECK-LABEL: func @dynamic_result
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @dynamic_result(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x?x?xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x?x?xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x?x?xf32>
}

// -----

// Each direct pool is followed by its chain, then the next direct pool.
// CHECK-LABEL: func @chain_then_direct
// CHECK: %[[P:.*]]:3 = sy.pyramid_pool %{{.*}} levels = [#sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1]>, #sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1] chained>, #sy.level<avg kernel = [2, 2] strides = [2, 2]>] : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>
// CHECK: return %[[P]]#0, %[[P]]#1, %[[P]]#2
// CHECK-NOT: onnx.node
func.func @chain_then_direct(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %b = onnx.node "MaxPool" opset 17 (%a) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %c = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %a, %b, %c : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>
}

// -----

// Only the first pool reading a level's result chains onto it; the other
// pools of that result make a pyramid of their own over it.
// CHECK-LABEL: func @chain_and_fan_out
// CHECK: %[[P:.*]]:2 = sy.pyramid_pool %{{.*}} levels = [#sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1]>, #sy.level<max kernel = [3, 3] pads = [1, 1, 1, 1] chained>] : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
// CHECK: %[[Q:.*]]:2 = sy.pyramid_pool %[[P]]#0 levels = [#sy.level<avg kernel = [2, 2] strides = [2, 2]>, #sy.level<avg kernel = [4, 4] strides = [4, 4]>] : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>
// CHECK: return %[[P]]#0, %[[P]]#1, %[[Q]]#0, %[[Q]]#1
// CHECK-NOT: onnx.node
func.func @chain_and_fan_out(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %b = onnx.node "MaxPool" opset 17 (%a) {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %c = onnx.node "AveragePool" opset 17 (%a) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %d = onnx.node "AveragePool" opset 17 (%a) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x2x2xf32>
  return %a, %b, %c, %d : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x4x4xf32>, tensor<1x4x2x2xf32>
}

// -----

// Near-miss: a pool whose declared result size is not the window count
// (8 / 4 = 2, declared 3) is no level, which leaves a lone pool.
// CHECK-LABEL: func @declared_size_mismatch
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
// CHECK-NOT: sy.pyramid_pool
func.func @declared_size_mismatch(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>) {
  %a = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 4, 4>, strides = array<i64: 4, 4>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x3x3xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>
}

// -----

// Pools of one map in different blocks: each block's pools are raised on
// their own (here one pool per block: none), never a pyramid whose result
// would not dominate a level's uses.
// CHECK-LABEL: func.func @region
// CHECK-NOT: sy.pyramid_pool
// CHECK: onnx.node "MaxPool"
// CHECK: onnx.node "AveragePool"
func.func @region(%x: tensor<1x4x8x8xf32>, %c: i1, %b0: tensor<1x4x4x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = scf.if %c -> tensor<1x4x4x4xf32> {
    %p = onnx.node "MaxPool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
    scf.yield %p : tensor<1x4x4x4xf32>
  } else {
    %z = onnx.node "Relu" opset 17 (%b0) {} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
    scf.yield %z : tensor<1x4x4x4xf32>
  }
  %b = onnx.node "AveragePool" opset 17 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %a, %b : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// PSPNet's PPM output: the input concatenated (channels) with the pyramid
// levels upsampled back to its size by bilinear Resizes with a sizes input
// (roi and scales absent). The Resizes are folded into one
// sy.upsample_concat of the map and the Resizes' inputs.
// CHECK-LABEL: func @ppm_upsample_concat
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[A:.*]]: tensor<1x2x1x1xf32>, %[[B:.*]]: tensor<1x3x2x2xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[Y:.*]] = sy.upsample_concat %[[X]], %[[A]], %[[B]] coordinates = half_pixel : tensor<1x4x8x8xf32>, tensor<1x2x1x1xf32>, tensor<1x3x2x2xf32> -> tensor<1x9x8x8xf32>
// CHECK-NOT: onnx.node
// CHECK: return %[[Y]]
func.func @ppm_upsample_concat(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x1x1xf32>, %b: tensor<1x3x2x2xf32>) -> tensor<1x9x8x8xf32> {
  %none = onnx.none
  %sa = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %sb = arith.constant dense<[1, 3, 8, 8]> : tensor<4xi64>
  %ra = onnx.node "Resize" opset 13 (%a, %none, %none, %sa) {coordinate_transformation_mode = "half_pixel", mode = "linear"} : (tensor<1x2x1x1xf32>, none, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %rb = onnx.node "Resize" opset 13 (%b, %none, %none, %sb) {coordinate_transformation_mode = "half_pixel", mode = "linear"} : (tensor<1x3x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x3x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %ra, %rb) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x9x8x8xf32>
  return %y : tensor<1x9x8x8xf32>
}

// -----

// align_corners (torch's F.interpolate(align_corners=True)), with roi and
// scales given as empty constants, as torch exports them.
// CHECK-LABEL: func @align_corners
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[A:.*]]: tensor<1x2x2x2xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[Y:.*]] = sy.upsample_concat %[[X]], %[[A]] coordinates = align_corners : tensor<1x4x8x8xf32>, tensor<1x2x2x2xf32> -> tensor<1x6x8x8xf32>
// CHECK-NOT: onnx.node
// CHECK: return %[[Y]]
func.func @align_corners(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> tensor<1x6x8x8xf32> {
  %roi = arith.constant dense<> : tensor<0xf32>
  %scales = arith.constant dense<> : tensor<0xf32>
  %sizes = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 11 (%a, %roi, %scales, %sizes) {coordinate_transformation_mode = "align_corners", mode = "linear"} : (tensor<1x2x2x2xf32>, tensor<0xf32>, tensor<0xf32>, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 11 (%x, %r) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

// A scales input [1, 1, 4, 4] that is exactly out / in (2x2 -> 8x8); the
// Resize comes first in the Concat, coordinate mode defaulted (half_pixel).
// CHECK-LABEL: func @exact_scales
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[A:.*]]: tensor<1x2x2x2xf32>)
// CHECK-NOT: onnx.node
// CHECK: %[[Y:.*]] = sy.upsample_concat %[[A]], %[[X]] coordinates = half_pixel : tensor<1x2x2x2xf32>, tensor<1x4x8x8xf32> -> tensor<1x6x8x8xf32>
// CHECK-NOT: onnx.node
// CHECK: return %[[Y]]
func.func @exact_scales(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> tensor<1x6x8x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 1.0, 4.0, 4.0]> : tensor<4xf32>
  %r = onnx.node "Resize" opset 13 (%a, %none, %s) {mode = "linear"} : (tensor<1x2x2x2xf32>, none, tensor<4xf32>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%r, %x) {axis = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

// Near-miss: a nearest Resize is no bilinear upsampling.
// CHECK-LABEL: func @resize_nearest
// CHECK-NOT: sy.upsample_concat
// CHECK: %[[R:.*]] = onnx.node "Resize" opset 13
// CHECK: onnx.node "Concat" opset 13 (%{{.*}}, %[[R]])
// CHECK-NOT: sy.upsample_concat
func.func @resize_nearest(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> tensor<1x6x8x8xf32> {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 13 (%a, %none, %none, %sizes) {mode = "nearest"} : (tensor<1x2x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %r) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

// Near-miss: a Concat along the rows, not the channels.
// CHECK-LABEL: func @concat_axis_2
// CHECK-NOT: sy.upsample_concat
// CHECK: %[[R:.*]] = onnx.node "Resize" opset 13
// CHECK: onnx.node "Concat" opset 13 (%{{.*}}, %[[R]]) {axis = 2 : i64}
// CHECK-NOT: sy.upsample_concat
func.func @concat_axis_2(%x: tensor<1x4x8x8xf32>, %a: tensor<1x4x2x2xf32>) -> tensor<1x4x16x8xf32> {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 4, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 13 (%a, %none, %none, %sizes) {mode = "linear"} : (tensor<1x4x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x4x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %r) {axis = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x16x8xf32>
  return %y : tensor<1x4x16x8xf32>
}

// -----

// Resizes in two coordinate modes: the first Resize's mode is the op's; a
// Resize in another mode stays an ONNX node whose (already H x W) result
// is an input map of the sy.upsample_concat.
// CHECK-LABEL: func @mixed_modes
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x8x8xf32>, %[[A:.*]]: tensor<1x2x1x1xf32>, %[[B:.*]]: tensor<1x3x2x2xf32>)
// CHECK-NOT: onnx.node "Resize" opset 13 (%[[A]]
// CHECK: %[[RB:.*]] = onnx.node "Resize" opset 13 (%[[B]], %{{.*}}, %{{.*}}, %{{.*}}) {coordinate_transformation_mode = "align_corners", mode = "linear"}
// CHECK-NOT: onnx.node "Resize"
// CHECK: %[[Y:.*]] = sy.upsample_concat %[[X]], %[[A]], %[[RB]] coordinates = half_pixel : tensor<1x4x8x8xf32>, tensor<1x2x1x1xf32>, tensor<1x3x8x8xf32> -> tensor<1x9x8x8xf32>
// CHECK-NOT: onnx.node
// CHECK: return %[[Y]]
func.func @mixed_modes(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x1x1xf32>, %b: tensor<1x3x2x2xf32>) -> tensor<1x9x8x8xf32> {
  %none = onnx.none
  %sa = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %sb = arith.constant dense<[1, 3, 8, 8]> : tensor<4xi64>
  %ra = onnx.node "Resize" opset 13 (%a, %none, %none, %sa) {coordinate_transformation_mode = "half_pixel", mode = "linear"} : (tensor<1x2x1x1xf32>, none, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %rb = onnx.node "Resize" opset 13 (%b, %none, %none, %sb) {coordinate_transformation_mode = "align_corners", mode = "linear"} : (tensor<1x3x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x3x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %ra, %rb) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x9x8x8xf32>
  return %y : tensor<1x9x8x8xf32>
}

// -----

// Near-miss: a Resize whose result has a user besides the Concat is no
// upsampling into the concatenation.
// CHECK-LABEL: func @resize_second_user
// CHECK-NOT: sy.upsample_concat
// CHECK: %[[R:.*]] = onnx.node "Resize" opset 13
// CHECK: %[[Y:.*]] = onnx.node "Concat" opset 13 (%{{.*}}, %[[R]])
// CHECK: return %[[Y]], %[[R]]
// CHECK-NOT: sy.upsample_concat
func.func @resize_second_user(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> (tensor<1x6x8x8xf32>, tensor<1x2x8x8xf32>) {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 13 (%a, %none, %none, %sizes) {mode = "linear"} : (tensor<1x2x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %r) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y, %r : tensor<1x6x8x8xf32>, tensor<1x2x8x8xf32>
}

// -----

// Near-miss: an antialiased Resize.
// CHECK-LABEL: func @resize_antialias
// CHECK-NOT: sy.upsample_concat
// CHECK: %[[R:.*]] = onnx.node "Resize" opset 18
// CHECK: onnx.node "Concat" opset 18 (%{{.*}}, %[[R]])
// CHECK-NOT: sy.upsample_concat
func.func @resize_antialias(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> tensor<1x6x8x8xf32> {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 18 (%a, %none, %none, %sizes) {antialias = 1 : i64, mode = "linear"} : (tensor<1x2x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 18 (%x, %r) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

// Near-miss: tf_crop_and_resize reads a region of interest.
// CHECK-LABEL: func @resize_crop
// CHECK-NOT: sy.upsample_concat
// CHECK: %[[R:.*]] = onnx.node "Resize" opset 13
// CHECK: onnx.node "Concat" opset 13 (%{{.*}}, %[[R]])
// CHECK-NOT: sy.upsample_concat
func.func @resize_crop(%x: tensor<1x4x8x8xf32>, %a: tensor<1x2x2x2xf32>) -> tensor<1x6x8x8xf32> {
  %none = onnx.none
  %roi = arith.constant dense<[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]> : tensor<8xf32>
  %sizes = arith.constant dense<[1, 2, 8, 8]> : tensor<4xi64>
  %r = onnx.node "Resize" opset 13 (%a, %roi, %none, %sizes) {coordinate_transformation_mode = "tf_crop_and_resize", mode = "linear"} : (tensor<1x2x2x2xf32>, tensor<8xf32>, none, tensor<4xi64>) -> tensor<1x2x8x8xf32>
  %y = onnx.node "Concat" opset 13 (%x, %r) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}

// -----

// Near-miss: a Concat of maps none of which is a Resize.
// CHECK-LABEL: func @concat_no_resize
// CHECK-NOT: sy.upsample_concat
// CHECK: onnx.node "Concat" opset 13
// CHECK-NOT: sy.upsample_concat
func.func @concat_no_resize(%x: tensor<1x4x8x8xf32>, %z: tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32> {
  %y = onnx.node "Concat" opset 13 (%x, %z) {axis = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x6x8x8xf32>
  return %y : tensor<1x6x8x8xf32>
}
