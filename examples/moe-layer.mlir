// A Mixture-of-Experts layer (8 experts, top-2, SwiGLU experts) written in the
// sy dialect: route -> dispatch -> grouped GEMMs -> combine. `make example`
// verifies and prints it with switchyard-opt until ONNX models compile
// end to end (issue 11), when the example becomes an ONNX model run as a .so.
func.func @moe_layer(%x: tensor<16x64xf32>, %router: tensor<16x8xf32>,
                     %w_gate_up: tensor<8x64x256xf32>,
                     %w_down: tensor<8x128x64xf32>) -> tensor<16x64xf32> {
  %ids, %weights = sy.route %router top_k = 2 mode = softmax_topk renormalize
      : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %rows, %offsets, %inverse = sy.dispatch %x, %ids num_experts = 8
      : tensor<16x64xf32>, tensor<16x2xi64>
      -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %hidden = sy.grouped_matmul %rows, %w_gate_up offsets %offsets
      activation = swiglu
      : tensor<32x64xf32>, tensor<8x64x256xf32>, tensor<9xi64>
      -> tensor<32x128xf32>
  %out = sy.grouped_matmul %hidden, %w_down offsets %offsets
      : tensor<32x128xf32>, tensor<8x128x64xf32>, tensor<9xi64>
      -> tensor<32x64xf32>
  %y = sy.combine %out, %inverse, %weights
      : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32>
      -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}
