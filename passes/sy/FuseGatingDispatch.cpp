//===- FuseGatingDispatch.cpp - sy.route + sy.dispatch -> route_dispatch --===//
//
// The router's scores, top-k choice and the dispatch's counting and
// permutation all walk the same [T, E] logits and [T, K] ids; one op (and
// one kernel) does both, so the ids never make a round trip through memory
// between them and no one-hot or mask tensor is ever formed.
//
//===----------------------------------------------------------------------===//

#include "passes/sy/Passes.h"

#include "mlir/IR/Builders.h"

namespace switchyard {
#define GEN_PASS_DEF_FUSEGATINGDISPATCH
#include "passes/sy/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;

namespace {

/// The dispatch `route` can fuse with, or null: the only sy.dispatch of its
/// ids, in the same block, over as many experts as the router scores, with
/// every other user of the route after it (the fused op takes its place).
sy::DispatchOp fusibleDispatch(sy::RouteOp route) {
  sy::DispatchOp dispatch;
  for (Operation *user : route.getExpertIds().getUsers())
    if (auto d = dyn_cast<sy::DispatchOp>(user)) {
      if (dispatch || d.getExpertIds() != route.getExpertIds())
        return nullptr;
      dispatch = d;
    }
  auto logits = cast<ShapedType>(route.getLogits().getType());
  if (!dispatch || dispatch->getBlock() != route->getBlock() ||
      logits.isDynamicDim(1) ||
      static_cast<int64_t>(dispatch.getNumExperts()) != logits.getDimSize(1))
    return nullptr;
  for (Operation *user : route->getUsers())
    if (user != dispatch && user->isBeforeInBlock(dispatch))
      return nullptr;
  // The tokens must exist where the fused op goes; they do at the dispatch.
  return dispatch;
}

struct FuseGatingDispatch
    : switchyard::impl::FuseGatingDispatchBase<FuseGatingDispatch> {
  void runOnOperation() override {
    SmallVector<sy::RouteOp> routes;
    getOperation().walk([&](sy::RouteOp route) { routes.push_back(route); });
    for (sy::RouteOp route : routes) {
      sy::DispatchOp dispatch = fusibleDispatch(route);
      if (!dispatch)
        continue;
      OpBuilder b(dispatch);
      auto fused = sy::RouteDispatchOp::create(
          b, dispatch.getLoc(), route.getExpertIds().getType(),
          route.getWeights().getType(), dispatch.getPermuted().getType(),
          dispatch.getOffsets().getType(), dispatch.getInverse().getType(),
          route.getLogits(), route.getCorrectionBias(), dispatch.getTokens(),
          route.getTopKAttr(), route.getModeAttr(), route.getRenormalizeAttr(),
          route.getCapacityAttr(), route.getRenormalizeKeptAttr(),
          route.getGroupsAttr(),
          route.getTopGroupsAttr(), route.getGroupScoreAttr(),
          route.getScaleAttr());
      dispatch.getPermuted().replaceAllUsesWith(fused.getPermuted());
      dispatch.getOffsets().replaceAllUsesWith(fused.getOffsets());
      dispatch.getInverse().replaceAllUsesWith(fused.getInverse());
      dispatch.erase();
      route.getExpertIds().replaceAllUsesWith(fused.getExpertIds());
      route.getWeights().replaceAllUsesWith(fused.getWeights());
      route.erase();
    }
  }
};

} // namespace
