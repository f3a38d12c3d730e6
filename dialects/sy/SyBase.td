//===- SyBase.td - the sy dialect, its enums and attributes -*- tablegen -*-===//
//
// What every `sy` op shares: the dialect, the base op class, the enums and
// the two structured attributes (#sy.level for pooling levels, #sy.sparsity
// for attention sparsity).
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_SY_BASE
#define SWITCHYARD_SY_BASE

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Sy_Dialect : Dialect {
  let name = "sy";
  let cppNamespace = "::switchyard::sy";
  let summary = "Mixture-of-Experts, pooling pyramids and sparse attention";
  let description = [{
    The `sy` dialect names the computations that general-purpose compilers
    handle badly, so that Switchyard's passes can fuse, tile and lower them as
    wholes:

    * Mixture-of-Experts: `sy.route` (router logits to top-k experts and
      weights), `sy.dispatch` (tokens to expert-contiguous order),
      `sy.grouped_matmul` (one GEMM per expert over ragged row groups) and
      `sy.combine` (weighted scatter-add back to token order);
    * `sy.pyramid_pool`: several pooling levels of one feature map (SPP,
      PSPNet PPM, DDRNet DAPPM, YOLO SPPF);
    * `sy.sparse_attention`: attention whose mask has a structure known at
      compile time (causal, sliding window, global tokens, block layout).

    All ops are pure functions on tensors. Index tensors (expert ids,
    offsets, permutations) are `i32` or `i64`.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

/// Base class: every sy op is pure and has a verifier.
class Sy_Op<string mnemonic, list<Trait> traits = []>
    : Op<Sy_Dialect, mnemonic, !listconcat([Pure], traits)> {
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Sy_RoutingMode : I32EnumAttr<"RoutingMode", "how router logits become scores and weights", [
    I32EnumAttrCase<"softmax_topk", 0>,
    I32EnumAttrCase<"topk_softmax", 1>,
    I32EnumAttrCase<"sigmoid_topk", 2>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_GroupScore : I32EnumAttr<"GroupScore", "score of an expert group in limited routing", [
    I32EnumAttrCase<"max", 0>,
    I32EnumAttrCase<"top2_sum", 1>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_Activation : I32EnumAttr<"Activation", "activation fused into a grouped GEMM", [
    I32EnumAttrCase<"identity", 0>,
    I32EnumAttrCase<"relu", 1>,
    I32EnumAttrCase<"gelu", 2>,
    I32EnumAttrCase<"gelu_tanh", 3>,
    I32EnumAttrCase<"silu", 4>,
    I32EnumAttrCase<"swiglu", 5>,
    I32EnumAttrCase<"swiglu_interleaved", 6>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_PoolMode : I32EnumAttr<"PoolMode", "pooling reduction", [
    I32EnumAttrCase<"avg", 0>,
    I32EnumAttrCase<"max", 1>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_ResizeCoordinates : I32EnumAttr<"ResizeCoordinates",
    "ONNX Resize's coordinate_transformation_mode of a bilinear upsampling", [
    I32EnumAttrCase<"half_pixel", 0>,
    I32EnumAttrCase<"pytorch_half_pixel", 1>,
    I32EnumAttrCase<"align_corners", 2>,
    I32EnumAttrCase<"asymmetric", 3>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_SparsityKind : I32EnumAttr<"SparsityKind", "structure of an attention mask", [
    I32EnumAttrCase<"causal", 0>,
    I32EnumAttrCase<"window", 1>,
    I32EnumAttrCase<"blocks", 2>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

def Sy_FullyMaskedRows : I32EnumAttr<"FullyMaskedRows", "output of a query row that sees no key", [
    I32EnumAttrCase<"nan", 0>,
    I32EnumAttrCase<"zero", 1>
  ]> {
  let cppNamespace = "::switchyard::sy";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class Sy_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Sy_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Sy_PoolLevelAttr : Sy_Attr<"PoolLevel", "level"> {
  let summary = "one level of a pooling pyramid";
  let description = [{
    One pooling level over the two spatial dimensions (H, W) of an NCHW
    tensor. Exactly one of two forms:

    * adaptive: `#sy.level<avg bins = [BH, BW]>` splits H into BH bins, bin
      `i` covering rows `[floor(i*H/BH), ceil((i+1)*H/BH))` (PyTorch's
      AdaptiveAvgPool2d/AdaptiveMaxPool2d edges; likewise W); the output is
      BH x BW.
    * window: `#sy.level<max kernel = [KH, KW] strides = [SH, SW]
      pads = [PT, PL, PB, PR] ceil_mode count_include_pad chained>`
      (strides default to 1, pads to 0; pads in ONNX order: begins, then
      ends). Output rows: `OH = floor((H + PT + PB - KH) / SH) + 1`; with
      `ceil_mode` the division rounds up, and a last window that would start
      at or beyond `H + PT` (entirely in the end padding) is dropped, i.e.
      `OH -= 1` when `(OH - 1) * SH >= H + PT`. Window `o` covers rows
      `[o*SH - PT, o*SH - PT + KH)`.

    `max` takes the maximum over the window's rows/columns inside the input
    (padding never wins). `avg` sums the window's elements inside the input
    and divides by the number of window positions inside the input, or, with
    `count_include_pad`, inside the padded extent `[-PT, H + PB)`
    (x `[-PL, W + PR)`), the rule of ONNX AveragePool and PyTorch AvgPool2d.
    An average over a window with no position inside the input is NaN.

    `chained` (window form only): the level reads the previous level's
    result instead of the pyramid's input, as YOLO SPPF chains its three
    max pools.
  }];
  let parameters = (ins
    "PoolMode":$mode,
    OptionalArrayRefParameter<"int64_t">:$bins,
    OptionalArrayRefParameter<"int64_t">:$kernel,
    OptionalArrayRefParameter<"int64_t">:$strides,
    OptionalArrayRefParameter<"int64_t">:$pads,
    "bool":$ceilMode,
    "bool":$countIncludePad,
    "bool":$chained
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isAdaptive() { return !getBins().empty(); }
    /// Stride of spatial dim `d` (0 = H, 1 = W); 1 when not given.
    int64_t getStride(unsigned d) {
      return getStrides().empty() ? 1 : getStrides()[d];
    }
    /// Padding before (`end` false) or after spatial dim `d`; 0 when absent.
    int64_t getPad(unsigned d, bool end) {
      return getPads().empty() ? 0 : getPads()[d + (end ? 2 : 0)];
    }
  }];
}

def Sy_SparsityAttr : Sy_Attr<"Sparsity", "sparsity"> {
  let summary = "which (query, key) pairs of attention are visible";
  let description = [{
    The structure of an attention mask, known at compile time. `visible(h,
    q, k)` for head `h`, query position `q` and key position `k`:

    * `#sy.sparsity<causal>`: `k <= q` (top-left aligned, as a lower
      triangular mask `tril(ones(Sq, Sk))`).
    * `#sy.sparsity<window [L, R]>`: `q - L <= k <= q + R`; `[128, 0]` is
      a causal sliding window of 129 keys.
    * either of the above with `, global G`: additionally visible when
      `q < G` or `k < G` (the first G tokens attend to and are attended by
      every token, as Longformer/BigBird global tokens).
    * `#sy.sparsity<blocks B, dense<...> : tensor<HLxQBxKBxi1>>`: the
      sequence is cut into blocks of B positions (the last block may be
      shorter); `visible = layout[h mod HL, q / B, k / B]`, with HL either 1
      a divisor of the number of query heads (heads use the HL layouts in
      turn), QB = ceil(Sq / B) (ceil(Sk / B) when the op has
      `query_offsets`: the layout's rows are then key positions),
      KB = ceil(Sk / B).
    * `#sy.sparsity<blocks B causal, ...>`: the same and `k <= q` (a
      block-sparse causal layout, as onnxruntime's SparseAttention: the
      diagonal blocks are partial).
  }];
  let parameters = (ins
    "SparsityKind":$kind,
    "int64_t":$windowLeft,
    "int64_t":$windowRight,
    "int64_t":$numGlobal,
    "int64_t":$blockSize,
    OptionalParameter<"::mlir::DenseIntElementsAttr">:$layout,
    DefaultValuedParameter<"bool", "false">:$causal
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // SWITCHYARD_SY_BASE
