// Every user error of the pooling and resize lowerings names the node and
// says what is refused.
// RUN: switchyard-opt %s --sy-lower-onnx -verify-diagnostics -split-input-file

func.func @pool_rank2(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{node 'p' (MaxPool, opset 12): expects an input of rank >= 3 (N, C, spatial...), got rank 2}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 1>} name "p" : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @no_kernel(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{node '' (AveragePool, opset 19): requires the 'kernel_shape' attribute}}
  %y = onnx.node "AveragePool" opset 19 (%x) {} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @kernel_count(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{node '' (MaxPool, opset 12): 'kernel_shape' has 1 values; expected 2}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @zero_stride(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{node '' (MaxPool, opset 12): 'strides' values must be >= 1, got 0}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @negative_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{node '' (AveragePool, opset 19): 'pads' values must be >= 0, got -1}}
  %y = onnx.node "AveragePool" opset 19 (%x) {kernel_shape = array<i64: 2, 2>, pads = array<i64: -1, 0, 0, 0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @bad_auto_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{node '' (MaxPool, opset 12): unsupported auto_pad 'SAME'}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, auto_pad = "SAME"} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

func.func @window_too_big(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{node '' (MaxPool, opset 12): window of size 5 (kernel 3, dilation 2) does not fit the padded input (3 + 0 + 0) along spatial dim 0}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 3, 1>, dilations = array<i64: 2, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

func.func @storage_order(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  // expected-error @+1 {{node '' (MaxPool, opset 12): storage_order must be 0 or 1, got 2}}
  %y, %i = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, storage_order = 2 : i64} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %y, %i : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

func.func @avg_int(%x: tensor<1x1x4x4xi32>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{node '' (AveragePool, opset 19): average pooling of 'i32' is not supported (float types only)}}
  %y = onnx.node "AveragePool" opset 19 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x4x4xi32>) -> tensor<1x1x2x2xi32>
  return %y : tensor<1x1x2x2xi32>
}

// -----

func.func @crop_and_resize(%x: tensor<1x4xf32>, %roi: tensor<4xf32>) -> tensor<1x2xf32> {
  %s = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): coordinate_transformation_mode 'tf_crop_and_resize' (roi cropping) is not supported}}
  %y = onnx.node "Resize" opset 13 (%x, %roi, %s) {coordinate_transformation_mode = "tf_crop_and_resize", mode = "linear"} : (tensor<1x4xf32>, tensor<4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @antialias(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 18): antialias=1 is not supported}}
  %y = onnx.node "Resize" opset 18 (%x, %none, %s) {antialias = 1 : i64, mode = "linear"} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @scales_runtime(%x: tensor<1x4xf32>, %s: tensor<2xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  // expected-error @+1 {{node '' (Resize, opset 13): input 'scales' must be a float constant (known at compile time)}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @sizes_runtime(%x: tensor<1x4xf32>, %sizes: tensor<2xi64>) -> tensor<1x8xf32> {
  %none = onnx.none
  // expected-error @+1 {{node '' (Resize, opset 13): input 'sizes' must be an integer constant (known at compile time)}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %none, %sizes) {} : (tensor<1x4xf32>, none, none, tensor<2xi64>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @scales_and_sizes(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %sizes = arith.constant dense<[1, 8]> : tensor<2xi64>
  // expected-error @+1 {{node '' (Resize, opset 13): takes 'scales' or 'sizes', not both}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s, %sizes) {} : (tensor<1x4xf32>, none, tensor<2xf32>, tensor<2xi64>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @neither(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %none = onnx.none
  // expected-error @+1 {{node '' (Resize, opset 13): requires constant 'scales' or 'sizes'}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %none) {} : (tensor<1x4xf32>, none, none) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

func.func @scales_count(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[2.0]> : tensor<1xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): 'scales' has 1 values; expected 2}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {} : (tensor<1x4xf32>, none, tensor<1xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @scale_zero(%x: tensor<1x4xf32>) -> tensor<1x0xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): scales must be finite and > 0, got 0}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x0xf32>
  return %y : tensor<1x0xf32>
}

// -----

func.func @size_zero(%x: tensor<1x4xf32>) -> tensor<1x0xf32> {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 0]> : tensor<2xi64>
  // expected-error @+1 {{node '' (Resize, opset 13): sizes must be >= 1, got 0}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %none, %sizes) {} : (tensor<1x4xf32>, none, none, tensor<2xi64>) -> tensor<1x0xf32>
  return %y : tensor<1x0xf32>
}

// -----

func.func @bad_mode(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): unsupported mode 'bilinear'}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {mode = "bilinear"} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// Resize 10 has no cubic mode.
func.func @cubic_opset10(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 10): unsupported mode 'cubic'}}
  %y = onnx.node "Resize" opset 10 (%x, %s) {mode = "cubic"} : (tensor<1x4xf32>, tensor<2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

// half_pixel_symmetric arrived in opset 19.
func.func @symmetric_opset18(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 18): unsupported coordinate_transformation_mode 'half_pixel_symmetric'}}
  %y = onnx.node "Resize" opset 18 (%x, %none, %s) {coordinate_transformation_mode = "half_pixel_symmetric"} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @bad_nearest_mode(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): unsupported nearest_mode 'round'}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {nearest_mode = "round"} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @linear_int(%x: tensor<1x4xi32>) -> tensor<1x8xi32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): mode 'linear' on 'i32' is not supported (float types only)}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {mode = "linear"} : (tensor<1x4xi32>, none, tensor<2xf32>) -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}

// -----

func.func @axis_twice(%x: tensor<1x4xf32>) -> tensor<1x16xf32> {
  %none = onnx.none
  %s = arith.constant dense<[2.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 18): axis -1 appears twice in 'axes'}}
  %y = onnx.node "Resize" opset 18 (%x, %none, %s) {axes = array<i64: 1, -1>} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

// -----

func.func @bad_policy(%x: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %none = onnx.none
  %sizes = arith.constant dense<[1, 2]> : tensor<2xi64>
  // expected-error @+1 {{node '' (Resize, opset 18): unsupported keep_aspect_ratio_policy 'fit'}}
  %y = onnx.node "Resize" opset 18 (%x, %none, %none, %sizes) {keep_aspect_ratio_policy = "fit"} : (tensor<2x4xf32>, none, none, tensor<2xi64>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @wrong_result(%x: tensor<1x4xf32>) -> tensor<1x7xf32> {
  %none = onnx.none
  %s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // expected-error @+1 {{node '' (Resize, opset 13): result type 'tensor<1x7xf32>' does not match the resized shape}}
  %y = onnx.node "Resize" opset 13 (%x, %none, %s) {} : (tensor<1x4xf32>, none, tensor<2xf32>) -> tensor<1x7xf32>
  return %y : tensor<1x7xf32>
}

// -----

func.func @upsample_no_scales(%x: tensor<1x4xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{node '' (Upsample, opset 7): requires the 'scales' attribute}}
  %y = onnx.node "Upsample" opset 7 (%x) {} : (tensor<1x4xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @pool_wrong_result(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (MaxPool, opset 12): result type 'tensor<1x1x3x3xf32>' does not match the pooled shape}}
  %y = onnx.node "MaxPool" opset 12 (%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}
