//===- ConvToUkernel.cpp - 2-D convolution to the runtime's kernel --------===//
//
// 1. Match f32 linalg.conv_2d_nchw_fchw on static, row-major contiguous
//    memrefs with one image and unit strides.
// 2. Fold the producers the ONNX lowering marked (UkernelCall.h): when x is
//    a buffer that a `sy.pad_begin` generic zero-pads from an unpadded
//    source and nothing else reads, the kernel reads the source and pads
//    itself; when y was just filled by a `sy.conv_bias` broadcast (or with
//    zeros), the kernel writes bias + convolution instead of accumulating.
//    The folded generics (and the padded buffer) are erased.
// 3. Call sy_ukernel_conv2d_s1(M, C, KH, KW, OH, OW, DH, DW, W, X, H, W,
//    PT, PL, BIAS, Y, FLAGS) with the operands' addresses; or, for 3x3
//    filters with unit dilation that are constants (a memref.global) on
//    enough channels and output tiles, sy_ukernel_conv2d_winograd(M, C, OH,
//    OW, U, X, H, W, PT, PL, BIAS, Y, FLAGS), with U the filters transformed
//    here at compile time (winograd.h) into a new global; or
//    sy_ukernel_conv2d_winograd_f43 with the same arguments (F(4x4, 3x3))
//    where its larger tiles still fill the GEMMs' panels (chooseWinograd).
// 4. A 1x1 convolution over a whole unpadded input that a generic computed
//    as source * scale[c] + shift[c] (then ReLU), nothing else reading it
//    (a BatchNorm + ReLU before the convolution), calls
//    sy_ukernel_conv2d_1x1_affine(M, C, H*W, W, SOURCE, SCALE, SHIFT, BIAS,
//    Y, FLAGS) instead: the kernel applies the transform to each panel of
//    the source as it packs it, and the generic and its buffer go.
// 5. Constant filters (the [M][C*KH*KW] matrix, or each of Winograd's 16
//    [M][C] ones) are laid out at compile time as the GEMM's 12-row
//    micro-panels (gemm.h) in a new global, and the call passes
//    SY_UK_A_PANELS: the kernel then reads them in place instead of
//    copying rows of them for every tile and K block (for Winograd, for
//    every block of 64 tiles: a quarter of its GEMMs' time at 128
//    channels), and splits the work by columns only. Not done when
//    padding the rows to a multiple of 12 would add more than a quarter.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"

#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/winograd.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERCONVTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kConv = "sy_ukernel_conv2d_s1";
constexpr llvm::StringLiteral kWinograd = "sy_ukernel_conv2d_winograd";
constexpr llvm::StringLiteral kWinogradF43 = "sy_ukernel_conv2d_winograd_f43";
constexpr int64_t kAccumulate = 1; // SY_UK_ACCUMULATE in ukernels.h
constexpr int64_t kAPanels = 4;    // SY_UK_A_PANELS in ukernels.h
constexpr llvm::StringLiteral kConv1x1Affine = "sy_ukernel_conv2d_1x1_affine";
constexpr int64_t kInputRelu = 8;  // SY_UK_INPUT_RELU in ukernels.h
constexpr unsigned kNumArgs = 17, kNumWinogradArgs = 13, kNum1x1AffineArgs = 10;

/// Which Winograd form runs an m x c x oh x ow convolution (3x3, unit
/// dilation), if any. Its transforms cost per channel and tile, and its
/// GEMMs run on whole panels of 32 tiles, so few channels or a last panel
/// mostly empty (7x7 outputs: 16 tiles of 2x2 in 32 columns) eat the gain.
/// F(4x4, 3x3) multiplies 36 points per 16 outputs against F(2x2, 3x3)'s 16
/// per 4, and is taken when its padded GEMMs do at most three quarters of
/// F(2x2, 3x3)'s work (14x14 outputs: 16 tiles of 4x4 in a panel of 32, no
/// gain).
enum class WinogradForm { None, F23, F43 };

WinogradForm chooseWinograd(int64_t m, int64_t c, int64_t oh, int64_t ow,
                            unsigned maxTile) {
  constexpr int64_t kMinChannels = 16, kPanel = 32;
  if (m < kMinChannels || c < kMinChannels)
    return WinogradForm::None;
  auto padded = [&](int64_t tiles) {
    return (tiles + kPanel - 1) / kPanel * kPanel;
  };
  int64_t tiles23 = ((oh + 1) / 2) * ((ow + 1) / 2);
  int64_t tiles43 = ((oh + 3) / 4) * ((ow + 3) / 4);
  int64_t work23 = SY_WINOGRAD_POINTS * padded(tiles23);
  int64_t work43 = SY_WINOGRAD_F43_POINTS * padded(tiles43);
  if (maxTile >= 4 && 4 * work43 <= 3 * work23)
    return WinogradForm::F43;
  return 3 * tiles23 >= 2 * padded(tiles23) ? WinogradForm::F23
                                            : WinogradForm::None;
}

/// Whether m filter rows are laid out as micro-panels: rows padded to a
/// multiple of 12 by at most a quarter.
bool worthPanels(int64_t m) {
  int64_t padded = (m + SY_GEMM_A_ROWS - 1) / SY_GEMM_A_ROWS * SY_GEMM_A_ROWS;
  return 4 * (padded - m) <= m;
}

/// The transformed filters of the constant 3x3 weights `w` ([m][c][3][3])
/// for `form`: a get_global of [points][m][c], or with `panels` of the
/// points' matrices as micro-panels (one global per source global, form and
/// layout, shared by the convolutions that read it); null when w is not
/// such a constant.
Value winogradWeights(PatternRewriter &rewriter, Location loc, Value w,
                      WinogradForm form, bool panels) {
  DenseElementsAttr weights = switchyard::constantGlobalValue(w);
  if (!weights)
    return {};
  ArrayRef<int64_t> shape = cast<MemRefType>(w.getType()).getShape();
  int64_t m = shape[0], c = shape[1];
  const bool f43 = form == WinogradForm::F43;
  const int64_t points = f43 ? SY_WINOGRAD_F43_POINTS : SY_WINOGRAD_POINTS;
  // Micro-panels pad the rows to a multiple of 12.
  int64_t rows = panels ? sy_gemm_a_panels_floats(m, 1) : m;
  int64_t perPoint = rows * c;
  std::string suffix = std::string(f43 ? "_winograd_f43" : "_winograd") +
                       (panels ? "_panels" : "");
  return switchyard::rearrangedWeights(
      rewriter, loc, w, suffix, {points, rows, c}, [&] {
        SmallVector<float> g = llvm::to_vector(weights.getValues<float>());
        std::vector<float> u(static_cast<size_t>(points * m * c));
        if (f43)
          sy_winograd_f43_weights(m, c, g.data(), u.data());
        else
          sy_winograd_f23_weights(m, c, g.data(), u.data());
        if (!panels)
          return u;
        std::vector<float> packed(static_cast<size_t>(points * perPoint));
        for (int64_t xi = 0; xi < points; ++xi)
          sy_gemm_pack_a_panels(m, c, u.data() + xi * m * c, c,
                                packed.data() + xi * perPoint);
        return packed;
      });
}

/// The constant filters `w` ([m][c][kh][kw]) as micro-panels of the
/// [m][c*kh*kw] matrix, or null when w is not such a constant.
Value panelWeights(PatternRewriter &rewriter, Location loc, Value w) {
  DenseElementsAttr weights = switchyard::constantGlobalValue(w);
  if (!weights)
    return {};
  ArrayRef<int64_t> shape = cast<MemRefType>(w.getType()).getShape();
  int64_t m = shape[0], k = shape[1] * shape[2] * shape[3];
  return switchyard::rearrangedWeights(
      rewriter, loc, w, "_panels", {sy_gemm_a_panels_floats(m, 1), k}, [&] {
        switchyard::ConstantFloats src(weights);
        std::vector<float> flat(static_cast<size_t>(m * k));
        for (int64_t i = 0; i < m * k; ++i)
          flat[i] = src[i];
        std::vector<float> packed(
            static_cast<size_t>(sy_gemm_a_panels_floats(m, k)));
        sy_gemm_pack_a_panels(m, k, flat.data(), k, packed.data());
        return packed;
      });
}

/// The only op other than `except` and deallocations that uses `buffer`
/// (itself a memref.alloc), or null.
Operation *soleOtherUser(Value buffer, Operation *except) {
  if (!buffer.getDefiningOp<memref::AllocOp>())
    return nullptr;
  Operation *other = nullptr;
  for (Operation *user : buffer.getUsers()) {
    if (user == except || isa<memref::DeallocOp>(user))
      continue;
    if (other && other != user)
      return nullptr;
    other = user;
  }
  return other;
}

/// The padding generic writing `x` (only written by it, only read by the
/// convolution), with its unpadded source; null when x is not such a buffer.
std::pair<linalg::GenericOp, Value> matchPadding(Value x, Operation *conv) {
  auto pad = dyn_cast_or_null<linalg::GenericOp>(soleOtherUser(x, conv));
  if (!pad || !pad->hasAttr(switchyard::kPadBeginAttr) ||
      pad.getNumDpsInputs() != 0 || pad.getDpsInits()[0] != x ||
      pad->getBlock() != conv->getBlock() || !pad->isBeforeInBlock(conv))
    return {};
  Value source;
  pad.getRegion().walk([&](memref::LoadOp load) {
    source = load.getMemRef();
  });
  if (!source || !switchyard::isF32RowMajorFrom(source.getType(), 4, 0))
    return {};
  // Nothing between the two may write the source.
  for (Operation *op = pad->getNextNode(); op != conv; op = op->getNextNode())
    if (llvm::is_contained(op->getOperands(), source))
      return {};
  return {pad, source};
}

/// A per-channel scale, shift and optional ReLU that a linalg.generic
/// writes into the convolution's input (a BatchNorm + ReLU before a 1x1
/// convolution: DDRNet's DAPPM, pre-activation ResNets, DenseNet).
struct InputAffine {
  linalg::GenericOp op;
  Value source, scale, shift;
  bool relu = false;
};

/// The generic writing all of `x` (only written by it, only read by the
/// convolution) as source * scale[c] + shift[c], then max(., 0) when relu:
/// maps (identity, channel, channel) -> identity and that body, operands in
/// either order; empty when x is not such a buffer.
std::optional<InputAffine> matchInputAffine(Value x, Operation *conv) {
  auto g = dyn_cast_or_null<linalg::GenericOp>(soleOtherUser(x, conv));
  if (!g || g.getNumDpsInputs() != 3 || g.getNumDpsInits() != 1 ||
      g.getDpsInits()[0] != x || g->getBlock() != conv->getBlock() ||
      !g->isBeforeInBlock(conv) || g.getNumLoops() != 4 ||
      g.getNumParallelLoops() != 4)
    return std::nullopt;
  MLIRContext *ctx = g.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(4, ctx);
  AffineMap channel = AffineMap::get(4, 0, getAffineDimExpr(1, ctx), ctx);
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (maps[0] != id || maps[1] != channel || maps[2] != channel ||
      maps[3] != id)
    return std::nullopt;
  InputAffine a{g, g.getDpsInputs()[0], g.getDpsInputs()[1],
                g.getDpsInputs()[2]};
  if (a.source.getType() != x.getType() ||
      !switchyard::isF32RowMajorFrom(a.scale.getType(), 1, 0) ||
      !switchyard::isF32RowMajorFrom(a.shift.getType(), 1, 0))
    return std::nullopt;
  // The body: yield [maximumf(0,] addf(mulf(in, scale), shift) [)].
  Block &body = g.getRegion().front();
  Value v = body.getTerminator()->getOperand(0);
  if (auto max = v.getDefiningOp<arith::MaximumFOp>()) {
    if (matchPattern(max.getRhs(), m_PosZeroFloat()))
      v = max.getLhs();
    else if (matchPattern(max.getLhs(), m_PosZeroFloat()))
      v = max.getRhs();
    else
      return std::nullopt;
    a.relu = true;
  }
  auto isArg = [&](Value value, unsigned i) {
    return value == body.getArgument(i);
  };
  auto add = v.getDefiningOp<arith::AddFOp>();
  if (!add)
    return std::nullopt;
  Value product = isArg(add.getRhs(), 2)   ? add.getLhs()
                  : isArg(add.getLhs(), 2) ? add.getRhs()
                                           : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul || !((isArg(mul.getLhs(), 0) && isArg(mul.getRhs(), 1)) ||
                (isArg(mul.getLhs(), 1) && isArg(mul.getRhs(), 0))))
    return std::nullopt;
  if (body.getOperations().size() != (a.relu ? 4u : 3u))
    return std::nullopt;
  // Nothing between the two may write what the generic read.
  for (Operation *op = g->getNextNode(); op != conv; op = op->getNextNode())
    for (Value read : {a.source, a.scale, a.shift})
      if (llvm::is_contained(op->getOperands(), read))
        return std::nullopt;
  return a;
}

/// The op that last set all of `y` before `conv` when it is a bias
/// broadcast (returns the generic and the bias [1, M, 1, 1]) or a zero
/// fill (returns the fill and a null bias), with no use of y in between.
std::pair<Operation *, Value> matchInit(Value y, Operation *conv) {
  Operation *op = switchyard::lastUserBefore(y, conv);
  if (auto fill = switchyard::asZeroFillOf(op, y))
    return {fill, Value()};
  auto bias = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!bias || !bias->hasAttr(switchyard::kConvBiasAttr) ||
      bias.getNumDpsInputs() != 1 || bias.getDpsInits()[0] != y)
    return {};
  Value b = bias.getDpsInputs()[0];
  if (!switchyard::isF32RowMajorFrom(b.getType(), 4, 0))
    return {};
  return {bias, b};
}

struct ConvToUkernel : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  /// `replaced` collects the globals whose filters were transformed.
  ConvToUkernel(MLIRContext *context, bool winograd, unsigned winogradTile,
                llvm::SetVector<StringAttr> *replaced)
      : OpRewritePattern(context), winograd(winograd),
        winogradTile(winogradTile), replaced(replaced) {}
  bool winograd;
  unsigned winogradTile;
  llvm::SetVector<StringAttr> *replaced;

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not bufferized yet");
    if (!llvm::all_of(op.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }))
      return rewriter.notifyMatchFailure(op, "strides other than 1");
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
    Value y = op.getDpsInits()[0];
    if (!switchyard::isF32RowMajorFrom(x.getType(), 4, 0) ||
        !switchyard::isF32RowMajorFrom(w.getType(), 4, 0) ||
        !switchyard::isF32RowMajorFrom(y.getType(), 4, 0))
      return rewriter.notifyMatchFailure(op, "not contiguous static f32");
    ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
    ArrayRef<int64_t> ys = cast<MemRefType>(y.getType()).getShape();
    if (cast<MemRefType>(x.getType()).getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(op, "more than one image");
    auto dil = llvm::to_vector(op.getDilations().getValues<int64_t>());

    // x, or the unpadded source of a padding generic.
    Value input = x;
    SmallVector<int64_t, 2> padBegin = {0, 0};
    auto [pad, source] = matchPadding(x, op);
    if (pad) {
      input = source;
      auto begin = pad->getAttrOfType<DenseI64ArrayAttr>(
          switchyard::kPadBeginAttr);
      if (!begin || begin.size() != 2)
        return rewriter.notifyMatchFailure(op, "malformed sy.pad_begin");
      padBegin.assign(begin.asArrayRef().begin(), begin.asArrayRef().end());
    }
    ArrayRef<int64_t> xs = cast<MemRefType>(input.getType()).getShape();
    // A 1x1 convolution over the whole unpadded input may take the
    // generic that normalizes its input channels into its packing.
    std::optional<InputAffine> affine;
    if (!pad && ws[2] == 1 && ws[3] == 1 && ys[2] == xs[2] &&
        ys[3] == xs[3])
      affine = matchInputAffine(x, op);
    auto [init, bias] = matchInit(y, op);

    Location loc = op.getLoc();
    auto i64 = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, v, 64);
    };
    Value px = switchyard::memrefAddressAndStrides(rewriter, loc, input).first;
    Value py = switchyard::memrefAddressAndStrides(rewriter, loc, y).first;
    Value pb = bias ? switchyard::memrefAddressAndStrides(rewriter, loc, bias)
                          .first
                    : i64(0);
    int64_t flagBits = init ? 0 : kAccumulate;
    // The filters the kernel reads: Winograd's transform, or micro-panels
    // of the constant filters, or w as it is; a rearranged copy replaces
    // the original global, which goes when nothing else reads it.
    const bool panels = worthPanels(ws[0]);
    Value u;
    WinogradForm form = WinogradForm::None;
    if (winograd && ws[2] == 3 && ws[3] == 3 && dil[0] == 1 && dil[1] == 1)
      form = chooseWinograd(ws[0], ws[1], ys[2], ys[3], winogradTile);
    if (form != WinogradForm::None)
      u = winogradWeights(rewriter, loc, w, form, panels);
    Value filters = u;
    if (!filters && panels)
      filters = panelWeights(rewriter, loc, w);
    if (filters) {
      replaced->insert(
          w.getDefiningOp<memref::GetGlobalOp>().getNameAttr().getAttr());
      flagBits |= panels ? kAPanels : 0;
    } else {
      filters = w;
    }
    auto address = [&](Value v) {
      return switchyard::memrefAddressAndStrides(rewriter, loc, v).first;
    };
    Value pw = address(filters);
    if (u) {
      SmallVector<Value> args = {
          i64(ws[0]),       i64(ws[1]),       i64(ys[2]), i64(ys[3]), pw,
          px,               i64(xs[2]),       i64(xs[3]), i64(padBegin[0]),
          i64(padBegin[1]), pb,               py,         i64(flagBits)};
      func::CallOp::create(
          rewriter, loc, form == WinogradForm::F43 ? kWinogradF43 : kWinograd,
          TypeRange{}, args);
    } else if (affine) {
      SmallVector<Value> args = {
          i64(ws[0]),           i64(ws[1]),          i64(xs[2] * xs[3]),
          pw,                   address(affine->source),
          address(affine->scale), address(affine->shift), pb,
          py,                   i64(flagBits | (affine->relu ? kInputRelu : 0))};
      func::CallOp::create(rewriter, loc, kConv1x1Affine, TypeRange{}, args);
    } else {
      SmallVector<Value> args = {
          i64(ws[0]),       i64(ws[1]), i64(ws[2]),  i64(ws[3]),
          i64(ys[2]),       i64(ys[3]), i64(dil[0]), i64(dil[1]),
          pw,               px,         i64(xs[2]),  i64(xs[3]),
          i64(padBegin[0]), i64(padBegin[1]), pb,    py,
          i64(flagBits)};
      func::CallOp::create(rewriter, loc, kConv, TypeRange{}, args);
    }
    rewriter.eraseOp(op);
    if (init)
      rewriter.eraseOp(init);
    // The generic that wrote x (padding or normalizing the kernel's input),
    // and x, unused now but for its deallocation.
    if (Operation *producer = affine ? affine->op.getOperation() : pad) {
      rewriter.eraseOp(producer);
      for (Operation *user : llvm::make_early_inc_range(x.getUsers()))
        rewriter.eraseOp(user);
      rewriter.eraseOp(x.getDefiningOp());
    }
    return success();
  }
};

struct LowerConvToUkernelPass
    : public switchyard::impl::LowerConvToUkernelBase<LowerConvToUkernelPass> {
  using LowerConvToUkernelBase::LowerConvToUkernelBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool hasConv = false;
    module.walk([&](linalg::Conv2DNchwFchwOp) { hasConv = true; });
    if (!hasConv)
      return;
    switchyard::declareUkernel(module, kConv, kNumArgs);
    switchyard::declareUkernel(module, kConv1x1Affine, kNum1x1AffineArgs);
    if (winograd) {
      switchyard::declareUkernel(module, kWinograd, kNumWinogradArgs);
      switchyard::declareUkernel(module, kWinogradF43, kNumWinogradArgs);
    }
    llvm::SetVector<StringAttr> replaced;
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvToUkernel>(&getContext(), winograd, winogradTile,
                                &replaced);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
    // Weights that only the transformed copies stand for now.
    switchyard::eraseUnusedGlobals(module, replaced.getArrayRef());
  }
};

} // namespace
