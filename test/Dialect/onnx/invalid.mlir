// RUN: switchyard-opt %s -split-input-file -verify-diagnostics
// Every verifier and parser error of onnx.node and onnx.none, one case per rule.

// op_type is not empty.
func.func @empty_op_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op requires a non-empty op_type}}
  %y = onnx.node "" opset 14 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// opset is at least 1.
func.func @opset_zero(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op requires opset >= 1, got 0}}
  %y = onnx.node "Relu" opset 0 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// An input is a ranked tensor or none; an unranked tensor is neither.
func.func @input_unranked(%x: tensor<4xf32>, %m: tensor<*xf32>) {
  %n = onnx.none
  // expected-error @+1 {{'onnx.node' op input #2 must be a ranked tensor or none (absent input), got 'tensor<*xf32>'}}
  %y = onnx.node "Clip" opset 13 (%x, %n, %m) {} : (tensor<4xf32>, none, tensor<*xf32>) -> tensor<4xf32>
  return
}

// -----

// An input is a ranked tensor or none; a scalar is neither.
func.func @input_scalar(%x: tensor<4xf32>, %s: f32) {
  // expected-error @+1 {{'onnx.node' op input #1 must be a ranked tensor or none (absent input), got 'f32'}}
  %y = onnx.node "Clip" opset 13 (%x, %s) {} : (tensor<4xf32>, f32) -> tensor<4xf32>
  return
}

// -----

// A nested array of integers is not an ONNX attribute kind.
func.func @attr_nested_array(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op attribute 'pads' is not an ONNX attribute value}}
  %y = onnx.node "Pad" opset 19 (%x) {pads = [[1, 2], [3, 4]]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// A unit attribute is not an ONNX attribute kind.
func.func @attr_unit(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op attribute 'flag' is not an ONNX attribute value}}
  %y = onnx.node "Relu" opset 14 (%x) {flag} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// An INT attribute is i64, not i32.
func.func @attr_i32(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op attribute 'axis' is not an ONNX attribute value}}
  %y = onnx.node "Softmax" opset 13 (%x) {axis = 1 : i32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Results are ranked tensors (ODS constraint).
func.func @result_unranked(%x: tensor<4xf32>) {
  // expected-error @+1 {{'onnx.node' op result #0 must be variadic of ranked tensor of any type values, but got 'tensor<*xf32>'}}
  %y = onnx.node "Relu" opset 14 (%x) {} : (tensor<4xf32>) -> tensor<*xf32>
  return
}

// -----

// The functional type lists one type per operand (parser).
func.func @operand_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{number of operands and types do not match: got 2 operands and 1 types}}
  %y = onnx.node "Add" opset 14 (%x, %x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// onnx.none produces a none value (ODS constraint; generic form, since the
// custom form has no type).
func.func @none_result_type() {
  // expected-error @+1 {{'onnx.none' op result #0 must be none type, but got 'tensor<f32>'}}
  %n = "onnx.none"() : () -> tensor<f32>
  return
}

// -----

// A negative opset is refused (the attribute is read as signed).
func.func @negative_opset(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.node' op requires opset >= 1, got -3}}
  %y = onnx.node "Relu" opset -3 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// ONNX FLOAT attributes are f32; an f64 value is not an ONNX attribute.
func.func @f64_attribute(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.node' op attribute 'alpha' is not an ONNX attribute value}}
  %y = onnx.node "LeakyRelu" opset 16 (%x) {alpha = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// An array attribute holds one kind (STRINGS, TENSORS or TYPE_PROTOS).
func.func @mixed_array_attribute(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'onnx.node' op attribute 'names' is not an ONNX attribute value}}
  %y = onnx.node "Custom" domain "com.example" opset 1 (%x) {names = ["a", i32]} : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
