// Every user error of the reduction and normalization lowerings names the
// node and says what is refused.
// RUN: switchyard-opt %s --sy-lower-onnx -verify-diagnostics -split-input-file

func.func @axes_not_constant(%x: tensor<3x4xf32>, %axes: tensor<1xi64>) -> tensor<3x1xf32> {
  // expected-error @+1 {{node 'r' (ReduceSum, opset 13): axes (input 1) must be a constant}}
  %y = onnx.node "ReduceSum" opset 13 (%x, %axes) {} name "r" : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

func.func @axis_out_of_range(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  // expected-error @+1 {{node '' (ReduceMean, opset 13): axis 2 is out of range for rank 2}}
  %y = onnx.node "ReduceMean" opset 13 (%x) {axes = array<i64: 2>} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

func.func @axis_twice(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %axes = arith.constant dense<[1, -1]> : tensor<2xi64>
  // expected-error @+1 {{node '' (ReduceMax, opset 18): axis -1 appears twice}}
  %y = onnx.node "ReduceMax" opset 18 (%x, %axes) {} : (tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x1xf32>
  return %y : tensor<3x1xf32>
}

// -----

func.func @log_sum_int(%x: tensor<3x4xi32>) -> tensor<3x1xi32> {
  // expected-error @+1 {{node '' (ReduceLogSum, opset 13): integer input 'i32' is not supported (Log is defined on floats only)}}
  %y = onnx.node "ReduceLogSum" opset 13 (%x) {axes = array<i64: 1>} : (tensor<3x4xi32>) -> tensor<3x1xi32>
  return %y : tensor<3x1xi32>
}

// -----

func.func @max_bool_before_20(%x: tensor<3x4xi1>) -> tensor<3x1xi1> {
  // expected-error @+1 {{node '' (ReduceMax, opset 18): boolean input is not supported before opset 20}}
  %y = onnx.node "ReduceMax" opset 18 (%x) {} : (tensor<3x4xi1>) -> tensor<3x1xi1>
  return %y : tensor<3x1xi1>
}

// -----

func.func @sum_bool(%x: tensor<3x4xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{node '' (ReduceSum, opset 13): boolean input is not supported}}
  %y = onnx.node "ReduceSum" opset 13 (%x) {} : (tensor<3x4xi1>) -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}

// -----

func.func @softmax_axis(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{node 's' (Softmax, opset 13): axis 2 is out of range for rank 2}}
  %y = onnx.node "Softmax" opset 13 (%x) {axis = 2 : i64} name "s" : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

func.func @softmax_int(%x: tensor<3x4xi32>) -> tensor<3x4xi32> {
  // expected-error @+1 {{node '' (Softmax, opset 13): input 0 has element type 'i32'; expected a floating-point type}}
  %y = onnx.node "Softmax" opset 13 (%x) {} : (tensor<3x4xi32>) -> tensor<3x4xi32>
  return %y : tensor<3x4xi32>
}

// -----

func.func @batch_norm_training(%x: tensor<2x3x4xf32>, %p: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{node 'bn' (BatchNormalization, opset 15): training_mode = 1 is not supported (inference only)}}
  %y = onnx.node "BatchNormalization" opset 15 (%x, %p, %p, %p, %p) {training_mode = 1 : i64} name "bn" : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

func.func @batch_norm_outputs(%x: tensor<2x3x4xf32>, %p: tensor<3xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{node '' (BatchNormalization, opset 9): has 3 outputs; only Y (inference mode) is supported}}
  %y, %m, %v = onnx.node "BatchNormalization" opset 9 (%x, %p, %p, %p, %p) {} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %y : tensor<2x3x4xf32>
}

// -----

func.func @batch_norm_channels(%x: tensor<2x3x4xf32>, %p: tensor<3xf32>, %q: tensor<5xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+1 {{node '' (BatchNormalization, opset 15): input 4 of shape [5] does not broadcast to dims 1.. of shape [2, 3, 4]}}
  %y = onnx.node "BatchNormalization" opset 15 (%x, %p, %p, %p, %q) {} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<5xf32>) -> tensor<2x3x4xf32>
  return %y : tensor<2x3x4xf32>
}

// -----

func.func @instance_norm_rank(%x: tensor<3xf32>, %p: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (InstanceNormalization, opset 6): input 0 has rank 1; expected N x C x ... (rank >= 2)}}
  %y = onnx.node "InstanceNormalization" opset 6 (%x, %p, %p) {} : (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @layer_norm_stash(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{node '' (LayerNormalization, opset 17): stash_type 11 is not supported (only 1, float)}}
  %y = onnx.node "LayerNormalization" opset 17 (%x, %s) {stash_type = 11 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<2x4xf32>, %s: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{node '' (LayerNormalization, opset 17): input 1 of shape [3] does not broadcast to dims 1.. of shape [2, 4]}}
  %y = onnx.node "LayerNormalization" opset 17 (%x, %s) {} : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @rms_norm_axis(%x: tensor<2x4xf32>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{node '' (RMSNormalization, opset 23): axis -3 is out of range for rank 2}}
  %y = onnx.node "RMSNormalization" opset 23 (%x, %s) {axis = -3 : i64} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @lp_norm_p(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{node '' (LpNormalization, opset 1): p = 3 is not supported (1 or 2)}}
  %y = onnx.node "LpNormalization" opset 1 (%x) {p = 3 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @mvn_default_axes_rank2(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{node '' (MeanVarianceNormalization, opset 13): axis 2 is out of range for rank 2}}
  %y = onnx.node "MeanVarianceNormalization" opset 13 (%x) {} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
