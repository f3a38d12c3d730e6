//===- OpRegistry.h - ONNX ops by name and since-version --------*- C++ -*-===//
//
// The one table of the ONNX ops Switchyard understands. Each entry names an
// op (domain, type), the since-version it implements, and the functions that
// give it meaning, all living in the op's family file
// (passes/lower/onnx/<Family>.cpp):
//
//   infer   result types from operand types, attributes and constant
//           operands (the importer's shape inference: libonnx 1.12 stops at
//           opset 17, so this is ours);
//   fold    optional: evaluate the node at import time when its operands are
//           constants (shape subgraphs such as Shape -> Gather -> Concat);
//   lower   optional until the family is lowered: rewrite the node into
//           linalg/tensor/arith/math.
//
// A node of opset N uses the entry with the largest since-version <= N. A
// node whose op is missing, or whose opset is below every entry, is a user
// error naming node, op and opset.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_ONNX_OPREGISTRY_H
#define SWITCHYARD_PASSES_LOWER_ONNX_OPREGISTRY_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace switchyard::onnx {

class NodeOp;

/// One ONNX node as the registry's functions see it, built either by the
/// importer (before the op exists) or from an `onnx.node` op.
class NodeView {
public:
  NodeView(llvm::StringRef opType, llvm::StringRef domain, int64_t opset,
           mlir::DictionaryAttr attrs, mlir::ValueRange inputs,
           unsigned numOutputs, llvm::StringRef nodeName, mlir::Location loc);
  explicit NodeView(NodeOp op);

  llvm::StringRef opType() const { return opType_; }
  llvm::StringRef nodeName() const { return nodeName_; }
  llvm::StringRef domain() const { return domain_; }
  int64_t opset() const { return opset_; }
  mlir::DictionaryAttr attrs() const { return attrs_; }
  mlir::Location loc() const { return loc_; }
  /// The number of outputs the node declares (Split needs it).
  unsigned numOutputs() const { return numOutputs_; }
  mlir::MLIRContext *context() const { return loc_.getContext(); }

  /// Inputs; an absent optional input (or one past the end) is null.
  unsigned numInputs() const { return inputs_.size(); }
  mlir::Value input(unsigned i) const;
  bool hasInput(unsigned i) const { return static_cast<bool>(input(i)); }
  /// The ranked type of input `i` (null when absent).
  mlir::RankedTensorType inputType(unsigned i) const;
  /// Like inputType, but an absent input is an error ("input i is
  /// required") and null is returned.
  mlir::RankedTensorType requireInput(unsigned i) const;
  /// The value of input `i` when it is a constant, else null.
  mlir::DenseElementsAttr constantInput(unsigned i) const;
  /// Input `i` as integers when it is an integer constant.
  std::optional<llvm::SmallVector<int64_t>> constantInts(unsigned i) const;
  /// Input `i` as doubles when it is a floating-point constant.
  std::optional<llvm::SmallVector<double>> constantFloats(unsigned i) const;

  /// Attributes with ONNX defaults.
  bool hasAttr(llvm::StringRef name) const { return attrs_.contains(name); }
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const;
  float floatAttr(llvm::StringRef name, float dflt) const;
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>>
  floatsAttr(llvm::StringRef name) const;

  /// `node 'NAME' (OpType, opset N)`: the prefix of every user error.
  std::string describe() const;
  /// An error at the node: "node 'NAME' (OpType, opset N): " + message.
  mlir::InFlightDiagnostic emitError() const;

private:
  std::string opType_, domain_, nodeName_;
  int64_t opset_;
  unsigned numOutputs_;
  mlir::DictionaryAttr attrs_;
  llvm::SmallVector<mlir::Value> inputs_;
  mlir::Location loc_;
};

/// Result types of a node, or failure after emitting an error.
using InferFn = mlir::FailureOr<llvm::SmallVector<mlir::Type>> (*)(
    const NodeView &node);
/// Import-time evaluation: the result values, std::nullopt when the node
/// cannot be evaluated (not an error: the node is then imported as is).
using FoldFn = std::optional<llvm::SmallVector<mlir::DenseElementsAttr>> (*)(
    const NodeView &node, llvm::ArrayRef<mlir::Type> resultTypes);
/// Lowering: the replacement values, or failure after emitting an error.
using LowerFn = mlir::FailureOr<llvm::SmallVector<mlir::Value>> (*)(
    const NodeView &node, mlir::OpBuilder &builder,
    llvm::ArrayRef<mlir::Type> resultTypes);

struct OpEntry {
  llvm::StringRef domain; // "" for ai.onnx
  llvm::StringRef opType;
  int64_t sinceVersion;
  InferFn infer;
  FoldFn fold = nullptr;
  LowerFn lower = nullptr;
  /// Limits worth knowing, for docs/onnx-ops.md ("static shapes only").
  llvm::StringRef notes = "";
  /// Compiled by a raising pass (passes/raise) into sy ops instead of a
  /// `lower` function (onnxruntime's MoE).
  bool raised = false;
};

/// One row of a family's table of default-domain (ai.onnx) ops, written
/// either {op, since, infer, fold, lower[, notes]} or, for families that
/// do not fold, {op, since, infer, lower[, notes]}: the two constructors are
/// told apart by the function-pointer types.
struct OpRow {
  constexpr OpRow(const char *opType, int64_t since, InferFn infer,
                  FoldFn fold = nullptr, LowerFn lower = nullptr,
                  const char *notes = "")
      : opType(opType), since(since), infer(infer), fold(fold), lower(lower),
        notes(notes) {}
  constexpr OpRow(const char *opType, int64_t since, InferFn infer,
                  LowerFn lower, const char *notes = "")
      : opType(opType), since(since), infer(infer), lower(lower),
        notes(notes) {}

  const char *opType;
  int64_t since;
  InferFn infer;
  FoldFn fold = nullptr;
  LowerFn lower = nullptr;
  const char *notes = "";
};

class OpRegistry {
public:
  /// The registry with every family registered.
  static const OpRegistry &get();

  void add(OpEntry entry);
  /// The entry for `opType` at `opset` of `domain`, or null.
  const OpEntry *lookup(llvm::StringRef domain, llvm::StringRef opType,
                        int64_t opset) const;
  /// All since-versions known for an op (empty when unknown), ascending.
  llvm::SmallVector<int64_t> versionsOf(llvm::StringRef domain,
                                        llvm::StringRef opType) const;
  const std::vector<OpEntry> &entries() const { return entries_; }

private:
  std::vector<OpEntry> entries_;
};

/// Adds every row of a family table to `registry` in the default domain.
void addDefaultDomainOps(OpRegistry &registry, llvm::ArrayRef<OpRow> rows);

/// Family registration (one per family file).
void registerElementwiseOps(OpRegistry &registry);
void registerShapeOps(OpRegistry &registry);
void registerIndexingOps(OpRegistry &registry);
void registerMatMulConvOps(OpRegistry &registry);
void registerNormalizationOps(OpRegistry &registry);
void registerPoolingResizeOps(OpRegistry &registry);

/// Shared inference helpers.
/// Numpy-style broadcast of `shapes`; failure after an error on `node`.
mlir::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(const NodeView &node,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);
/// Normalizes a possibly negative `axis` for `rank`; failure after an error.
mlir::FailureOr<int64_t> normalizeAxis(const NodeView &node, int64_t axis,
                                       int64_t rank, llvm::StringRef what);
/// tensor<shape x i64>, the type of ONNX shapes and indices.
mlir::RankedTensorType i64TensorType(mlir::MLIRContext *ctx,
                                     llvm::ArrayRef<int64_t> shape);
/// The element type of an ONNX TensorProto.DataType code, or null.
mlir::Type elementTypeOfOnnxDtype(mlir::MLIRContext *ctx, int64_t dtype);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_OPREGISTRY_H
