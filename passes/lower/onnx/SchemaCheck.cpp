//===- SchemaCheck.cpp - A node against its ONNX op schema ----------------===//
#include "passes/lower/onnx/SchemaCheck.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <iterator>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

/// AttributeProto.AttributeType, as the generated table spells it.
enum class AttrKind : uint8_t {
  UNDEFINED = 0, FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5,
  FLOATS = 6, INTS = 7, STRINGS = 8, TENSORS = 9, GRAPHS = 10,
  SPARSE_TENSOR = 11, SPARSE_TENSORS = 12, TYPE_PROTO = 13, TYPE_PROTOS = 14,
};

enum class FormalOption : uint8_t { Single, Optional, Variadic };

struct SchemaAttribute {
  const char *name;
  AttrKind kind;
  bool required;
};

struct SchemaInput {
  const char *name;
  FormalOption option;
  bool homogeneous;      // a variadic input's values share one type
  int8_t typeParam;      // index of its type constraint; -1 for a fixed type
  uint64_t dtypes;       // bit d: TensorProto.DataType d allowed; 0: unchecked
};

struct Schema {
  const char *opType;
  int sinceVersion;
  bool deprecated;
  int minInputs, maxInputs;
  int firstAttribute, numAttributes;
  int firstInput, numInputs;
};

#include "passes/lower/onnx/OnnxSchemas.inc"

const char *kindName(AttrKind kind) {
  switch (kind) {
  case AttrKind::FLOAT: return "a float";
  case AttrKind::INT: return "an int";
  case AttrKind::STRING: return "a string";
  case AttrKind::TENSOR: return "a tensor";
  case AttrKind::GRAPH: return "a graph";
  case AttrKind::FLOATS: return "floats";
  case AttrKind::INTS: return "ints";
  case AttrKind::STRINGS: return "strings";
  case AttrKind::TENSORS: return "tensors";
  case AttrKind::GRAPHS: return "graphs";
  default: return "another kind";
  }
}

/// The kind of AttributeProto the importer made `attr` from. An empty list
/// could have been any list kind.
bool matchesKind(Attribute attr, AttrKind kind, AttrKind &actual) {
  actual = AttrKind::UNDEFINED;
  if (isa<IntegerAttr>(attr))
    actual = AttrKind::INT;
  else if (isa<FloatAttr>(attr))
    actual = AttrKind::FLOAT;
  else if (isa<StringAttr>(attr))
    actual = AttrKind::STRING;
  else if (isa<ElementsAttr>(attr))
    actual = AttrKind::TENSOR;
  else if (isa<DenseI64ArrayAttr>(attr))
    actual = AttrKind::INTS;
  else if (isa<DenseF32ArrayAttr>(attr))
    actual = AttrKind::FLOATS;
  else if (auto array = dyn_cast<ArrayAttr>(attr)) {
    if (array.empty())
      return kind == AttrKind::STRINGS || kind == AttrKind::TENSORS;
    actual = isa<StringAttr>(array[0]) ? AttrKind::STRINGS : AttrKind::TENSORS;
  }
  return actual == kind;
}

/// The newest schema of `opType` at `opset`, or null.
const Schema *findSchema(StringRef opType, int64_t opset) {
  auto byName = [](const Schema &s, StringRef name) {
    return StringRef(s.opType) < name;
  };
  const Schema *it =
      std::lower_bound(std::begin(kSchemas), std::end(kSchemas), opType, byName);
  const Schema *found = nullptr;
  for (; it != std::end(kSchemas) && it->opType == opType; ++it)
    if (it->sinceVersion <= opset)
      found = it;
  return found;
}

/// TensorProto.DataType of an element type, 0 when it has none.
int64_t dtypeOf(MLIRContext *ctx, Type elementType) {
  for (int64_t code = 1; code < static_cast<int64_t>(std::size(kDtypeNames));
       ++code)
    if (Type t = elementTypeOfOnnxDtype(ctx, code); t && t == elementType)
      return code;
  return 0;
}

std::string dtypeList(uint64_t mask) {
  std::string s;
  for (size_t code = 0; code < std::size(kDtypeNames); ++code)
    if (mask & (uint64_t(1) << code))
      s += (s.empty() ? "" : ", ") + std::string(kDtypeNames[code]);
  return s;
}

LogicalResult checkAttributes(const NodeView &node, const Schema &schema) {
  ArrayRef<SchemaAttribute> known(kSchemaAttributes + schema.firstAttribute,
                                  schema.numAttributes);
  for (NamedAttribute attr : node.attrs()) {
    const SchemaAttribute *spec = llvm::find_if(
        known, [&](const SchemaAttribute &a) { return attr.getName() == a.name; });
    if (spec == known.end()) {
      node.emitError() << "unknown attribute '" << attr.getName().getValue()
                       << "' (" << node.opType() << "-" << schema.sinceVersion
                       << " has no such attribute)";
      return failure();
    }
    AttrKind actual;
    if (!matchesKind(attr.getValue(), spec->kind, actual)) {
      node.emitError() << "attribute '" << spec->name << "' must be "
                       << kindName(spec->kind) << ", got "
                       << kindName(actual);
      return failure();
    }
  }
  for (const SchemaAttribute &a : known)
    if (a.required && !node.hasAttr(a.name)) {
      node.emitError() << "attribute '" << a.name << "' is required";
      return failure();
    }
  return success();
}

LogicalResult checkInputs(const NodeView &node, const Schema &schema) {
  ArrayRef<SchemaInput> formals(kSchemaInputs + schema.firstInput,
                                schema.numInputs);
  int64_t given = node.numInputs();
  if (given > schema.maxInputs) {
    node.emitError() << given << " inputs given; the op takes at most "
                     << schema.maxInputs;
    return failure();
  }
  if (given < schema.minInputs) {
    node.emitError() << given << " inputs given; the op needs at least "
                     << schema.minInputs;
    return failure();
  }
  // The first input seen of each type constraint, to compare the rest with.
  struct FirstOfParam {
    int8_t param;
    int64_t input;
    Type elementType;
  };
  SmallVector<FirstOfParam> firstOfParam;
  for (int64_t i = 0; i < given && !formals.empty(); ++i) {
    const SchemaInput &formal =
        formals[std::min<size_t>(i, formals.size() - 1)];
    if (!node.hasInput(i)) {
      if (formal.option == FormalOption::Single) {
        node.emitError() << "input " << i << " ('" << formal.name
                         << "') is required";
        return failure();
      }
      continue;
    }
    auto type = dyn_cast<TensorType>(node.input(i).getType());
    if (!type)
      continue;
    Type elt = type.getElementType();
    int64_t code = dtypeOf(node.context(), elt);
    if (code && formal.dtypes && !(formal.dtypes & (uint64_t(1) << code))) {
      node.emitError() << "input " << i << " ('" << formal.name << "') is "
                       << kDtypeNames[code] << "; " << node.opType() << "-"
                       << schema.sinceVersion << " takes "
                       << dtypeList(formal.dtypes);
      return failure();
    }
    bool shared = formal.typeParam >= 0 &&
                  (formal.option != FormalOption::Variadic ||
                   formal.homogeneous);
    if (!shared)
      continue;
    auto *first = llvm::find_if(firstOfParam, [&](const FirstOfParam &f) {
      return f.param == formal.typeParam;
    });
    if (first == firstOfParam.end()) {
      firstOfParam.push_back({formal.typeParam, i, elt});
      continue;
    }
    if (first->elementType != elt) {
      int64_t firstCode = dtypeOf(node.context(), first->elementType);
      node.emitError() << "inputs " << first->input << " and " << i
                       << " must have one element type, got "
                       << (firstCode ? kDtypeNames[firstCode] : "another")
                       << " and " << (code ? kDtypeNames[code] : "another");
      return failure();
    }
  }
  return success();
}

} // namespace

LogicalResult switchyard::onnx::checkAgainstOnnxSchema(const NodeView &node) {
  if (!node.domain().empty())
    return success();
  const Schema *schema = findSchema(node.opType(), node.opset());
  if (!schema)
    return success();
  if (schema->deprecated) {
    node.emitError() << node.opType() << " is deprecated from opset "
                     << schema->sinceVersion
                     << " of the ONNX standard (onnxruntime refuses it too)";
    return failure();
  }
  if (failed(checkAttributes(node, *schema)))
    return failure();
  return checkInputs(node, *schema);
}
