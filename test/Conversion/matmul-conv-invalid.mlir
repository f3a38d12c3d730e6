// Every user error of the contraction and convolution lowerings: operand
// ranks and sizes that do not contract, element types, unsupported Einsum
// forms, bad Conv/ConvTranspose attributes, and result types that differ
// from the inferred ones.
// RUN: switchyard-opt %s --sy-lower-onnx -verify-diagnostics -split-input-file

func.func @matmul_scalar(%a: tensor<f32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{node '' (MatMul, opset 13): operands must have rank >= 1, got ranks 0 and 1}}
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @matmul_k_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{node 'mm' (MatMul, opset 13): contraction dimensions differ: A has 4 columns, B has 5 rows}}
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} name "mm" : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %y : tensor<3x6xf32>
}

// -----

func.func @matmul_batch_mismatch(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) -> tensor<3x3x5xf32> {
  // expected-error @+1 {{node '' (MatMul, opset 13): cannot broadcast dimension 0: sizes 2 and 3}}
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<3x3x5xf32>
  return %y : tensor<3x3x5xf32>
}

// -----

func.func @matmul_bool(%a: tensor<3x4xi1>, %b: tensor<4x5xi1>) -> tensor<3x5xi1> {
  // expected-error @+1 {{node '' (MatMul, opset 13): unsupported element type 'i1' (expected a float or integer type)}}
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<3x4xi1>, tensor<4x5xi1>) -> tensor<3x5xi1>
  return %y : tensor<3x5xi1>
}

// -----

func.func @matmul_wrong_result(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{node '' (MatMul, opset 13): result type 'tensor<3x6xf32>' differs from the inferred 'tensor<3x5xf32>'}}
  %y = onnx.node "MatMul" opset 13 (%a, %b) {} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x6xf32>
  return %y : tensor<3x6xf32>
}

// -----

func.func @gemm_rank(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{node '' (Gemm, opset 13): A and B must be 2-D, got ranks 3 and 2}}
  %y = onnx.node "Gemm" opset 13 (%a, %b) {} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

func.func @gemm_k_mismatch(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<4x5xf32> {
  // expected-error @+1 {{node '' (Gemm, opset 13): contraction dimensions differ: op(A) has 3 columns, op(B) has 4 rows}}
  %y = onnx.node "Gemm" opset 13 (%a, %b) {transA = 1 : i64} : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

func.func @gemm_c_broadcast(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>, %c: tensor<3xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{node '' (Gemm, opset 13): C of shape [3] does not broadcast to [M, N] = [3, 5]}}
  %y = onnx.node "Gemm" opset 13 (%a, %b, %c) {} : (tensor<3x4xf32>, tensor<4x5xf32>, tensor<3xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

func.func @gemm_int_fractional_alpha(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  // expected-error @+1 {{node '' (Gemm, opset 13): alpha = 5.000000e-01 and beta = 1.000000e+00 must be integers for the integer type 'i32'}}
  %y = onnx.node "Gemm" opset 13 (%a, %b) {alpha = 0.5 : f32} : (tensor<3x4xi32>, tensor<4x5xi32>) -> tensor<3x5xi32>
  return %y : tensor<3x5xi32>
}

// -----

func.func @einsum_term_count(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'ij,jk->i': 2 operand terms for 1 inputs}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "ij,jk->i"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @einsum_bad_char(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'i1->i': unexpected character '1'}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "i1->i"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @einsum_rank(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'ijk->i': term 'ijk' has 3 labels for input 0 of rank 2}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "ijk->i"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @einsum_two_ellipses(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation '...i...->...': more than one '...' in a term}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "...i...->..."} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

func.func @einsum_size_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'ij,jk->ik': label 'j' has sizes 4 and 5}}
  %y = onnx.node "Einsum" opset 12 (%a, %b) {equation = "ij,jk->ik"} : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %y : tensor<3x6xf32>
}

// -----

func.func @einsum_unknown_output_label(%a: tensor<3x4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'ij->k': output label 'k' is not in any input}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "ij->k"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

func.func @einsum_repeated_output_label(%a: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation 'ij->ii': output label 'i' repeats}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "ij->ii"} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

func.func @einsum_ellipsis_summed(%a: tensor<2x3x4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{node '' (Einsum, opset 12): equation '...i->i': the inputs have '...' dimensions but the output does not; summing over them is not supported}}
  %y = onnx.node "Einsum" opset 12 (%a) {equation = "...i->i"} : (tensor<2x3x4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @conv_channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): X has 3 channels but W of shape [4, 2, 3, 3] with group 1 expects 2}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {} : (tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_group_output_channels(%x: tensor<1x4x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): W's 3 output channels are not divisible by group 2}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {group = 2 : i64} : (tensor<1x4x5x5xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}

// -----

func.func @conv_group_zero(%x: tensor<1x4x5x5xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): group 0 must be >= 1}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {group = 0 : i64} : (tensor<1x4x5x5xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// -----

func.func @conv_auto_pad(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): unsupported auto_pad 'SAME'}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {auto_pad = "SAME"} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32>
  return %y : tensor<1x1x5x5xf32>
}

// -----

func.func @conv_kernel_shape(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): 'kernel_shape' [3, 2] differs from W's spatial dims [3, 3]}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {kernel_shape = array<i64: 3, 2>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_strides_count(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): 'strides' has 1 values, expected 2}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {strides = array<i64: 2>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_negative_pad(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): 'pads' value -1 must be >= 0}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {pads = array<i64: -1, 0, 0, 0>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_zero_stride(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): 'strides' value 0 must be >= 1}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {strides = array<i64: 0, 1>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_kernel_too_large(%x: tensor<1x1x5x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): spatial dim 0: the dilated kernel (7) is larger than the padded input (5)}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {dilations = array<i64: 3, 1>} : (tensor<1x1x5x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

func.func @conv_rank(%x: tensor<1x5xf32>, %w: tensor<1x5xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): X must have rank >= 3 and W the same rank, got 2 and 2}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {} : (tensor<1x5xf32>, tensor<1x5xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @conv_integer(%x: tensor<1x1x5xi32>, %w: tensor<1x1x3xi32>) -> tensor<1x1x3xi32> {
  // expected-error @+1 {{node '' (Conv, opset 17): unsupported element type 'i32' (expected a float type)}}
  %y = onnx.node "Conv" opset 17 (%x, %w) {} : (tensor<1x1x5xi32>, tensor<1x1x3xi32>) -> tensor<1x1x3xi32>
  return %y : tensor<1x1x3xi32>
}

// -----

func.func @conv_bias_size(%x: tensor<1x1x5xf32>, %w: tensor<2x1x3xf32>, %b: tensor<3xf32>) -> tensor<1x2x3xf32> {
  // expected-error @+1 {{node '' (Conv, opset 17): bias B must be 1-D of size 2, got 'tensor<3xf32>'}}
  %y = onnx.node "Conv" opset 17 (%x, %w, %b) {} : (tensor<1x1x5xf32>, tensor<2x1x3xf32>, tensor<3xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x3x4xf32>, %w: tensor<2x2x3xf32>) -> tensor<1x2x6xf32> {
  // expected-error @+1 {{node '' (ConvTranspose, opset 17): X has 3 channels but W of shape [2, 2, 3] with group 1 expects 2}}
  %y = onnx.node "ConvTranspose" opset 17 (%x, %w) {} : (tensor<1x3x4xf32>, tensor<2x2x3xf32>) -> tensor<1x2x6xf32>
  return %y : tensor<1x2x6xf32>
}

// -----

func.func @conv_transpose_pads_too_large(%x: tensor<1x1x2xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  // expected-error @+1 {{node '' (ConvTranspose, opset 17): spatial dim 0: pads 2 + 1 leave no output of the 3 computed positions}}
  %y = onnx.node "ConvTranspose" opset 17 (%x, %w) {pads = array<i64: 2, 1>} : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

func.func @conv_transpose_output_shape_count(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{node '' (ConvTranspose, opset 17): 'output_shape' has 3 values, expected 2}}
  %y = onnx.node "ConvTranspose" opset 17 (%x, %w) {output_shape = array<i64: 1, 3, 3>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_transpose_group(%x: tensor<1x3x4xf32>, %w: tensor<3x1x3xf32>) -> tensor<1x2x6xf32> {
  // expected-error @+1 {{node '' (ConvTranspose, opset 17): X's 3 channels are not divisible by group 2}}
  %y = onnx.node "ConvTranspose" opset 17 (%x, %w) {group = 2 : i64} : (tensor<1x3x4xf32>, tensor<3x1x3xf32>) -> tensor<1x2x6xf32>
  return %y : tensor<1x2x6xf32>
}
