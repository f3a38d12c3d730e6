//===- Pipelines.cpp - the compilation pipelines --------------------------===//
//
// The stages, in order (each a pass or a short sequence):
//   0. sy-raise-* (MoE, pyramids, attention): ONNX subgraphs -> sy ops (--emit=sy stops here)
//   1. sy passes: sy-fuse-gating-dispatch, sy-tile-grouped-matmul
//      sy-lower-onnx: onnx.node -> linalg/tensor/arith/math
//   2. canonicalize, cse, elementwise fusion; sy MoE, pyramid and attention ops ->
//      runtime kernel calls on buffers wrapped as tensors
//   3. sy-distinct-results, one-shot bufferization of the whole module,
//      results -> out-params
//   4. deallocation of intermediate buffers
//   5. fp32 matmuls and convolutions -> runtime micro-kernel calls; other
//      linalg -> loops -> cf
//   6. memref/math/arith/func/cf -> LLVM dialect (bare-pointer memrefs)
//
//===----------------------------------------------------------------------===//

#include "switchyard/Pipelines.h"

#include "passes/lower/Passes.h"
#include "passes/raise/Passes.h"
#include "passes/sy/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace switchyard {

/// Adds a textual pipeline (without the outer builtin.module, see
/// TOOLCHAIN.md); a typo here is a compiler bug.
static void addPipeline(OpPassManager &pm, StringRef text) {
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    llvm::report_fatal_error("switchyard: invalid built-in pass pipeline");
}

void buildRaiseToSyPipeline(OpPassManager &pm, const PipelineOptions &) {
  pm.addNestedPass<func::FuncOp>(createRaiseMoE());
  pm.addNestedPass<func::FuncOp>(createRaisePyramid());
  pm.addNestedPass<func::FuncOp>(createRaiseAttention());
}

void buildLowerToLinalgPipeline(OpPassManager &pm,
                                const PipelineOptions &options) {
  // 1. Fusion and tiling on sy ops, then ONNX ops to upstream dialects.
  pm.addNestedPass<func::FuncOp>(createFuseGatingDispatch());
  TileGroupedMatmulOptions tiling;
  tiling.cores = options.cpuCores;
  pm.addNestedPass<func::FuncOp>(createTileGroupedMatmul(tiling));
  pm.addNestedPass<func::FuncOp>(createLowerONNX());
  // 2. Clean up and fuse elementwise chains into their producers.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.optLevel > 0)
    addPipeline(pm, "func.func(sy-fuse-elementwise),canonicalize");
  pm.addPass(createLowerMoEToUkernel());
  pm.addPass(createLowerPyramidToUkernel());
  pm.addPass(createLowerAttentionToUkernel());
}

void buildCPUCodegenPipeline(OpPassManager &pm,
                             const PipelineOptions &options) {
  // 3. Bufferize; results become out-parameters so @main writes into the
  //    caller's buffers.
  pm.addNestedPass<func::FuncOp>(createDistinctResults());
  pm.addNestedPass<func::FuncOp>(createUntieSharedInits());
  addPipeline(pm, "one-shot-bufferize{bufferize-function-boundaries "
                  "function-boundary-type-conversion=identity-layout-map},"
                  "buffer-results-to-out-params{hoist-static-allocs "
                  "modify-public-functions},canonicalize");
  // 4. Free intermediate buffers.
  addPipeline(pm, "buffer-deallocation-pipeline,"
                  "convert-bufferization-to-memref");
  // 5. Micro-kernels for the hot contractions, loops for the rest (the
  //    large elementwise ones outlined onto the thread pool).
  addPipeline(pm, std::string("sy-lower-matmul-to-ukernel,"
                              "sy-lower-conv-to-ukernel{winograd=") +
                      (options.winograd ? "true" : "false") +
                      " winograd-tile=" + std::to_string(options.winogradTile) +
                      "},sy-parallelize-elementwise,"
                      "func.func(convert-linalg-to-loops,sy-approximate-math),"
                      "lower-affine,"
                      "convert-scf-to-cf,canonicalize");
  // 6. LLVM dialect. Memref arguments are static, so bare pointers suffice.
  //    Allocations go to the runtime (lib/Runtime/Alloc.c), which turns an
  //    out-of-memory into an error of sy_rt_run.
  addPipeline(pm, "expand-strided-metadata,lower-affine,"
                  "finalize-memref-to-llvm{use-generic-functions},convert-math-to-llvm,"
                  "convert-math-to-libm,convert-arith-to-llvm,"
                  "convert-func-to-llvm{use-bare-ptr-memref-call-conv=1},"
                  "convert-cf-to-llvm,reconcile-unrealized-casts");
}

} // namespace switchyard
