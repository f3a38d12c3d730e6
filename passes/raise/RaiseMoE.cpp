//===- RaiseMoE.cpp - MoE layers to sy.route/dispatch/grouped_matmul ------===//
//
// One function per form of MoE layer; each checks everything its rewrite
// relies on before it changes the IR, and leaves a subgraph it does not
// recognise to the ONNX lowering. Forms:
//   raiseContribMoE              com.microsoft.MoE (onnxruntime's contrib op)
//   raiseDenseMaskedMoE          every expert computed as batched GEMMs and
//                                summed under a top-k-sparse [T, E] mask
//   raiseUnrolledDenseMaskedMoE  the same with one subgraph per expert
//   raiseEinsumCapacityMoE       Switch top-1 / GShard top-2 einsums, capacity
//   raiseExpertLoopMoE           Hugging Face's loop over experts: NonZero
//                                of each expert's mask, Gather, expert MLP,
//                                ScatterND add
// The pieces the forms share: matchRouting (router scores -> TopK ->
// weights), matchMask (the dense mask), matchExpertMLP (the expert MLP over
// stacked or per-expert GEMMs) and replaceWithSyMoE / buildSyMoE (the sy
// ops).
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "passes/lower/onnx/Contrib.h"
#include "passes/raise/OnnxMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace switchyard {
#define GEN_PASS_DEF_RAISEMOE
#include "passes/raise/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::onnx::ContribMoE;
using switchyard::onnx::NodeOp;
using switchyard::onnx::NodeView;
using namespace switchyard::raise;

namespace {

//===----------------------------------------------------------------------===//
// What every form becomes
//===----------------------------------------------------------------------===//

/// The router, as sy.route takes it.
struct Routing {
  Value logits; // [T, E]
  int64_t k = 0;
  sy::RoutingMode mode = sy::RoutingMode::softmax_topk;
  bool renormalize = false;
  int64_t capacity = 0; // 0: no token dropping
  // GShard top-2: weights renormalised after dropping, by max(sum, floor).
  std::optional<float> renormalizeKept;
};

/// One GEMM of the expert MLP: weights [E, K, N] (or [E, N, K] with
/// rhsTransposed) and an optional bias [E, N] (null when absent).
struct ExpertGemm {
  Value weights, bias;
  bool rhsTransposed = false;
};

/// The expert MLP: fc2(act(fc1(x))) per expert. For a SwiGLU whose gate and
/// up projections are separate GEMMs, `up` holds the up projection and fc1
/// the gate; buildSyMoE concatenates them.
struct ExpertMLP {
  ExpertGemm fc1, up, fc2;
  sy::Activation act = sy::Activation::identity;
};

/// Concatenates two constants (or, failing that, two values) along `dim`:
/// the gate and up halves of a SwiGLU become one fc1.
Value concatAlong(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  int64_t dim) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  SmallVector<int64_t> shape(lt.getShape());
  shape[dim] += rt.getDimSize(dim);
  auto type = RankedTensorType::get(shape, lt.getElementType());
  DenseElementsAttr l = constantValue(lhs), r = constantValue(rhs);
  if (!l || !r || !lt.getElementType().isF32())
    return tensor::ConcatOp::create(b, loc, dim, ValueRange{lhs, rhs});
  // Both are [outer, dim..] blocks: interleave one block of each per outer.
  int64_t outer = 1;
  for (int64_t i = 0; i < dim; ++i)
    outer *= lt.getDimSize(i);
  int64_t ln = l.getNumElements() / outer, rn = r.getNumElements() / outer;
  SmallVector<float> lv(l.getValues<float>()), rv(r.getValues<float>());
  SmallVector<float> out;
  out.reserve(lv.size() + rv.size());
  for (int64_t o = 0; o < outer; ++o) {
    out.append(lv.begin() + o * ln, lv.begin() + (o + 1) * ln);
    out.append(rv.begin() + o * rn, rv.begin() + (o + 1) * rn);
  }
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, ArrayRef(out)));
}

/// route -> dispatch -> grouped_matmul (fc1 + act) -> grouped_matmul (fc2)
/// -> combine over tokens `x` [T, H]; returns the [T, H] result.
Value buildSyMoE(OpBuilder &b, Location loc, Value x, const Routing &routing,
                 const ExpertMLP &mlp) {
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  auto logitsType = cast<RankedTensorType>(routing.logits.getType());
  int64_t t = logitsType.getDimSize(0), e = logitsType.getDimSize(1);
  int64_t h = cast<RankedTensorType>(x.getType()).getDimSize(1);
  int64_t k = routing.k, rows = t * k;

  ExpertGemm fc1 = mlp.fc1;
  if (mlp.up.weights) {
    // Gate columns first, then up: sy's concatenated `swiglu`.
    fc1.weights = concatAlong(b, loc, fc1.weights, mlp.up.weights,
                              fc1.rhsTransposed ? 1 : 2);
    if (fc1.bias)
      fc1.bias = concatAlong(b, loc, fc1.bias, mlp.up.bias, 1);
    // Halves made for this layer alone (stacked per-expert constants) are
    // dead now; the model's own stay until the dense subgraph goes.
    for (Value half : {mlp.fc1.weights, mlp.up.weights, mlp.fc1.bias,
                       mlp.up.bias})
      if (half && half.getDefiningOp())
        eraseDeadOps({half.getDefiningOp()});
  }
  auto fc2Type = cast<RankedTensorType>(mlp.fc2.weights.getType());
  int64_t inter = fc2Type.getDimSize(mlp.fc2.rhsTransposed ? 2 : 1);

  auto route = sy::RouteOp::create(
      b, loc, RankedTensorType::get({t, k}, i64),
      RankedTensorType::get({t, k}, f32), routing.logits, Value(), k,
      routing.mode, routing.renormalize,
      routing.capacity ? b.getI64IntegerAttr(routing.capacity) : IntegerAttr(),
      routing.renormalizeKept ? b.getF32FloatAttr(*routing.renormalizeKept)
                              : FloatAttr(),
      IntegerAttr(),
      IntegerAttr(), sy::GroupScoreAttr(), FloatAttr());
  auto dispatch = sy::DispatchOp::create(
      b, loc, RankedTensorType::get({rows, h}, f32),
      RankedTensorType::get({e + 1}, i64), RankedTensorType::get({t, k}, i64),
      x, route.getExpertIds(), e);
  auto h1 = sy::GroupedMatmulOp::create(
      b, loc, RankedTensorType::get({rows, inter}, f32),
      dispatch.getPermuted(), fc1.weights, dispatch.getOffsets(), fc1.bias,
      /*row_scale=*/Value(), fc1.rhsTransposed, mlp.act, /*tile_rows=*/IntegerAttr(),
      /*tile_cols=*/IntegerAttr());
  auto h2 = sy::GroupedMatmulOp::create(
      b, loc, RankedTensorType::get({rows, h}, f32), h1.getResult(),
      mlp.fc2.weights, dispatch.getOffsets(), mlp.fc2.bias,
      /*row_scale=*/Value(), mlp.fc2.rhsTransposed, sy::Activation::identity,
      /*tile_rows=*/IntegerAttr(), /*tile_cols=*/IntegerAttr());
  return sy::CombineOp::create(b, loc, RankedTensorType::get({t, h}, f32),
                               h2.getResult(), dispatch.getInverse(),
                               route.getWeights());
}

//===----------------------------------------------------------------------===//
// com.microsoft.MoE
//===----------------------------------------------------------------------===//

sy::Activation syActivation(ContribMoE::Activation act) {
  switch (act) {
  case ContribMoE::Identity:
    return sy::Activation::identity;
  case ContribMoE::Relu:
    return sy::Activation::relu;
  case ContribMoE::GeluTanh:
    return sy::Activation::gelu_tanh;
  case ContribMoE::Silu:
    return sy::Activation::silu;
  case ContribMoE::SwigluInterleaved:
    return sy::Activation::swiglu_interleaved;
  case ContribMoE::SwigluConcat:
    return sy::Activation::swiglu;
  }
  llvm_unreachable("unknown activation");
}

/// com.microsoft.MoE: softmax over all experts, then top-k (mode
/// softmax_topk), optionally renormalised; fc1 and fc2 keep onnxruntime's
/// [E, N, K] layout (rhs_transposed).
LogicalResult raiseContribMoE(NodeOp node) {
  NodeView view(node);
  FailureOr<ContribMoE> moe = switchyard::onnx::parseContribMoE(view);
  if (failed(moe))
    return failure();
  OpBuilder b(node);
  Location loc = node.getLoc();

  Value x = view.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  if (xType.getRank() == 3)
    x = tensor::CollapseShapeOp::create(
        b, loc, x, ArrayRef<ReassociationIndices>{{0, 1}, {2}});

  Routing routing{view.input(1), moe->k, sy::RoutingMode::softmax_topk,
                  moe->normalize, /*capacity=*/0,
                  /*renormalizeKept=*/std::nullopt};
  ExpertMLP mlp;
  mlp.fc1 = {view.input(2), moe->hasBias1 ? view.input(3) : Value(), true};
  mlp.fc2 = {view.input(4), moe->hasBias2 ? view.input(5) : Value(), true};
  mlp.act = syActivation(moe->activation);
  Value y = buildSyMoE(b, loc, x, routing, mlp);
  if (xType.getRank() == 3)
    y = tensor::ExpandShapeOp::create(
        b, loc, xType, y, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  node.getOutputs()[0].replaceAllUsesWith(y);
  node.erase();
  return success();
}

//===----------------------------------------------------------------------===//
// Routing: scores -> TopK -> weights
//===----------------------------------------------------------------------===//

/// True when `node` is a Softmax over the last axis of a rank-2 tensor (for
/// rank 2, opsets before 13 with axis 1 mean the same).
bool isLastAxisSoftmax(NodeOp node) {
  auto shape = staticShape(node.getInputs()[0]);
  if (!shape || shape->size() != 2)
    return false;
  return nodeAxis(node, node.getOpset() < 13 ? 1 : -1, 2) == 1;
}

/// Matches the per-choice routing weights `weights` [T, k] and expert ids
/// `ids` [T, k] to a TopK over router scores:
///   softmax_topk  TopK(Softmax(logits)) -> values
///   sigmoid_topk  TopK(Sigmoid(logits)) -> values
///   topk_softmax  Softmax(TopK(logits) values)
/// each optionally renormalised by Div(v, ReduceSum(v, last axis, keepdims)).
/// TopK must pick the largest along the last axis; ONNX breaks ties to the
/// lower index, as sy.route does.
FailureOr<Routing> matchRouting(Value weights, Value ids) {
  Routing routing;
  if (NodeOp div = defNode(weights, "Div")) {
    Value num = div.getInputs()[0];
    NodeOp sum = defNode(div.getInputs()[1], "ReduceSum");
    auto axes = sum ? nodeAxes(sum, 2) : std::nullopt;
    if (!sum || sum.getInputs()[0] != num || !axes ||
        *axes != SmallVector<int64_t>{1} ||
        NodeView(sum).intAttr("keepdims", 1) != 1)
      return failure();
    routing.renormalize = true;
    weights = num;
  }
  bool softmaxAfter = false;
  if (NodeOp softmax = defNode(weights, "Softmax")) {
    if (!isLastAxisSoftmax(softmax))
      return failure();
    softmaxAfter = true;
    weights = softmax.getInputs()[0];
  }
  NodeOp topk = defNodeOutput(weights, "TopK", 0);
  if (!topk || topk->getNumResults() != 2 || topk->getResult(1) != ids)
    return failure();
  NodeView view(topk);
  auto scoresShape = staticShape(view.input(0));
  auto k = view.constantInts(1);
  if (!scoresShape || scoresShape->size() != 2 || !k || k->size() != 1 ||
      (*k)[0] < 1 || (*k)[0] > (*scoresShape)[1] ||
      nodeAxis(topk, -1, 2) != 1 || view.intAttr("largest", 1) != 1)
    return failure();
  routing.k = (*k)[0];

  Value scores = view.input(0);
  if (softmaxAfter) {
    routing.mode = sy::RoutingMode::topk_softmax;
    routing.logits = scores;
    return routing;
  }
  if (NodeOp softmax = defNode(scores, "Softmax")) {
    if (!isLastAxisSoftmax(softmax))
      return failure();
    routing.mode = sy::RoutingMode::softmax_topk;
    routing.logits = softmax.getInputs()[0];
    return routing;
  }
  if (NodeOp sigmoid = defNode(scores, "Sigmoid")) {
    routing.mode = sy::RoutingMode::sigmoid_topk;
    routing.logits = sigmoid.getInputs()[0];
    return routing;
  }
  // TopK over raw logits with raw weights has no sy.route mode.
  return failure();
}

//===----------------------------------------------------------------------===//
// The expert MLP
//===----------------------------------------------------------------------===//

/// The operands of a binary node, swapped when `swap`.
std::pair<Value, Value> operandsOf(NodeOp node, bool swap) {
  Value a = node.getInputs()[0], b = node.getInputs()[1];
  return swap ? std::make_pair(b, a) : std::make_pair(a, b);
}

/// One GEMM of an expert MLP as matched: out = lhs x weights (+ bias).
struct MatchedGemm {
  Value lhs;
  ExpertGemm gemm;
};
using GemmMatcher = llvm::function_ref<std::optional<MatchedGemm>(Value)>;

/// K and N of a GEMM's weights ([.., K, N], or [.., N, K] transposed).
int64_t gemmK(const ExpertGemm &g) {
  auto shape = cast<RankedTensorType>(g.weights.getType()).getShape();
  return g.rhsTransposed ? shape.back() : shape[shape.size() - 2];
}
int64_t gemmN(const ExpertGemm &g) {
  auto shape = cast<RankedTensorType>(g.weights.getType()).getShape();
  return g.rhsTransposed ? shape[shape.size() - 2] : shape.back();
}

/// The equation of an Einsum node without spaces, split into its two
/// operands' subscripts and the output's; false unless it has that form.
bool einsumSubscripts(NodeOp node, std::string &a, std::string &b,
                      std::string &out) {
  if (node.getInputs().size() != 2)
    return false;
  std::string eq = NodeView(node).stringAttr("equation", "");
  llvm::erase(eq, ' ');
  auto [lhs, rhs] = StringRef(eq).split("->");
  auto [l, r] = lhs.split(',');
  a = l.str(), b = r.str(), out = rhs.str();
  return !a.empty() && !b.empty() && !out.empty() && eq.find("->") !=
                                                       std::string::npos;
}

/// True when all the characters of `s` differ.
bool distinctLetters(StringRef s) {
  return llvm::all_of(s, [&](char c) { return s.count(c) == 1; });
}

/// A batched matmul over experts: MatMul(lhs [E, R, K], W [E, K, N]), or
/// Einsum "erk,ekn->ern" (any letters) as GShard-style code writes it.
NodeOp batchedMatmul(Value v) {
  if (NodeOp mm = defNode(v, "MatMul"))
    return mm;
  NodeOp einsum = defNode(v, "Einsum");
  std::string a, b, out;
  if (!einsum || !einsumSubscripts(einsum, a, b, out) || a.size() != 3 ||
      b.size() != 3 || !distinctLetters(a) || !distinctLetters(b) ||
      b[0] != a[0] || b[1] != a[2] ||
      out != std::string{a[0], a[1], b[2]} || !distinctLetters(out) ||
      b[2] == a[1])
    return {};
  return einsum;
}

/// The stacked (batched) GEMM of all experts at once: `y` [E, R, N] =
/// batchedMatmul(lhs, W [E, K, N]) [+ bias broadcasting as [E, 1, N]],
/// where lhs is [E, R, K], or tokens [R, K] (or [1, R, K]) that broadcast
/// against W.
std::optional<MatchedGemm> matchStackedGemm(Value y, int64_t experts) {
  MatchedGemm m;
  auto outShape = staticShape(y);
  if (!outShape || outShape->size() != 3 || (*outShape)[0] != experts)
    return std::nullopt;
  if (NodeOp add = defNode(y, "Add")) {
    for (bool swap : {false, true}) {
      auto [mm, bias] = operandsOf(add, swap);
      if (batchedMatmul(mm) && staticShape(mm) == outShape &&
          staticShape(bias) ==
              SmallVector<int64_t>{experts, 1, outShape->back()}) {
        m.gemm.bias = bias;
        y = mm;
        break;
      }
    }
    if (!m.gemm.bias)
      return std::nullopt;
  }
  NodeOp mm = batchedMatmul(y);
  if (!mm)
    return std::nullopt;
  m.lhs = mm.getInputs()[0];
  m.gemm.weights = mm.getInputs()[1];
  auto w = staticShape(m.gemm.weights);
  if (!w || w->size() != 3 || (*w)[0] != experts)
    return std::nullopt;
  // [T, H] or Unsqueeze(x, [0]) = [1, T, H] broadcast alike against W.
  if (NodeOp unsq = defNode(m.lhs, "Unsqueeze")) {
    Value in = unsq.getInputs()[0];
    auto shape = staticShape(in);
    if (shape && shape->size() == 2 &&
        nodeAxes(unsq, 3) == SmallVector<int64_t>{0})
      m.lhs = in;
  }
  return m;
}

/// One expert's own GEMM on [T, K] tokens: Gemm(lhs, W, C) (alpha = beta =
/// 1, transA = 0; transB gives the [N, K] layout) or MatMul(lhs, W [K, N])
/// [+ bias]; the bias is [N] or [1, N]. T may be dynamic (the tokens a
/// per-expert loop gathered).
std::optional<MatchedGemm> matchPlainGemm(Value y) {
  MatchedGemm m;
  auto outShape = rankedShape(y);
  if (!outShape || outShape->size() != 2 ||
      ShapedType::isDynamic(outShape->back()))
    return std::nullopt;
  auto isBias = [&](Value bias) {
    auto shape = staticShape(bias);
    return shape && (*shape == SmallVector<int64_t>{outShape->back()} ||
                     *shape == SmallVector<int64_t>{1, outShape->back()});
  };
  if (NodeOp gemm = defNode(y, "Gemm")) {
    NodeView view(gemm);
    if (view.floatAttr("alpha", 1) != 1 || view.floatAttr("beta", 1) != 1 ||
        view.intAttr("transA", 0) != 0 ||
        (view.hasInput(2) && !isBias(view.input(2))))
      return std::nullopt;
    m.lhs = view.input(0);
    m.gemm = {view.input(1), view.input(2), view.intAttr("transB", 0) != 0};
  } else {
    if (NodeOp add = defNode(y, "Add")) {
      for (bool swap : {false, true}) {
        auto [mm, bias] = operandsOf(add, swap);
        if (defNode(mm, "MatMul") && rankedShape(mm) == outShape &&
            isBias(bias)) {
          m.gemm.bias = bias;
          y = mm;
          break;
        }
      }
      if (!m.gemm.bias)
        return std::nullopt;
    }
    NodeOp mm = defNode(y, "MatMul");
    if (!mm)
      return std::nullopt;
    m.lhs = mm.getInputs()[0];
    m.gemm.weights = mm.getInputs()[1];
  }
  auto w = staticShape(m.gemm.weights);
  auto x = rankedShape(m.lhs);
  if (!w || w->size() != 2 || !x || x->size() != 2 ||
      ShapedType::isDynamic(x->back()))
    return std::nullopt;
  return m;
}

/// `z * sigmoid(z)` (either order): returns z.
Value matchSilu(Value v) {
  NodeOp mul = defNode(v, "Mul");
  if (!mul)
    return {};
  for (bool swap : {false, true}) {
    auto [z, s] = operandsOf(mul, swap);
    NodeOp sigmoid = defNode(s, "Sigmoid");
    if (sigmoid && sigmoid.getInputs()[0] == z)
      return z;
  }
  return {};
}

/// The expert MLP computing `y` from tokens [T, H], with GEMMs `matchGemm`
/// recognises:
///   fc2(act(fc1(x)))      act in relu, gelu (erf or tanh), silu, identity
///   fc2(silu(gate(x)) * up(x))                          (SwiGLU)
/// Returns the tokens in `tokens`.
std::optional<ExpertMLP> matchExpertMLP(Value y, GemmMatcher matchGemm,
                                        Value &tokens) {
  auto fc2 = matchGemm(y);
  if (!fc2)
    return std::nullopt;
  ExpertMLP mlp;
  mlp.fc2 = fc2->gemm;
  Value a = fc2->lhs, z;
  if (NodeOp relu = defNode(a, "Relu")) {
    mlp.act = sy::Activation::relu;
    z = relu.getInputs()[0];
  } else if (NodeOp gelu = defNode(a, "Gelu")) {
    std::string approx = NodeView(gelu).stringAttr("approximate", "none");
    if (approx != "none" && approx != "tanh")
      return std::nullopt;
    mlp.act =
        approx == "tanh" ? sy::Activation::gelu_tanh : sy::Activation::gelu;
    z = gelu.getInputs()[0];
  } else if (Value s = matchSilu(a)) {
    mlp.act = sy::Activation::silu;
    z = s;
  } else if (NodeOp mul = defNode(a, "Mul")) {
    // SwiGLU: silu(gate) * up, in either order.
    for (bool swap : {false, true}) {
      auto [g, u] = operandsOf(mul, swap);
      Value gz = matchSilu(g);
      auto gate = gz ? matchGemm(gz) : std::nullopt;
      auto up = matchGemm(u);
      if (!gate || !up || gate->lhs != up->lhs ||
          static_cast<bool>(gate->gemm.bias) !=
              static_cast<bool>(up->gemm.bias) ||
          gate->gemm.rhsTransposed != up->gemm.rhsTransposed ||
          gate->gemm.weights.getType() != up->gemm.weights.getType())
        continue;
      mlp.act = sy::Activation::swiglu;
      mlp.fc1 = gate->gemm;
      mlp.up = up->gemm;
      tokens = gate->lhs;
      break;
    }
    if (mlp.act != sy::Activation::swiglu)
      return std::nullopt;
  } else {
    z = a; // identity
  }
  if (z) {
    auto fc1 = matchGemm(z);
    if (!fc1)
      return std::nullopt;
    mlp.fc1 = fc1->gemm;
    tokens = fc1->lhs;
  }
  // Shapes: tokens [.., H]; fc1 H -> I; fc2 I -> H. The GEMM matchers
  // checked that H is static; the leading dims may not be.
  auto x = rankedShape(tokens);
  if (!x || x->empty() || gemmK(mlp.fc1) != x->back() ||
      gemmN(mlp.fc1) != gemmK(mlp.fc2) || gemmN(mlp.fc2) != x->back())
    return std::nullopt;
  return mlp;
}

/// A stacked bias [E, 1, N] as [E, N] (a new constant when it is one).
Value collapseStackedBias(OpBuilder &b, Location loc, Value bias) {
  if (!bias)
    return bias;
  auto type = cast<RankedTensorType>(bias.getType());
  auto flat = RankedTensorType::get({type.getDimSize(0), type.getDimSize(2)},
                                    type.getElementType());
  if (DenseElementsAttr attr = constantValue(bias))
    return arith::ConstantOp::create(b, loc, attr.reshape(flat));
  return tensor::CollapseShapeOp::create(
      b, loc, flat, bias, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
}

/// Every bias of a stacked MLP in sy.grouped_matmul's [E, N] form.
void collapseStackedBiases(OpBuilder &b, Location loc, ExpertMLP &mlp) {
  for (ExpertGemm *gemm : {&mlp.fc1, &mlp.up, &mlp.fc2})
    gemm->bias = collapseStackedBias(b, loc, gemm->bias);
}

/// Replaces `root`'s result by the sy layer over tokens `x` (buildSyMoE)
/// and erases the subgraph that only fed it.
void replaceWithSyMoE(OpBuilder &b, NodeOp root, Value x,
                      const Routing &routing, const ExpertMLP &mlp) {
  Value y = buildSyMoE(b, root.getLoc(), x, routing, mlp);
  root.getOutputs()[0].replaceAllUsesWith(y);
  eraseDeadOps({root.getOperation()});
}

//===----------------------------------------------------------------------===//
// Dense-masked form
//===----------------------------------------------------------------------===//

/// Looks through Casts (one-hot masks go bool -> int -> float).
Value stripCasts(Value v) {
  while (NodeOp cast = defNode(v, "Cast"))
    v = cast.getInputs()[0];
  return v;
}

/// The ids [..] that `oneHot` [.., N] one-hot encodes over `classes` = N
/// along its last axis, or null: OneHot(ids, N, [0, 1]) or, as torch
/// exports F.one_hot, Equal(Unsqueeze(ids, [-1]), [0, 1, ..., N-1]), either
/// under Casts.
Value oneHotIds(Value oneHot, int64_t classes) {
  oneHot = stripCasts(oneHot);
  auto shape = staticShape(oneHot);
  if (!shape || shape->empty() || shape->back() != classes)
    return {};
  int64_t rank = shape->size();
  if (NodeOp node = defNode(oneHot, "OneHot")) {
    NodeView view(node);
    auto depth = view.constantInts(1);
    DenseElementsAttr values = view.constantInput(2);
    if (!depth || *depth != SmallVector<int64_t>{classes} || !values ||
        values.getNumElements() != 2 || nodeAxis(node, -1, rank) != rank - 1)
      return {};
    SmallVector<double> offOn;
    for (Attribute a : values.getValues<Attribute>()) {
      if (auto f = dyn_cast<FloatAttr>(a))
        offOn.push_back(f.getValueAsDouble());
      else
        offOn.push_back(cast<IntegerAttr>(a).getInt());
    }
    return offOn == SmallVector<double>{0, 1} ? view.input(0) : Value();
  }
  NodeOp equal = defNode(oneHot, "Equal");
  if (!equal)
    return {};
  for (bool swap : {false, true}) {
    auto [lhs, range] = operandsOf(equal, swap);
    NodeOp unsq = defNode(lhs, "Unsqueeze");
    DenseElementsAttr r = constantValue(range);
    if (!unsq || nodeAxes(unsq, rank) != SmallVector<int64_t>{rank - 1} ||
        !r || r.getType().getRank() != 1 || r.getNumElements() != classes ||
        !r.getElementType().isInteger())
      continue;
    int64_t want = 0;
    bool isRange = true;
    for (const APInt &v : r.getValues<APInt>())
      isRange &= v.getSExtValue() == want++;
    if (isRange)
      return unsq.getInputs()[0];
  }
  return {};
}

/// The routing behind a dense [T, E] mask that is zero except at the top-k
/// choices, where it holds their weights:
///   ScatterElements(zeros [T, E], ids, weights, axis = 1)
///   ReduceSum(OneHot(ids) [T, k, E] * Unsqueeze(weights, [2]), [1])
FailureOr<Routing> matchMask(Value mask, int64_t experts) {
  auto maskShape = staticShape(mask);
  if (!maskShape || maskShape->size() != 2 || (*maskShape)[1] != experts)
    return failure();
  Value weights, ids;
  if (NodeOp scatter = defNode(mask, "ScatterElements")) {
    NodeView view(scatter);
    if (!isSplatConstant(view.input(0), 0.0) ||
        nodeAxis(scatter, 0, 2) != 1 ||
        view.stringAttr("reduction", "none") != "none")
      return failure();
    ids = view.input(1);
    weights = view.input(2);
  } else if (NodeOp sum = defNode(mask, "ReduceSum")) {
    NodeOp mul = defNode(sum.getInputs()[0], "Mul");
    if (!mul || nodeAxes(sum, 3) != SmallVector<int64_t>{1} ||
        NodeView(sum).intAttr("keepdims", 1) != 0)
      return failure();
    for (bool swap : {false, true}) {
      auto [oneHot, scale] = operandsOf(mul, swap);
      NodeOp unsq = defNode(scale, "Unsqueeze");
      if (!unsq || nodeAxes(unsq, 3) != SmallVector<int64_t>{2})
        continue;
      // matchRouting checks that the ids are the routing TopK's.
      ids = oneHotIds(oneHot, experts);
      weights = unsq.getInputs()[0];
      if (ids)
        break;
    }
    if (!ids)
      return failure();
  } else {
    return failure();
  }
  FailureOr<Routing> routing = matchRouting(weights, ids);
  if (failed(routing) || staticShape(routing->logits) != *maskShape)
    return failure();
  return routing;
}

/// The stacked combine `y [T, H] = sum_e mask[:, e] * expertOut[e]`:
///   ReduceSum(expertOut [E, T, H] * Unsqueeze(Transpose(mask, [1, 0]), [2]),
///             axes = [0], keepdims = 0)
///   Einsum("te,eth->th", mask, expertOut)      (any letters, either order)
/// Returns {mask, expertOut}.
std::optional<std::pair<Value, Value>> matchStackedCombine(NodeOp root) {
  auto outShape = staticShape(root.getOutputs()[0]);
  if (!outShape || outShape->size() != 2)
    return std::nullopt;
  if (root.getOpType() == "Einsum") {
    std::string a, b, out;
    if (!einsumSubscripts(root, a, b, out))
      return std::nullopt;
    for (bool swap : {false, true}) {
      auto [mask, expertOut] = operandsOf(root, swap);
      const std::string &m = swap ? b : a, &y = swap ? a : b;
      // m = "te", y = "eth", out = "th" for distinct t, e, h.
      if (m.size() == 2 && y.size() == 3 && distinctLetters(y) &&
          y[0] == m[1] && y[1] == m[0] && out == std::string{m[0], y[2]} &&
          staticShape(mask) && staticShape(mask)->size() == 2)
        return std::make_pair(mask, expertOut);
    }
    return std::nullopt;
  }
  auto inShape = staticShape(root.getInputs()[0]);
  NodeOp mul = defNode(root.getInputs()[0], "Mul");
  if (!mul || !inShape || inShape->size() != 3 ||
      nodeAxes(root, 3) != SmallVector<int64_t>{0} ||
      NodeView(root).intAttr("keepdims", 1) != 0)
    return std::nullopt;
  for (bool swap : {false, true}) {
    auto [expertOut, scale] = operandsOf(mul, swap);
    NodeOp unsq = defNode(scale, "Unsqueeze");
    if (!unsq || nodeAxes(unsq, 3) != SmallVector<int64_t>{2})
      continue;
    NodeOp transpose = defNode(unsq.getInputs()[0], "Transpose");
    if (transpose &&
        NodeView(transpose).intsAttr("perm") == SmallVector<int64_t>{1, 0})
      return std::make_pair(transpose.getInputs()[0], expertOut);
  }
  return std::nullopt;
}

/// Every expert runs on every token, and a [T, E] mask that is zero except
/// at the top-k choices weights and sums them (`root` is the combine, see
/// matchStackedCombine; the mask, see matchMask). Since the mask is zero
/// off the chosen experts, y[t] = sum_j w[t, j] * expert_{ids[t, j]}(x[t]):
/// exactly route -> dispatch -> grouped GEMMs -> combine.
LogicalResult raiseDenseMaskedMoE(NodeOp root) {
  auto combine = matchStackedCombine(root);
  if (!combine)
    return failure();
  auto [mask, expertOut] = *combine;
  auto yShape = staticShape(expertOut);
  if (!yShape || yShape->size() != 3)
    return failure();
  int64_t experts = (*yShape)[0];
  FailureOr<Routing> routing = matchMask(mask, experts);
  if (failed(routing))
    return failure();
  Value tokens;
  std::optional<ExpertMLP> mlp = matchExpertMLP(
      expertOut,
      [&](Value v) { return matchStackedGemm(v, experts); }, tokens);
  auto maskShape = *staticShape(mask);
  auto xShape = mlp ? staticShape(tokens) : std::nullopt;
  if (!xShape || xShape->size() != 2 || (*xShape)[0] != maskShape[0] ||
      *yShape != SmallVector<int64_t>{experts, maskShape[0],
                                      (*staticShape(root.getOutputs()[0]))[1]})
    return failure();

  OpBuilder b(root);
  collapseStackedBiases(b, root.getLoc(), *mlp);
  replaceWithSyMoE(b, root, tokens, *routing, *mlp);
  return success();
}

//===----------------------------------------------------------------------===//
// Dense-masked form, one subgraph per expert
//===----------------------------------------------------------------------===//

/// Which column of a [T, E] mask `col` [T, 1] is: Slice(mask, [e], [e+1],
/// [1]) (steps 1) or Unsqueeze(Gather(mask, e, axis = 1), [1]). Sets `mask`
/// and returns e, or -1.
int64_t maskColumn(Value col, Value &mask) {
  if (NodeOp slice = defNode(col, "Slice")) {
    auto shape = staticShape(slice.getInputs()[0]);
    auto kept = unitSlice(slice);
    if (!shape || shape->size() != 2 || !kept || kept->axis != 1)
      return -1;
    mask = slice.getInputs()[0];
    return kept->index;
  }
  NodeOp unsq = defNode(col, "Unsqueeze");
  NodeOp gather = unsq ? defNode(unsq.getInputs()[0], "Gather") : NodeOp();
  if (!gather || nodeAxes(unsq, 2) != SmallVector<int64_t>{1})
    return -1;
  auto shape = staticShape(gather.getInputs()[0]);
  auto index = gatherScalarIndex(gather);
  if (!shape || shape->size() != 2 || nodeAxis(gather, 0, 2) != 1 || !index)
    return -1;
  int64_t e = *index < 0 ? *index + (*shape)[1] : *index;
  if (e < 0 || e >= (*shape)[1])
    return -1;
  mask = gather.getInputs()[0];
  return e;
}

/// The terms of a sum of Adds; false when a leaf is not a Mul, or past
/// `budget` nodes (Adds of Adds sharing operands would otherwise be walked
/// exponentially often).
bool collectProducts(Value v, SmallVectorImpl<NodeOp> &products,
                     int &budget) {
  if (--budget < 0)
    return false;
  if (NodeOp add = defNode(v, "Add"))
    return collectProducts(add.getInputs()[0], products, budget) &&
           collectProducts(add.getInputs()[1], products, budget);
  NodeOp mul = defNode(v, "Mul");
  if (!mul)
    return false;
  products.push_back(mul);
  return true;
}

/// True when `v` is an f32 constant.
bool isF32Constant(Value v) {
  DenseElementsAttr attr = constantValue(v);
  return attr && attr.getElementType().isF32();
}

/// The experts' own constants stacked into one [E, ...] constant; a bias
/// ([N] or [1, N]) becomes [E, N].
Value stackConstants(OpBuilder &b, Location loc, ArrayRef<Value> parts,
                     bool isBias) {
  auto partType = cast<RankedTensorType>(parts.front().getType());
  SmallVector<int64_t> shape{static_cast<int64_t>(parts.size())};
  if (isBias)
    shape.push_back(partType.getShape().back());
  else
    llvm::append_range(shape, partType.getShape());
  SmallVector<float> values;
  values.reserve(parts.size() * partType.getNumElements());
  for (Value part : parts)
    llvm::append_range(values, constantValue(part).getValues<float>());
  auto type = RankedTensorType::get(shape, partType.getElementType());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef(values)));
}

/// True when the per-expert MLPs `mlps` (expert e at index e) can be
/// stacked into one: the same activation and GEMM layouts, and f32
/// constant weights and biases of equal types.
bool stackable(ArrayRef<ExpertMLP> mlps) {
  const ExpertMLP &first = mlps.front();
  for (const ExpertMLP &mlp : mlps) {
    for (auto [g, f] : {std::pair(&mlp.fc1, &first.fc1),
                        std::pair(&mlp.up, &first.up),
                        std::pair(&mlp.fc2, &first.fc2)}) {
      if (static_cast<bool>(g->weights) != static_cast<bool>(f->weights))
        return false;
      if (!g->weights)
        continue;
      if (!isF32Constant(g->weights) || (g->bias && !isF32Constant(g->bias)) ||
          g->weights.getType() != f->weights.getType() ||
          g->rhsTransposed != f->rhsTransposed ||
          (g->bias ? g->bias.getType() : Type()) !=
              (f->bias ? f->bias.getType() : Type()))
        return false;
    }
    if (mlp.act != first.act)
      return false;
  }
  return true;
}

/// The per-expert MLPs (stackable) as one MLP over [E, ...] constants.
ExpertMLP stackExpertMLPs(OpBuilder &b, Location loc,
                          ArrayRef<ExpertMLP> mlps) {
  ExpertMLP stacked = mlps.front();
  auto stack = [&](ExpertGemm ExpertMLP::*member, ExpertGemm &out) {
    if (!(mlps.front().*member).weights)
      return;
    SmallVector<Value> weights, biases;
    for (const ExpertMLP &mlp : mlps) {
      weights.push_back((mlp.*member).weights);
      biases.push_back((mlp.*member).bias);
    }
    out.weights = stackConstants(b, loc, weights, /*isBias=*/false);
    out.bias = biases.front() ? stackConstants(b, loc, biases, true) : Value();
  };
  stack(&ExpertMLP::fc1, stacked.fc1);
  stack(&ExpertMLP::up, stacked.up);
  stack(&ExpertMLP::fc2, stacked.fc2);
  return stacked;
}

/// The dense-masked form written as a loop over experts, each its own
/// subgraph (torch's `for e, expert in enumerate(experts): out = out +
/// mask[:, e:e+1] * expert(x)` over an nn.ModuleList):
///   root = sum over e of Mul(maskColumn(mask, e), expert_e(x))
/// with every expert 0..E-1 exactly once, the same MLP shape and constant
/// weights. The per-expert weights are stacked into [E, ...] constants.
LogicalResult raiseUnrolledDenseMaskedMoE(NodeOp root) {
  SmallVector<NodeOp> products;
  int budget = 1024;
  if (!collectProducts(root.getOutputs()[0], products, budget) ||
      products.size() < 2)
    return failure();
  Value mask;
  SmallVector<Value> expertOut(products.size());
  for (NodeOp mul : products) {
    bool found = false;
    for (bool swap : {false, true}) {
      auto [col, y] = operandsOf(mul, swap);
      Value m;
      int64_t e = maskColumn(col, m);
      // maskColumn checked that m is a static [T, E'] tensor.
      if (e < 0 || (mask && m != mask) ||
          staticShape(m)->back() != static_cast<int64_t>(products.size()) ||
          expertOut[e])
        continue;
      mask = m;
      expertOut[e] = y;
      found = true;
      break;
    }
    if (!found)
      return failure();
  }
  int64_t experts = products.size();
  FailureOr<Routing> routing = matchMask(mask, experts);
  if (failed(routing))
    return failure();

  // Every expert: the same MLP on the same tokens, constant weights.
  SmallVector<ExpertMLP> mlps;
  Value tokens;
  for (Value y : expertOut) {
    Value x;
    auto mlp = matchExpertMLP(y, matchPlainGemm, x);
    if (!mlp || (tokens && x != tokens))
      return failure();
    tokens = x;
    mlps.push_back(*mlp);
  }
  auto outShape = staticShape(root.getOutputs()[0]);
  auto xShape = staticShape(tokens);
  if (!stackable(mlps) || !xShape ||
      (*xShape)[0] != (*staticShape(mask))[0] || !outShape ||
      *outShape != *xShape)
    return failure();

  OpBuilder b(root);
  replaceWithSyMoE(b, root, tokens, *routing,
                   stackExpertMLPs(b, root.getLoc(), mlps));
  return success();
}

//===----------------------------------------------------------------------===//
// GShard/Switch einsum form with capacity
//===----------------------------------------------------------------------===//

/// The factors of a product of Muls (broadcasting ones included).
void collectFactors(Value v, SmallVectorImpl<Value> &factors, int &budget) {
  NodeOp mul = defNode(v, "Mul");
  if (--budget < 0 || !mul) {
    factors.push_back(v);
    return;
  }
  collectFactors(mul.getInputs()[0], factors, budget);
  collectFactors(mul.getInputs()[1], factors, budget);
}

/// `v` = ReduceSum(Mul(a, b), axes = [1], keepdims = 0) with b == `mask`:
/// returns a (the per-token sum of a over the mask), else null.
Value maskedRowSum(Value v, Value mask) {
  NodeOp sum = defNode(v, "ReduceSum");
  NodeOp mul = sum ? defNode(sum.getInputs()[0], "Mul") : NodeOp();
  if (!mul || nodeAxes(sum, 2) != SmallVector<int64_t>{1} ||
      NodeView(sum).intAttr("keepdims", 1) != 0)
    return {};
  for (bool swap : {false, true}) {
    auto [a, m] = operandsOf(mul, swap);
    if (m == mask)
      return a;
  }
  return {};
}

/// True when `dispatch` is the 0/1 indicator of `combine` > 0 (the
/// combine weights are softmax probabilities, never negative):
/// Cast(Greater(combine, 0)) or Cast(Cast(combine, bool)).
bool isIndicatorOf(Value dispatch, Value combine) {
  NodeOp toFloat = defNode(dispatch, "Cast");
  if (!toFloat)
    return false;
  Value in = toFloat.getInputs()[0];
  if (NodeOp greater = defNode(in, "Greater"))
    return greater.getInputs()[0] == combine &&
           isSplatConstant(greater.getInputs()[1], 0.0);
  NodeOp toBool = defNode(in, "Cast");
  return toBool && toBool.getInputs()[0] == combine &&
         NodeView(toBool).intAttr("to", 0) == 9; // TensorProto.BOOL
}

/// One choice's term of the combine tensor [T, E, C]:
///   gate[:, None, None] * mask[:, :, None] * one_hot(pos, C)[:, None, :]
/// as a product of three Unsqueezes (any order and nesting).
struct CapacityTerm {
  Value gate, mask, slot;
};

std::optional<CapacityTerm> matchCapacityTerm(Value term) {
  SmallVector<Value> factors;
  int budget = 8;
  collectFactors(term, factors, budget);
  CapacityTerm out;
  for (Value f : factors) {
    NodeOp unsq = defNode(f, "Unsqueeze");
    auto axes = unsq ? nodeAxes(unsq, 3) : std::nullopt;
    if (!axes)
      return std::nullopt;
    Value in = unsq.getInputs()[0];
    if (*axes == SmallVector<int64_t>{1, 2} && !out.gate)
      out.gate = in;
    else if (*axes == SmallVector<int64_t>{2} && !out.mask)
      out.mask = in;
    else if (*axes == SmallVector<int64_t>{1} && !out.slot)
      out.slot = in;
    else
      return std::nullopt;
  }
  if (!out.gate || !out.mask || !out.slot)
    return std::nullopt;
  return out;
}

/// One choice's capacity mask: mask = onehot * Cast(Less(loc, cap)) with
/// loc = CumSum(onehot, axis 0) - 1, plus, for a second choice,
/// ReduceSum(first onehot, axes [0], keepdims 1) (second choices queue
/// behind every first choice, GShard's choice-major order).
struct CapacityMask {
  Value oneHot, ids, loc;
  int64_t capacity = 0;
};

std::optional<CapacityMask> matchCapacityMask(Value mask, int64_t e,
                                              int64_t slots,
                                              Value firstOneHot) {
  NodeOp maskMul = defNode(mask, "Mul");
  if (!maskMul)
    return std::nullopt;
  for (bool swap : {false, true}) {
    auto [oneHot, keep] = operandsOf(maskMul, swap);
    Value ids = oneHotIds(oneHot, e);
    NodeOp less = defNode(stripCasts(keep), "Less");
    if (!ids || !less)
      continue;
    Value loc = less.getInputs()[0], ranks = loc;
    if (firstOneHot) {
      // loc = (CumSum - 1) + ReduceSum(first, axes 0, keepdims 1).
      NodeOp add = defNode(loc, "Add");
      if (!add)
        continue;
      ranks = Value();
      for (bool s : {false, true}) {
        auto [r, count] = operandsOf(add, s);
        NodeOp sum = defNode(count, "ReduceSum");
        if (sum && sum.getInputs()[0] == firstOneHot &&
            nodeAxes(sum, 2) == SmallVector<int64_t>{0} &&
            NodeView(sum).intAttr("keepdims", 1) == 1) {
          ranks = r;
          break;
        }
      }
      if (!ranks)
        continue;
    }
    NodeOp sub = defNode(ranks, "Sub");
    NodeOp cumsum = sub ? defNode(sub.getInputs()[0], "CumSum") : NodeOp();
    if (!cumsum || !isSplatConstant(sub.getInputs()[1], 1.0) ||
        cumsum.getInputs()[0] != oneHot ||
        NodeView(cumsum).constantInts(1) != SmallVector<int64_t>{0} ||
        NodeView(cumsum).intAttr("exclusive", 0) != 0 ||
        NodeView(cumsum).intAttr("reverse", 0) != 0)
      continue;
    DenseElementsAttr cap = constantValue(less.getInputs()[1]);
    if (!cap || !cap.isSplat() || !isa<FloatType>(cap.getElementType()))
      continue;
    double c = cap.getSplatValue<APFloat>().convertToDouble();
    if (c < 1 || c != std::floor(c) || c > slots)
      continue;
    return CapacityMask{oneHot, ids, loc, static_cast<int64_t>(c)};
  }
  return std::nullopt;
}

/// ArgMax(v, axis 1, keepdims 0) without select_last_index: its input.
Value argMaxInput(Value ids) {
  NodeOp argmax = defNode(ids, "ArgMax");
  if (!argmax || nodeAxis(argmax, 0, 2) != 1 ||
      NodeView(argmax).intAttr("keepdims", 1) != 0 ||
      NodeView(argmax).intAttr("select_last_index", 0) != 0)
    return {};
  return argmax.getInputs()[0];
}

/// True when `v` is `src` with the first choice masked out:
/// Where(Cast(firstOneHot, bool), -inf, src).
bool isFirstMaskedOut(Value v, Value src, Value firstOneHot) {
  NodeOp where = defNode(v, "Where");
  if (!where || where.getInputs()[2] != src)
    return false;
  NodeOp toBool = defNode(where.getInputs()[0], "Cast");
  DenseElementsAttr fill = constantValue(where.getInputs()[1]);
  return toBool && toBool.getInputs()[0] == firstOneHot &&
         NodeView(toBool).intAttr("to", 0) == 9 && fill && fill.isSplat() &&
         isa<FloatType>(fill.getElementType()) &&
         fill.getSplatValue<APFloat>().isInfinity() &&
         fill.getSplatValue<APFloat>().isNegative();
}

/// GShard top-2's renormalised gate: Div(g, denom) with denom =
/// Clip(g1 + g2, eps) or Max(g1 + g2, eps); returns g and sets `sum`
/// (g1 + g2) and `floor` (eps), else null.
Value keptGate(Value gate, Value &sum, float &floor) {
  NodeOp div = defNode(gate, "Div");
  if (!div)
    return {};
  Value denom = div.getInputs()[1];
  NodeOp clamp = defNode(denom, "Clip");
  Value floorValue;
  if (clamp && clamp.getInputs().size() == 2) {
    floorValue = clamp.getInputs()[1];
    sum = clamp.getInputs()[0];
  } else if (NodeOp max = defNode(denom, "Max");
             max && max.getInputs().size() == 2) {
    for (bool swap : {false, true}) {
      auto [x, f] = operandsOf(max, swap);
      if (constantValue(f)) {
        sum = x;
        floorValue = f;
        break;
      }
    }
  }
  DenseElementsAttr f = floorValue ? constantValue(floorValue) : nullptr;
  if (!f || !f.isSplat() || !isa<FloatType>(f.getElementType()))
    return {};
  floor = f.getSplatValue<APFloat>().convertToFloat();
  if (!(floor >= 0) || std::isinf(floor))
    return {};
  return div.getInputs()[0];
}

/// Switch Transformer top-1 and GShard top-2 routing with expert capacity
/// cap, as einsums over one-hot dispatch and combine tensors [T, E, C]:
///   probs   = Softmax(logits);  ids1 = ArgMax(probs)
///   ids2    = ArgMax(Where(onehot1, -inf, logits or probs))     (top-2)
///   loc_j   = CumSum(onehot_j, axis 0) - 1  (+ count of first choices, j=2)
///   mask_j  = onehot_j * (loc_j < cap)          (drops a full expert's choices)
///   g_j     = sum_e probs * mask_j;  pos_j = sum_e loc_j * mask_j
///   gate_j  = g_j (top-1), g_j / max(g1 + g2, eps) (top-2)
///   combine = sum_j gate_j[:, None, None] * mask_j[:, :, None]
///                   * one_hot(pos_j, C)[:, None]
///   dispatch = combine > 0
///   xin = Einsum("tec,th->ech", dispatch, x);  out = experts(xin) [E, C, H]
///   y   = Einsum("tec,ech->th", combine, out)          (`root`)
/// Choice (t, j) keeps its expert when fewer than cap choices queued before
/// it (all first choices, in token order, then the second ones), and then
/// y[t] = sum_j gate_j * expert_{ids_j}(x[t]): sy.route with top_k = K,
/// capacity = cap (cap <= C, so every kept choice has its own slot) and,
/// for top-2, renormalize_kept = eps. The second ArgMax over masked logits
/// picks the expert with the second largest probability (softmax is
/// monotonic); only a tie that rounding creates in the softmax could tell
/// them apart.
LogicalResult raiseEinsumCapacityMoE(NodeOp root) {
  std::string a, b, out;
  if (!einsumSubscripts(root, a, b, out))
    return failure();
  Value combine, expertOut;
  for (bool swap : {false, true}) {
    auto [c, y] = operandsOf(root, swap);
    const std::string &cs = swap ? b : a, &ys = swap ? a : b;
    if (cs.size() == 3 && ys.size() == 3 && distinctLetters(cs) &&
        ys[0] == cs[1] && ys[1] == cs[2] && !llvm::is_contained(cs, ys[2]) &&
        out == std::string{cs[0], ys[2]}) {
      combine = c;
      expertOut = y;
      break;
    }
  }
  auto cShape = combine ? staticShape(combine) : std::nullopt;
  auto yShape = expertOut ? staticShape(expertOut) : std::nullopt;
  if (!cShape || !yShape)
    return failure();
  int64_t t = (*cShape)[0], e = (*cShape)[1], slots = (*cShape)[2];

  // The experts on their dispatched slots.
  Value xin;
  std::optional<ExpertMLP> mlp = matchExpertMLP(
      expertOut, [&](Value v) { return matchStackedGemm(v, e); }, xin);
  NodeOp dispatchSum = mlp ? defNode(xin, "Einsum") : NodeOp();
  if (!dispatchSum || !einsumSubscripts(dispatchSum, a, b, out))
    return failure();
  Value x;
  for (bool swap : {false, true}) {
    auto [d, tokens] = operandsOf(dispatchSum, swap);
    const std::string &ds = swap ? b : a, &xs = swap ? a : b;
    if (ds.size() == 3 && xs.size() == 2 && distinctLetters(ds) &&
        xs[0] == ds[0] && !llvm::is_contained(ds, xs[1]) &&
        out == std::string{ds[1], ds[2], xs[1]} && isIndicatorOf(d, combine)) {
      x = tokens;
      break;
    }
  }
  if (!x || staticShape(x) != SmallVector<int64_t>{t, yShape->back()})
    return failure();

  // One term per choice: the top-1 product, or Add(first, second).
  SmallVector<CapacityTerm, 2> terms;
  if (auto only = matchCapacityTerm(combine)) {
    terms.push_back(*only);
  } else if (NodeOp add = defNode(combine, "Add")) {
    auto t0 = matchCapacityTerm(add.getInputs()[0]);
    auto t1 = matchCapacityTerm(add.getInputs()[1]);
    if (!t0 || !t1)
      return failure();
    terms = {*t0, *t1};
  } else {
    return failure();
  }

  // The masks; the first choice is the one whose ids are the ArgMax of the
  // softmax, the second masks it out.
  std::optional<CapacityMask> first;
  size_t firstIndex = 0;
  for (size_t j = 0; j < terms.size() && !first; ++j) {
    auto m = matchCapacityMask(terms[j].mask, e, slots, Value());
    if (m && defNode(argMaxInput(m->ids), "Softmax")) {
      first = m;
      firstIndex = j;
    }
  }
  if (!first)
    return failure();
  Value probs = argMaxInput(first->ids);
  NodeOp softmax = defNode(probs, "Softmax");
  if (!isLastAxisSoftmax(softmax) ||
      staticShape(probs) != SmallVector<int64_t>{t, e})
    return failure();
  Value logits = softmax.getInputs()[0];
  SmallVector<CapacityMask, 2> masks{*first};
  if (terms.size() == 2) {
    std::swap(terms[0], terms[firstIndex]);
    auto second = matchCapacityMask(terms[1].mask, e, slots, first->oneHot);
    Value masked = second ? argMaxInput(second->ids) : Value();
    if (!masked || second->capacity != first->capacity ||
        !(isFirstMaskedOut(masked, logits, first->oneHot) ||
          isFirstMaskedOut(masked, probs, first->oneHot)))
      return failure();
    masks.push_back(*second);
  }

  // Gates and slots: g_j = sum_e probs * mask_j (top-2: over max(g1 + g2,
  // eps)); slot_j = one_hot(sum_e loc_j * mask_j, C).
  Routing routing{logits, static_cast<int64_t>(terms.size()),
                  sy::RoutingMode::softmax_topk, false, first->capacity,
                  /*renormalizeKept=*/std::nullopt};
  Value gateSum;
  SmallVector<Value, 2> gates; // g_j, before any renormalisation
  for (size_t j = 0; j < terms.size(); ++j) {
    Value g = terms[j].gate;
    if (terms.size() == 2) {
      Value sum;
      float floor = 0;
      g = keptGate(g, sum, floor);
      if (!g || (gateSum && (sum != gateSum || floor != *routing.renormalizeKept)))
        return failure();
      gateSum = sum;
      routing.renormalizeKept = floor;
    }
    Value pos = oneHotIds(terms[j].slot, slots);
    if (maskedRowSum(g, terms[j].mask) != probs || !pos ||
        maskedRowSum(stripCasts(pos), terms[j].mask) != masks[j].loc)
      return failure();
    gates.push_back(g);
  }
  if (gateSum) {
    // The floored sum is g1 + g2, in either order.
    NodeOp add = defNode(gateSum, "Add");
    if (!add || !std::is_permutation(gates.begin(), gates.end(),
                                     add.getInputs().begin(),
                                     add.getInputs().end()))
      return failure();
  }

  OpBuilder builder(root);
  collapseStackedBiases(builder, root.getLoc(), *mlp);
  replaceWithSyMoE(builder, root, x, routing, *mlp);
  return success();
}

//===----------------------------------------------------------------------===//
// Per-expert loop form (Hugging Face Mixtral, Qwen-MoE)
//===----------------------------------------------------------------------===//
//
// What torch.onnx.export makes of
//
//   mask = one_hot(ids, E).permute(2, 1, 0)                 # [E, k, T]
//   for e in range(E):
//     choice, tok = torch.where(mask[e])                    # NonZero
//     y = expert_e(x[tok]) * weights[tok, choice, None]     # Gather(ND)s
//     out.index_add_(0, tok, y)                             # ScatterND add
//
// Each expert sees the tokens that chose it, so the sum over experts is
// sum_j weights[t, j] * expert_{ids[t, j]}(x[t]): route -> dispatch ->
// grouped GEMMs -> combine. The token counts are only known at run time
// (the importer gives them a dynamic dim); the raise removes them all.

/// Peels the ops that keep their input's elements in row-major order:
/// Reshape, Squeeze, Unsqueeze, Flatten, a Cast to the same type, and a
/// Transpose that only moves unit dims (a dynamic dim counts as non-unit).
/// Stops at the first value of shape `stopAt` when one is given.
Value peelViews(Value v, std::optional<ArrayRef<int64_t>> stopAt = {}) {
  while (v) {
    if (stopAt && rankedShape(v) == SmallVector<int64_t>(*stopAt))
      return v;
    auto node = v.getDefiningOp<NodeOp>();
    if (!node || !node.isDefaultDomain() || node.getInputs().empty())
      return v;
    Value in = node.getInputs()[0];
    StringRef type = node.getOpType();
    if (type == "Reshape" || type == "Squeeze" || type == "Unsqueeze" ||
        type == "Flatten" || (type == "Cast" && in.getType() == v.getType())) {
      v = in;
      continue;
    }
    auto perm = NodeView(node).intsAttr("perm");
    auto shape = rankedShape(in);
    if (type != "Transpose" || !perm || !shape ||
        perm->size() != shape->size())
      return v;
    int64_t last = -1;
    for (int64_t p : *perm) {
      if ((*shape)[p] == 1)
        continue;
      if (p < last)
        return v;
      last = p;
    }
    v = in;
  }
  return v;
}

/// A NonZero and one row of its [R, n] output: a coordinate of every
/// nonzero element of its input along input axis `row`.
struct NonZeroRow {
  NodeOp nonZero;
  int64_t row = -1;
  bool operator==(const NonZeroRow &o) const {
    return nonZero == o.nonZero && row == o.row;
  }
};

/// The NonZero row `v` holds as n values in order (under views): a Gather
/// of row r, or a one-wide Slice at r, of the NonZero output (axis 0) or of
/// its Transpose (axis 1). torch.where exports the Transpose + Slice.
std::optional<NonZeroRow> nonZeroRow(Value v) {
  v = peelViews(v);
  NodeOp node = defNode(v, "Gather");
  if (!node)
    node = defNode(v, "Slice");
  if (!node)
    return std::nullopt;
  NodeView view(node);
  auto srcShape = rankedShape(view.input(0));
  if (!srcShape || srcShape->size() != 2)
    return std::nullopt;
  int64_t axis = -1, r = -1;
  if (node.getOpType() == "Gather") {
    auto index = gatherScalarIndex(node);
    if (!index)
      return std::nullopt;
    axis = nodeAxis(node, 0, 2);
    r = *index;
  } else {
    auto kept = unitSlice(node);
    if (!kept)
      return std::nullopt;
    axis = kept->axis;
    r = kept->index;
  }
  Value src = view.input(0);
  if (axis == 1) {
    NodeOp t = defNode(src, "Transpose");
    if (!t || NodeView(t).intsAttr("perm") != SmallVector<int64_t>{1, 0})
      return std::nullopt;
    src = t.getInputs()[0];
  } else if (axis != 0) {
    return std::nullopt;
  }
  NodeOp nonZero = defNode(src, "NonZero");
  auto inShape = nonZero ? rankedShape(nonZero.getInputs()[0]) : std::nullopt;
  if (!inShape || r < 0 || r >= static_cast<int64_t>(inShape->size()))
    return std::nullopt;
  return NonZeroRow{nonZero, r};
}

/// The expert whose tokens a NonZero's [A, B] input marks: ids [T, k] == e,
/// laid out as
///   Gather(Transpose(one_hot(ids, E) [T, k, E], perm), e, axis 0)  perm[0]=2
///   Equal(ids, e)                                     (rows token, choice)
/// either under Casts. Sets `ids` and `tokenAxis` (the input axis, so the
/// NonZero row, of the token index); returns e, or -1.
int64_t expertOfMask(Value mask, int64_t experts, Value &ids,
                     int64_t &tokenAxis) {
  mask = stripCasts(mask);
  auto shape = staticShape(mask);
  if (!shape || shape->size() != 2)
    return -1;
  if (NodeOp equal = defNode(mask, "Equal")) {
    for (bool swap : {false, true}) {
      auto [lhs, rhs] = operandsOf(equal, swap);
      DenseElementsAttr c = constantValue(rhs);
      if (!c || c.getNumElements() != 1 || !c.getElementType().isInteger() ||
          rankedShape(lhs) != *shape)
        continue;
      int64_t e = c.getSplatValue<APInt>().getSExtValue();
      if (e < 0 || e >= experts)
        return -1;
      ids = lhs;
      tokenAxis = 0;
      return e;
    }
    return -1;
  }
  NodeOp gather = defNode(mask, "Gather");
  NodeOp transpose =
      gather ? defNode(gather.getInputs()[0], "Transpose") : NodeOp();
  auto perm = transpose ? NodeView(transpose).intsAttr("perm") : std::nullopt;
  auto index = perm ? gatherScalarIndex(gather) : std::nullopt;
  if (!index || perm->size() != 3 || (*perm)[0] != 2 ||
      nodeAxis(gather, 0, 3) != 0)
    return -1;
  int64_t e = *index < 0 ? *index + experts : *index;
  ids = oneHotIds(transpose.getInputs()[0], experts);
  if (!ids || e < 0 || e >= experts)
    return -1;
  tokenAxis = (*perm)[1] == 0 ? 0 : 1;
  return e;
}

/// `v` [n, H] = rows `index` of tokens [T, H] (T, H static), under views:
/// Gather(D, index, axis 0) or GatherND(D, index [n, 1]), D a view of the
/// tokens with T leading. Sets `index` and returns the tokens, or null.
Value gatheredRows(Value v, Value &index) {
  auto vShape = rankedShape(v);
  if (!vShape || vShape->size() != 2 || ShapedType::isDynamic(vShape->back()))
    return {};
  int64_t h = vShape->back();
  Value src = peelViews(v);
  NodeOp node = defNode(src, "Gather");
  if (node && nodeAxis(node, 0, rankedShape(node.getInputs()[0])->size()) != 0)
    return {};
  if (!node) {
    node = defNode(src, "GatherND");
    auto idxShape = node ? rankedShape(node.getInputs()[1]) : std::nullopt;
    if (!idxShape || idxShape->empty() || idxShape->back() != 1 ||
        NodeView(node).intAttr("batch_dims", 0) != 0)
      return {};
  }
  Value data = node.getInputs()[0];
  auto dShape = staticShape(data);
  if (!dShape || dShape->empty())
    return {};
  int64_t t = (*dShape)[0], row = 1;
  for (int64_t d : ArrayRef(*dShape).drop_front())
    row *= d;
  Value tokens = row == h ? peelViews(data, ArrayRef<int64_t>{t, h}) : Value();
  if (!tokens || staticShape(tokens) != SmallVector<int64_t>{t, h})
    return {};
  index = node.getInputs()[1];
  return tokens;
}

/// `w` [n, 1] = weights[tok, choice] for NonZero rows tok and choice:
/// GatherND(D, Concat(tok [n, 1], choice [n, 1], axis -1)) with D a view
/// of `weights` [T, k] plus trailing unit dims. Sets `weights` and the two
/// rows; false otherwise.
bool gatheredWeight(Value w, Value &weights, NonZeroRow &tok,
                    NonZeroRow &choice) {
  auto wShape = rankedShape(w);
  NodeOp gather = defNode(peelViews(w), "GatherND");
  if (!wShape || wShape->size() != 2 || (*wShape)[1] != 1 || !gather ||
      NodeView(gather).intAttr("batch_dims", 0) != 0)
    return false;
  Value data = gather.getInputs()[0];
  auto dShape = staticShape(data);
  NodeOp concat = defNode(gather.getInputs()[1], "Concat");
  if (!dShape || dShape->size() < 2 || !concat ||
      concat.getInputs().size() != 2 ||
      nodeAxis(concat, 0, 2) != 1 ||
      llvm::any_of(ArrayRef(*dShape).drop_front(2),
                   [](int64_t d) { return d != 1; }))
    return false;
  SmallVector<int64_t> tk{(*dShape)[0], (*dShape)[1]};
  weights = peelViews(data, ArrayRef<int64_t>(tk));
  auto a = nonZeroRow(concat.getInputs()[0]);
  auto b = nonZeroRow(concat.getInputs()[1]);
  if (!weights || staticShape(weights) != tk || !a || !b)
    return false;
  for (Value part : concat.getInputs())
    if (rankedShape(part)->size() != 2 || rankedShape(part)->back() != 1)
      return false;
  tok = *a;
  choice = *b;
  return true;
}

/// The per-expert loop: `root` is the last of a chain of ScatterND(add)s
/// from a zero [T, H] constant, one per expert 0..E-1, each adding
/// expert_e(x[tok]) * weights[tok, choice] at rows tok, where (choice, tok)
/// are the NonZero coordinates of ids == e, ids and weights from one TopK
/// routing (matchRouting). The per-expert weights are stacked.
LogicalResult raiseExpertLoopMoE(NodeOp root) {
  SmallVector<NodeOp> steps;
  Value acc = root.getOutputs()[0];
  while (NodeOp scatter = defNode(acc, "ScatterND")) {
    if (NodeView(scatter).stringAttr("reduction", "none") != "add" ||
        (!steps.empty() && !acc.hasOneUse()))
      return failure();
    steps.push_back(scatter);
    acc = scatter.getInputs()[0];
  }
  auto outShape = staticShape(root.getOutputs()[0]);
  if (steps.size() < 2 || !isSplatConstant(acc, 0) || !outShape ||
      outShape->size() != 2)
    return failure();
  int64_t experts = steps.size();

  Value tokens, weights, ids;
  SmallVector<std::optional<ExpertMLP>> mlps(experts);
  for (NodeOp scatter : steps) {
    auto tok = nonZeroRow(scatter.getInputs()[1]);
    auto idxShape = rankedShape(scatter.getInputs()[1]);
    if (!tok || !idxShape || idxShape->size() != 2 || idxShape->back() != 1)
      return failure();
    Value stepIds;
    int64_t tokenAxis = -1;
    int64_t e =
        expertOfMask(tok->nonZero.getInputs()[0], experts, stepIds, tokenAxis);
    if (e < 0 || mlps[e] || tok->row != tokenAxis || (ids && stepIds != ids))
      return failure();
    ids = stepIds;
    NonZeroRow choice{tok->nonZero, 1 - tokenAxis};

    NodeOp mul = defNode(scatter.getInputs()[2], "Mul");
    if (!mul)
      return failure();
    for (bool swap : {false, true}) {
      auto [y, w] = operandsOf(mul, swap);
      Value stepWeights, x, index;
      NonZeroRow wTok, wChoice;
      if (!gatheredWeight(w, stepWeights, wTok, wChoice) || !(wTok == *tok) ||
          !(wChoice == choice) || (weights && stepWeights != weights))
        continue;
      auto mlp = matchExpertMLP(y, matchPlainGemm, x);
      Value rows = mlp ? gatheredRows(x, index) : Value();
      auto indexRow = rows ? nonZeroRow(index) : std::nullopt;
      if (!indexRow || !(*indexRow == *tok) || (tokens && rows != tokens) ||
          rankedShape(y) != rankedShape(x))
        continue;
      weights = stepWeights;
      tokens = rows;
      mlps[e] = mlp;
      break;
    }
    if (!mlps[e])
      return failure();
  }

  FailureOr<Routing> routing = matchRouting(weights, ids);
  SmallVector<ExpertMLP> perExpert;
  for (auto &mlp : mlps)
    perExpert.push_back(*mlp);
  if (failed(routing) ||
      staticShape(routing->logits) !=
          SmallVector<int64_t>{(*outShape)[0], experts} ||
      staticShape(tokens) != *outShape || !stackable(perExpert))
    return failure();

  OpBuilder b(root);
  replaceWithSyMoE(b, root, tokens, *routing,
                   stackExpertMLPs(b, root.getLoc(), perExpert));
  return success();
}

struct RaiseMoE : switchyard::impl::RaiseMoEBase<RaiseMoE> {
  void runOnOperation() override {
    // Candidate roots in program order. A raise erases only its root and
    // producers of it, which come earlier, so the entries still to be
    // visited stay valid.
    SmallVector<NodeOp> candidates;
    getOperation().walk([&](NodeOp node) {
      StringRef type = node.getOpType();
      if ((node.getDomain() == "com.microsoft" && type == "MoE") ||
          (node.isDefaultDomain() &&
           (type == "ReduceSum" || type == "Einsum" || type == "Add" ||
            type == "ScatterND")))
        candidates.push_back(node);
    });
    for (NodeOp node : candidates) {
      StringRef type = node.getOpType();
      if (type == "MoE") {
        if (failed(raiseContribMoE(node)))
          return signalPassFailure();
      } else if (type == "Add") {
        // Partial sums come first and fail (they miss experts); the Add
        // that covers every expert raises.
        (void)raiseUnrolledDenseMaskedMoE(node);
      } else if (type == "ScatterND") {
        // Likewise, the ScatterND that adds the last expert raises.
        (void)raiseExpertLoopMoE(node);
      } else if (failed(raiseDenseMaskedMoE(node)) && type == "Einsum") {
        (void)raiseEinsumCapacityMoE(node);
      }
    }
  }
};

} // namespace
