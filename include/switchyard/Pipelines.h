//===- Pipelines.h - the compilation pipelines ------------------*- C++ -*-===//
#ifndef SWITCHYARD_PIPELINES_H
#define SWITCHYARD_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace switchyard {

struct PipelineOptions {
  /// -O level, 0-3.
  unsigned optLevel = 2;
  /// Cores the library will run on, for the grouped GEMM's work tiles
  /// (sy-tile-grouped-matmul); 0: this machine's.
  unsigned cpuCores = 0;
  /// Winograd for the 3x3 convolutions where it pays, with output tiles of
  /// at most winogradTile (2 or 4).
  bool winograd = true;
  unsigned winogradTile = 4;
};

/// onnx dialect -> onnx dialect with the sy ops it raises (MoE layers,
/// pyramids, sparse attention) in place of their subgraphs (--emit=sy).
void buildRaiseToSyPipeline(mlir::OpPassManager &pm,
                            const PipelineOptions &options);

/// onnx dialect -> linalg/tensor/arith/math on tensors (--emit=linalg).
void buildLowerToLinalgPipeline(mlir::OpPassManager &pm,
                                const PipelineOptions &options);

/// linalg on tensors -> LLVM dialect for the host CPU (--emit=llvm after
/// translation). @main ends up taking one bare pointer per input, then one
/// per output.
void buildCPUCodegenPipeline(mlir::OpPassManager &pm,
                             const PipelineOptions &options);

} // namespace switchyard

#endif // SWITCHYARD_PIPELINES_H
