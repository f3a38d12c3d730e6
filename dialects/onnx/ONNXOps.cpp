//===- ONNXOps.cpp - the ONNX import dialect ------------------------------===//
//
// Custom assembly and verification of `onnx.node` and `onnx.none`.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace switchyard::onnx;

#include "dialects/onnx/ONNXDialect.cpp.inc"

void ONNXDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/onnx/ONNXOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// NodeOp
//===----------------------------------------------------------------------===//

std::string NodeOp::describe() {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << (getNodeName() ? *getNodeName() : StringRef("<unnamed>")) << "' (";
  if (!isDefaultDomain())
    os << getDomain() << ".";
  os << getOpType() << ", opset " << getOpsetAttr().getInt() << ")";
  return s;
}

/// The attribute kinds an ONNX AttributeProto can import as (see the op
/// description); nested arrays are not ONNX attributes.
static bool isOnnxAttributeValue(Attribute attr) {
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return i.getType().isInteger(64);
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getType().isF32();
  if (isa<StringAttr, DenseI64ArrayAttr, DenseF32ArrayAttr, ElementsAttr>(attr))
    return true;
  // STRINGS, TENSORS and TYPE_PROTOS: arrays of one kind.
  if (auto arr = dyn_cast<ArrayAttr>(attr))
    return llvm::all_of(arr, [](Attribute a) { return isa<StringAttr>(a); }) ||
           llvm::all_of(arr, [](Attribute a) { return isa<ElementsAttr>(a); }) ||
           llvm::all_of(arr, [](Attribute a) { return isa<TypeAttr>(a); });
  // TYPE_PROTO attributes (e.g. Cast-like ops in contrib domains).
  return isa<TypeAttr>(attr);
}

LogicalResult NodeOp::verify() {
  if (getOpType().empty())
    return emitOpError("requires a non-empty op_type");
  // Read the attribute signed: the generated getter is unsigned.
  if (getOpsetAttr().getInt() < 1)
    return emitOpError("requires opset >= 1, got ") << getOpsetAttr().getInt();
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    Type t = v.getType();
    if (!isa<RankedTensorType, NoneType>(t))
      return emitOpError("input #")
             << i << " must be a ranked tensor or none (absent input), got "
             << t;
  }
  for (NamedAttribute na : getOnnxAttrs()) {
    if (!isOnnxAttributeValue(na.getValue()))
      return emitOpError("attribute '")
             << na.getName().getValue()
             << "' is not an ONNX attribute value (i64, f32, string, "
                "array<i64>, array<f32>, strings, tensor or type): "
             << na.getValue();
  }
  return success();
}

// onnx.node "OpType" [domain "D"] opset N (operands) {attrs} [name "n"]
//   [attributes {...}] : (types) -> types
ParseResult NodeOp::parse(OpAsmParser &parser, OperationState &result) {
  Builder &b = parser.getBuilder();
  std::string opType, domain, name;
  int64_t opset = 0;
  if (parser.parseString(&opType))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("domain")) &&
      parser.parseString(&domain))
    return failure();
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  DictionaryAttr onnxAttrs;
  if (parser.parseKeyword("opset") || parser.parseInteger(opset) ||
      parser.parseOperandList(operands, OpAsmParser::Delimiter::Paren) ||
      parser.parseAttribute(onnxAttrs))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("name")) &&
      parser.parseString(&name))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("attributes")) &&
      parser.parseOptionalAttrDict(result.attributes))
    return failure();
  FunctionType fnType;
  llvm::SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseColonType(fnType))
    return failure();
  if (parser.resolveOperands(operands, fnType.getInputs(), typeLoc,
                             result.operands))
    return failure();
  result.addTypes(fnType.getResults());
  result.addAttribute(getOpTypeAttrName(result.name), b.getStringAttr(opType));
  result.addAttribute(getDomainAttrName(result.name), b.getStringAttr(domain));
  result.addAttribute(getOpsetAttrName(result.name), b.getI64IntegerAttr(opset));
  result.addAttribute(getOnnxAttrsAttrName(result.name),
                      onnxAttrs);
  if (!name.empty())
    result.addAttribute(getNodeNameAttrName(result.name), b.getStringAttr(name));
  return success();
}

void NodeOp::print(OpAsmPrinter &p) {
  p << " ";
  p.printString(getOpType());
  if (!isDefaultDomain()) {
    p << " domain ";
    p.printString(getDomain());
  }
  p << " opset " << getOpsetAttr().getInt() << " (" << getInputs() << ") ";
  p.printAttributeWithoutType(getOnnxAttrs());
  if (getNodeName()) {
    p << " name ";
    p.printString(*getNodeName());
  }
  SmallVector<StringRef> elided = {getOpTypeAttrName(), getDomainAttrName(),
                                   getOpsetAttrName(), getOnnxAttrsAttrName(),
                                   getNodeNameAttrName()};
  bool hasOther = llvm::any_of((*this)->getAttrs(), [&](NamedAttribute na) {
    return !llvm::is_contained(elided, na.getName().getValue());
  });
  if (hasOther) {
    p << " attributes";
    p.printOptionalAttrDict((*this)->getAttrs(), elided);
  }
  p << " : ";
  p.printFunctionalType(getInputs().getTypes(), getResultTypes());
}

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.cpp.inc"
