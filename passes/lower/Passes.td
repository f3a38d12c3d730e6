//===- Passes.td - lowering passes -------------------------*- tablegen -*-===//
#ifndef SWITCHYARD_PASSES_LOWER
#define SWITCHYARD_PASSES_LOWER

include "mlir/Pass/PassBase.td"

def LowerONNX : Pass<"sy-lower-onnx", "::mlir::func::FuncOp"> {
  let summary = "Lower onnx.node ops to linalg, tensor, arith and math";
  let description = [{
    Replaces every `onnx.node` with upstream ops, using the lowering function
    the op registry (`passes/lower/onnx/OpRegistry.h`) holds for the node's
    op and opset; `onnx.none` values disappear with their users. A node whose
    op has no lowering, or whose shapes are not static, is an error naming
    the node.

    Before:
    ```mlir
    %y = onnx.node "Relu" opset 14 (%x) {} : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.maximumf %a, %zero : f32
      linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SWITCHYARD_PASSES_LOWER
