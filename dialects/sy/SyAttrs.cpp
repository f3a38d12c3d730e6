//===- SyAttrs.cpp - #sy.level and #sy.sparsity ---------------------------===//
//
// Custom syntax and verification of the two structured sy attributes. The
// syntax names every field with a keyword so a lit test reads like the doc:
//   #sy.level<max kernel = [5, 5] pads = [2, 2, 2, 2] chained>
//   #sy.sparsity<window [128, 0], global 1>
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/SyOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace switchyard::sy;

#include "dialects/sy/SyEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/sy/SyAttrs.cpp.inc"

void SyDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/sy/SyAttrs.cpp.inc"
      >();
}

/// Parses `= [i, j, ...]`.
static ParseResult parseIntList(AsmParser &p, SmallVectorImpl<int64_t> &out) {
  if (p.parseEqual())
    return failure();
  return p.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
    int64_t v;
    if (p.parseInteger(v))
      return failure();
    out.push_back(v);
    return success();
  });
}

static void printIntList(AsmPrinter &p, StringRef name, ArrayRef<int64_t> v) {
  if (v.empty())
    return;
  p << " " << name << " = [";
  llvm::interleaveComma(v, p);
  p << "]";
}

static std::string formatList(ArrayRef<int64_t> v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(v, os);
  os << "]";
  return s;
}

//===----------------------------------------------------------------------===//
// PoolLevelAttr
//===----------------------------------------------------------------------===//

Attribute PoolLevelAttr::parse(AsmParser &p, Type) {
  SMLoc loc = p.getCurrentLocation();
  StringRef modeName;
  if (p.parseLess())
    return {};
  SMLoc modeLoc = p.getCurrentLocation();
  if (p.parseKeyword(&modeName))
    return {};
  std::optional<PoolMode> mode = symbolizePoolMode(modeName);
  if (!mode) {
    p.emitError(modeLoc, "expected pooling mode 'avg' or 'max', got '")
        << modeName << "'";
    return {};
  }
  SmallVector<int64_t> bins, kernel, strides, pads;
  bool ceilMode = false, countIncludePad = false, chained = false;
  llvm::StringSet<> seen;
  while (failed(p.parseOptionalGreater())) {
    SMLoc kwLoc = p.getCurrentLocation();
    StringRef kw;
    if (p.parseKeyword(&kw))
      return {};
    if (!seen.insert(kw).second) {
      p.emitError(kwLoc, "duplicate #sy.level field '") << kw << "'";
      return {};
    }
    ParseResult r = success();
    if (kw == "bins")
      r = parseIntList(p, bins);
    else if (kw == "kernel")
      r = parseIntList(p, kernel);
    else if (kw == "strides")
      r = parseIntList(p, strides);
    else if (kw == "pads")
      r = parseIntList(p, pads);
    else if (kw == "ceil_mode")
      ceilMode = true;
    else if (kw == "count_include_pad")
      countIncludePad = true;
    else if (kw == "chained")
      chained = true;
    else {
      p.emitError(kwLoc, "unknown #sy.level field '") << kw << "'";
      return {};
    }
    if (failed(r))
      return {};
    if ((kw == "bins" && bins.empty()) || (kw == "kernel" && kernel.empty()) ||
        (kw == "strides" && strides.empty()) || (kw == "pads" && pads.empty())) {
      p.emitError(kwLoc, "#sy.level field '") << kw << "' must not be empty";
      return {};
    }
  }
  return p.getChecked<PoolLevelAttr>(loc, p.getContext(), *mode, bins, kernel,
                                     strides, pads, ceilMode, countIncludePad,
                                     chained);
}

void PoolLevelAttr::print(AsmPrinter &p) const {
  p << "<" << stringifyPoolMode(getMode());
  printIntList(p, "bins", getBins());
  printIntList(p, "kernel", getKernel());
  printIntList(p, "strides", getStrides());
  printIntList(p, "pads", getPads());
  if (getCeilMode())
    p << " ceil_mode";
  if (getCountIncludePad())
    p << " count_include_pad";
  if (getChained())
    p << " chained";
  p << ">";
}

LogicalResult
PoolLevelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      PoolMode mode, ArrayRef<int64_t> bins,
                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> pads, bool ceilMode,
                      bool countIncludePad, bool chained) {
  if (bins.empty() == kernel.empty())
    return emitError() << "expected exactly one of 'bins' (adaptive level) or "
                          "'kernel' (window level)";
  if (!bins.empty()) {
    if (bins.size() != 2)
      return emitError() << "expected 2 bins (H, W), got " << bins.size();
    if (llvm::any_of(bins, [](int64_t b) { return b < 1; }))
      return emitError() << "expected every bin count >= 1, got "
                         << formatList(bins);
    if (!strides.empty() || !pads.empty() || ceilMode || countIncludePad ||
        chained)
      return emitError() << "strides, pads, ceil_mode, count_include_pad and "
                            "chained apply to window levels only, not to an "
                            "adaptive level";
  } else {
    if (kernel.size() != 2)
      return emitError() << "expected a 2-d kernel (KH, KW), got "
                         << kernel.size() << " values";
    if (llvm::any_of(kernel, [](int64_t k) { return k < 1; }))
      return emitError() << "expected kernel sizes >= 1, got "
                         << formatList(kernel);
    if (!strides.empty() && strides.size() != 2)
      return emitError() << "expected 2 strides (SH, SW), got "
                         << strides.size();
    if (llvm::any_of(strides, [](int64_t s) { return s < 1; }))
      return emitError() << "expected strides >= 1, got "
                         << formatList(strides);
    if (!pads.empty() && pads.size() != 4)
      return emitError() << "expected 4 pads (top, left, bottom, right), got "
                         << pads.size();
    if (llvm::any_of(pads, [](int64_t v) { return v < 0; }))
      return emitError() << "expected pads >= 0, got " << formatList(pads);
  }
  if (countIncludePad && mode != PoolMode::avg)
    return emitError() << "count_include_pad applies to avg levels only";
  return success();
}

//===----------------------------------------------------------------------===//
// SparsityAttr
//===----------------------------------------------------------------------===//

// <causal [, global G]> | <window [L, R] [, global G]>
// | <blocks B [causal], LAYOUT>
Attribute SparsityAttr::parse(AsmParser &p, Type) {
  SMLoc loc = p.getCurrentLocation();
  StringRef kindName;
  if (p.parseLess())
    return {};
  SMLoc kindLoc = p.getCurrentLocation();
  if (p.parseKeyword(&kindName))
    return {};
  std::optional<SparsityKind> kind = symbolizeSparsityKind(kindName);
  if (!kind) {
    p.emitError(kindLoc, "expected 'causal', 'window' or 'blocks', got '")
        << kindName << "'";
    return {};
  }
  int64_t left = 0, right = 0, numGlobal = 0, blockSize = 0;
  DenseIntElementsAttr layout;
  bool causal = false;
  if (*kind == SparsityKind::window) {
    if (p.parseLSquare() || p.parseInteger(left) || p.parseComma() ||
        p.parseInteger(right) || p.parseRSquare())
      return {};
  }
  if (*kind == SparsityKind::blocks) {
    Attribute raw;
    SMLoc layoutLoc;
    if (p.parseInteger(blockSize))
      return {};
    causal = succeeded(p.parseOptionalKeyword("causal"));
    if (p.parseComma() ||
        (layoutLoc = p.getCurrentLocation(), p.parseAttribute(raw)))
      return {};
    layout = dyn_cast<DenseIntElementsAttr>(raw);
    if (!layout) {
      p.emitError(layoutLoc, "expected a dense integer block layout");
      return {};
    }
  } else if (succeeded(p.parseOptionalComma())) {
    if (p.parseKeyword("global") || p.parseInteger(numGlobal))
      return {};
  }
  if (p.parseGreater())
    return {};
  return p.getChecked<SparsityAttr>(loc, p.getContext(), *kind, left, right,
                                    numGlobal, blockSize, layout, causal);
}

void SparsityAttr::print(AsmPrinter &p) const {
  p << "<" << stringifySparsityKind(getKind());
  switch (getKind()) {
  case SparsityKind::window:
    p << " [" << getWindowLeft() << ", " << getWindowRight() << "]";
    [[fallthrough]];
  case SparsityKind::causal:
    if (getNumGlobal() > 0)
      p << ", global " << getNumGlobal();
    break;
  case SparsityKind::blocks:
    p << " " << getBlockSize() << (getCausal() ? " causal, " : ", ");
    p.printAttribute(getLayout());
    break;
  }
  p << ">";
}

LogicalResult
SparsityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     SparsityKind kind, int64_t windowLeft, int64_t windowRight,
                     int64_t numGlobal, int64_t blockSize,
                     DenseIntElementsAttr layout, bool causal) {
  if (numGlobal < 0)
    return emitError() << "expected global >= 0, got " << numGlobal;
  if (kind == SparsityKind::window && (windowLeft < 0 || windowRight < 0))
    return emitError() << "expected window bounds >= 0, got [" << windowLeft
                       << ", " << windowRight << "]";
  if (kind != SparsityKind::window && (windowLeft != 0 || windowRight != 0))
    return emitError() << "window bounds apply to 'window' sparsity only";
  if (kind != SparsityKind::blocks) {
    if (causal)
      return emitError() << "'causal' after the block size applies to "
                            "'blocks' sparsity only";
    if (layout || blockSize != 0)
      return emitError() << "a block layout applies to 'blocks' sparsity only";
    return success();
  }
  if (numGlobal != 0)
    return emitError() << "'global' does not combine with 'blocks'; put the "
                          "global rows and columns into the layout";
  if (blockSize < 1)
    return emitError() << "expected block size >= 1, got " << blockSize;
  if (!layout)
    return emitError() << "'blocks' sparsity needs a layout";
  auto type = cast<ShapedType>(layout.getType());
  if (type.getRank() != 3 || !type.getElementType().isInteger(1))
    return emitError() << "expected the block layout to be a rank-3 i1 "
                          "tensor [heads, query blocks, key blocks], got "
                       << type;
  return success();
}
