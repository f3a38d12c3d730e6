//===- SyAttrsTest.cpp - the C++ view of #sy.level and #sy.sparsity -------===//
//
// The lit tests cover the textual form; these check what passes read
// through the C++ accessors (defaults for absent strides and pads).
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/SyOps.h"
#include "switchyard/InitAll.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace switchyard::sy;

namespace {
class SyAttrsTest : public ::testing::Test {
protected:
  SyAttrsTest() {
    DialectRegistry registry;
    switchyard::registerSwitchyardDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }
  Attribute parse(StringRef text) { return parseAttribute(text, &ctx); }
  MLIRContext ctx;
};
} // namespace

TEST_F(SyAttrsTest, WindowLevelDefaults) {
  auto level = dyn_cast_or_null<PoolLevelAttr>(
      parse("#sy.level<max kernel = [5, 3]>"));
  ASSERT_TRUE(level);
  EXPECT_FALSE(level.isAdaptive());
  EXPECT_EQ(level.getMode(), PoolMode::max);
  EXPECT_EQ(level.getStride(0), 1);
  EXPECT_EQ(level.getStride(1), 1);
  EXPECT_EQ(level.getPad(0, false), 0);
  EXPECT_EQ(level.getPad(1, true), 0);
}

TEST_F(SyAttrsTest, WindowLevelPadsInOnnxOrder) {
  auto level = dyn_cast_or_null<PoolLevelAttr>(parse(
      "#sy.level<avg kernel = [5, 5] strides = [2, 4] pads = [1, 2, 3, 4] "
      "count_include_pad>"));
  ASSERT_TRUE(level);
  EXPECT_EQ(level.getStride(1), 4);
  // pads = [H begin, W begin, H end, W end].
  EXPECT_EQ(level.getPad(0, false), 1);
  EXPECT_EQ(level.getPad(1, false), 2);
  EXPECT_EQ(level.getPad(0, true), 3);
  EXPECT_EQ(level.getPad(1, true), 4);
  EXPECT_TRUE(level.getCountIncludePad());
}

TEST_F(SyAttrsTest, AdaptiveLevel) {
  auto level =
      dyn_cast_or_null<PoolLevelAttr>(parse("#sy.level<avg bins = [6, 3]>"));
  ASSERT_TRUE(level);
  EXPECT_TRUE(level.isAdaptive());
  EXPECT_EQ(level.getBins()[0], 6);
  EXPECT_EQ(level.getBins()[1], 3);
}

TEST_F(SyAttrsTest, InvalidLevelIsRejected) {
  ctx.getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
  EXPECT_FALSE(parse("#sy.level<avg bins = [2, 2] kernel = [3, 3]>"));
  EXPECT_FALSE(parse("#sy.level<max kernel = [3, 3] count_include_pad>"));
}

TEST_F(SyAttrsTest, Sparsity) {
  auto window = dyn_cast_or_null<SparsityAttr>(
      parse("#sy.sparsity<window [128, 0], global 2>"));
  ASSERT_TRUE(window);
  EXPECT_EQ(window.getKind(), SparsityKind::window);
  EXPECT_EQ(window.getWindowLeft(), 128);
  EXPECT_EQ(window.getWindowRight(), 0);
  EXPECT_EQ(window.getNumGlobal(), 2);
  auto blocks = dyn_cast_or_null<SparsityAttr>(parse(
      "#sy.sparsity<blocks 64, dense<[[[true, false], [true, true]]]> : "
      "tensor<1x2x2xi1>>"));
  ASSERT_TRUE(blocks);
  EXPECT_EQ(blocks.getBlockSize(), 64);
  EXPECT_EQ(blocks.getLayout().getNumElements(), 4);
  EXPECT_FALSE(blocks.getCausal());
  auto causalBlocks = dyn_cast_or_null<SparsityAttr>(parse(
      "#sy.sparsity<blocks 16 causal, dense<true> : tensor<2x3x3xi1>>"));
  ASSERT_TRUE(causalBlocks);
  EXPECT_TRUE(causalBlocks.getCausal());
  EXPECT_EQ(causalBlocks.getBlockSize(), 16);
}

// Rules the textual syntax cannot express (the parser never builds such an
// attribute) but a C++ builder can: each must be refused by the verifier.
TEST_F(SyAttrsTest, SparsityBuilderRules) {
  std::string message;
  ctx.getDiagEngine().registerHandler([&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  auto getChecked = [&](SparsityKind kind, int64_t left, int64_t right,
                        int64_t global, int64_t block,
                        DenseIntElementsAttr layout, bool causal = false) {
    message.clear();
    return SparsityAttr::getChecked(
        [&] { return emitError(UnknownLoc::get(&ctx)); }, &ctx, kind, left,
        right, global, block, layout, causal);
  };
  auto layoutType = RankedTensorType::get({1, 1, 1}, IntegerType::get(&ctx, 1));
  auto layout = cast<DenseIntElementsAttr>(
      DenseElementsAttr::get(layoutType, ArrayRef<bool>{true}));

  EXPECT_FALSE(getChecked(SparsityKind::causal, 4, 0, 0, 0, {}));
  EXPECT_EQ(message, "window bounds apply to 'window' sparsity only");
  EXPECT_FALSE(getChecked(SparsityKind::causal, 0, 0, 0, 0, layout));
  EXPECT_EQ(message, "a block layout applies to 'blocks' sparsity only");
  EXPECT_FALSE(getChecked(SparsityKind::blocks, 0, 0, 2, 64, layout));
  EXPECT_NE(message.find("'global' does not combine with 'blocks'"),
            std::string::npos);
  EXPECT_FALSE(getChecked(SparsityKind::blocks, 0, 0, 0, 64, {}));
  EXPECT_EQ(message, "'blocks' sparsity needs a layout");
  EXPECT_FALSE(getChecked(SparsityKind::causal, 0, 0, 0, 0, {}, true));
  EXPECT_EQ(message, "'causal' after the block size applies to 'blocks' "
                     "sparsity only");
  // And the well-formed counterparts are accepted.
  EXPECT_TRUE(getChecked(SparsityKind::window, 4, 0, 1, 0, {}));
  EXPECT_TRUE(getChecked(SparsityKind::blocks, 0, 0, 0, 64, layout));
}
