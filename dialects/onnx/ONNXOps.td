//===- ONNXOps.td - the ONNX import dialect ----------------*- tablegen -*-===//
//
// The `onnx` dialect is the importer's output: one generic op per ONNX node.
// It deliberately has no per-op definitions; conversions (passes/lower) look
// ops up by (domain, op type, opset) in a registry, which is how one file can
// carry every opset from 7 to 23 without thousands of generated op classes.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_ONNX_OPS
#define SWITCHYARD_ONNX_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::switchyard::onnx";
  let summary = "ONNX nodes as imported, one generic op per node";
  let description = [{
    The import dialect of Switchyard. Each ONNX `NodeProto` becomes one
    `onnx.node` op that keeps the node's op type, domain, the opset version
    the model imports for that domain, and its attributes verbatim. Values are
    ranked tensors (shapes and element types inferred at import; dynamic
    dimensions are `?`). An absent optional input (an empty input name in
    ONNX) is the `none` value produced by `onnx.none`.

    Initializers and `Constant` nodes are not ops of this dialect: the
    importer folds them into `arith.constant` tensors.
  }];
}

class ONNX_Op<string mnemonic, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits>;

def ONNX_NodeOp : ONNX_Op<"node", [NoMemoryEffect]> {
  let summary = "one ONNX node: op type, domain, opset and attributes";
  let description = [{
    `onnx.node` is an ONNX `NodeProto` after import.

    * `op_type`: the ONNX operator name (`Conv`, `TopK`, `MoE`...).
    * `domain`: the operator set domain; empty for the default domain
      (`ai.onnx`), e.g. `com.microsoft` for ONNX Runtime's contrib ops. The
      printed form omits an empty domain.
    * `opset`: the version of `domain` that the model's `opset_import`
      declares. A conversion implementing `Op` since version `v` applies when
      `v <= opset` and no newer version of `Op` exists at or below `opset`.
    * `onnx_attrs`: the node's ONNX attributes by name, as MLIR attributes:
      INT → `i64`, FLOAT → `f32`, STRING → string, INTS → `array<i64>`,
      FLOATS → `array<f32>`, STRINGS → array of strings, TENSOR → a dense
      elements attribute.
    * `node_name` (optional): the ONNX node name; the location carries it too.

    Operands are ranked tensors, or `none` for an absent optional input;
    results are ranked tensors. The op is treated as side-effect free: ONNX
    nodes are pure functions of their inputs.

    ```mlir
    %y = onnx.node "Conv" opset 17 (%x, %w, %b)
           {group = 1 : i64, kernel_shape = array<i64: 3, 3>,
            pads = array<i64: 1, 1, 1, 1>}
           : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)
           -> tensor<1x4x8x8xf32>
    %out = onnx.node "MoE" domain "com.microsoft" opset 1
           (%in, %logits, %w1, %none, %w2)
           {activation_type = "silu", k = 2 : i64} name "moe/MoE"
           : (...) -> tensor<16x64xf32>
    ```

    The printed form is: `onnx.node "OpType"`, then `domain "D"` unless the
    domain is the default one, `opset N`, the operands in parentheses, the
    ONNX attribute dictionary (always printed, even empty, so it cannot be
    confused with MLIR's own), `name "node name"` when the node has one,
    `attributes` followed by any other MLIR attributes, and the functional
    type.
  }];

  let arguments = (ins
    Variadic<AnyType>:$inputs,
    StrAttr:$op_type,
    StrAttr:$domain,
    I64Attr:$opset,
    DictionaryAttr:$onnx_attrs,
    OptionalAttr<StrAttr>:$node_name
  );
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let hasVerifier = 1;
  let hasCustomAssemblyFormat = 1;

  let extraClassDeclaration = [{
    /// True for the default ONNX domain (stored as "").
    bool isDefaultDomain() { return getDomain().empty(); }
    /// The ONNX attribute `name`, or null when the node does not carry it.
    ::mlir::Attribute getOnnxAttr(::llvm::StringRef name) {
      return getOnnxAttrs().get(name);
    }
    /// The node for diagnostics: `'NAME' (OpType, opset N)`.
    std::string describe();
  }];
}

def ONNX_NoneOp : ONNX_Op<"none", [Pure]> {
  let summary = "the absent optional input";
  let description = [{
    Stands for an ONNX input left empty (`""` in `NodeProto.input`), so that
    `onnx.node` operands keep their positions:

    ```mlir
    %none = onnx.none
    %y = onnx.node "Clip" opset 13 (%x, %none, %max) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let results = (outs NoneType:$result);
  let assemblyFormat = "attr-dict";
}

#endif // SWITCHYARD_ONNX_OPS
