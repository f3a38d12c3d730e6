//===- ONNXImporter.cpp - ONNX ModelProto to the onnx dialect -------------===//
//
// Reads a model with the protobuf classes of Debian's libonnx and builds
// `func.func @main` from its graph:
//
//   1. parse the ModelProto (no 64 MB limit below 2 GB) and check IR version
//      and opset imports;
//   2. graph inputs become arguments (shapes from the model or
//      --input-shape); initializers become constants on first use, external
//      data read from inside the model's folder only;
//   3. nodes in order: Constant nodes become constants; every other node is
//      looked up in the OpRegistry by (domain, op type, opset), its result
//      types inferred (and checked against the model's value_info), folded to
//      constants when the registry can evaluate it, else emitted as one
//      `onnx.node` located at the node's name;
//   4. graph outputs become the results.
//
// libonnx and protobuf throw; this file is compiled with exceptions and no
// exception leaves it.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Import/ONNXImporter.h"

#include "dialects/onnx/ONNXOps.h"
#include "passes/lower/onnx/OpRegistry.h"
#include "passes/lower/onnx/SchemaCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <exception>
#include <map>

using namespace mlir;
using namespace switchyard;
namespace syonnx = switchyard::onnx;
using switchyard::onnx::NodeView;
using switchyard::onnx::OpRegistry;

namespace {

/// IR 3 to 14 (what onnx 1.23's helpers write). Newer IR versions only add
/// fields; where one changes meaning (an unknown element type, attribute
/// kind), the importer rejects it by name, never silently.
constexpr int64_t kMinIrVersion = 3, kMaxIrVersion = 14;
/// Default-domain opsets: 7 is where broadcasting settled. Up to 27: opsets
/// 24 and 25 only widened type lists (and added float8-only rounding modes to
/// Cast/CastLike), 26 only added new ops, 27 added ops and Range's
/// stash_type (registered as Range-27). 28 changed a dozen ops.
constexpr int64_t kMinOpset = 7, kMaxOpset = 27;

const char *dtypeName(int64_t dtype) {
  static const char *const names[] = {
      "UNDEFINED", "FLOAT",  "UINT8",   "INT8",      "UINT16",    "INT16",
      "INT32",     "INT64",  "STRING",  "BOOL",      "FLOAT16",   "DOUBLE",
      "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  if (dtype >= 0 && dtype < static_cast<int64_t>(std::size(names)))
    return names[dtype];
  return "a newer type (float8/int4/...)";
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

/// The largest rank accepted, numpy's: deeper tensors come only from broken
/// or hostile files, and ranks in the thousands overflow the stack in the
/// lowering to LLVM.
constexpr size_t kMaxRank = 64;
/// The most bytes one tensor may take: the 128 TiB a 64-bit process can
/// address (x86-64 and AArch64 with 4-level page tables). Larger declared or
/// inferred shapes cannot run anywhere, and would make the lowering build
/// tables of that size.
constexpr int64_t kMaxTensorBytes = int64_t(1) << 47;

/// Why a tensor of this shape cannot exist, or "" when it can (dynamic dims
/// count as 1).
std::string tensorSizeProblem(ArrayRef<int64_t> shape, Type elt) {
  if (shape.size() > kMaxRank)
    return "has rank " + std::to_string(shape.size()) + "; at most " +
           std::to_string(kMaxRank) + " is supported";
  for (auto [axis, d] : llvm::enumerate(shape))
    if (!ShapedType::isDynamic(d) && d < 0)
      return "has shape " + formatShape(shape) + ", negative at axis " +
             std::to_string(axis);
  // Zero dims are skipped: an empty tensor's strides are the product of the
  // other dims, and the lowering still computes them.
  int64_t bytes = elt.isIntOrFloat() ? (elt.getIntOrFloatBitWidth() + 7) / 8
                                     : 8;
  for (int64_t d : shape)
    if (!ShapedType::isDynamic(d) && d != 0 &&
        (llvm::MulOverflow(bytes, d, bytes) || bytes > kMaxTensorBytes))
      return "has shape " + formatShape(shape) +
             (llvm::is_contained(shape, 0)
                  ? ", whose strides exceed"
                  : ", more than") +
             " the 128 TiB a 64-bit process can address";
  return "";
}

class Importer {
public:
  Importer(StringRef path, MLIRContext *ctx, const ImportOptions &options)
      : path(path.str()), ctx(ctx), options(options), builder(ctx),
        fileLoc(FileLineColLoc::get(ctx, path, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult parseModel(::onnx::ModelProto &model);
  LogicalResult readOpsets(const ::onnx::ModelProto &model);
  FailureOr<Type> convertType(const ::onnx::TypeProto &type, StringRef what,
                              bool requireShape);
  FailureOr<DenseElementsAttr> convertTensor(const ::onnx::TensorProto &t,
                                             Location loc, StringRef what);
  FailureOr<std::string> readExternalData(const ::onnx::TensorProto &t,
                                          Location loc, StringRef what,
                                          size_t expectedBytes);
  FailureOr<Attribute> convertAttribute(const ::onnx::AttributeProto &attr,
                                        Location loc, StringRef node);
  FailureOr<DenseElementsAttr>
  convertConstantNode(const ::onnx::NodeProto &node, Location loc,
                      StringRef describe);
  FailureOr<Value> lookupValue(const std::string &name, Location loc,
                               StringRef describe);
  LogicalResult importNode(const ::onnx::NodeProto &node, int64_t index);
  LogicalResult refineWithDeclared(const std::string &name, Type &inferred,
                                   Location loc, StringRef describe);

  InFlightDiagnostic error(Location loc) { return emitError(loc); }
  InFlightDiagnostic error() { return emitError(fileLoc); }

  std::string path;
  MLIRContext *ctx;
  const ImportOptions &options;
  OpBuilder builder;
  Location fileLoc;

  std::map<std::string, int64_t> opsets; // domain ("" = ai.onnx) -> version
  llvm::StringMap<Value> values;
  llvm::StringMap<const ::onnx::TensorProto *> initializers;
  llvm::StringMap<const ::onnx::TypeProto *> declaredTypes;
  Value noneValue;
  Block *entryBlock = nullptr;
};

LogicalResult Importer::parseModel(::onnx::ModelProto &model) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error() << "cannot read the model: " << buffer.getError().message();
    return failure();
  }
  StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() >= static_cast<size_t>(INT_MAX)) {
    error() << "the model is " << bytes.size()
            << " bytes; protobuf files must stay below 2 GB (store the "
               "weights as external data)";
    return failure();
  }
  google::protobuf::io::ArrayInputStream stream(bytes.data(),
                                                static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    error() << "not a valid ONNX model (the protobuf does not parse)";
    return failure();
  }
  if (!model.has_graph()) {
    error() << "not a valid ONNX model (no graph)";
    return failure();
  }
  int64_t ir = model.ir_version();
  if (ir < kMinIrVersion || ir > kMaxIrVersion) {
    error() << "IR version " << ir << " is not supported (supported: "
            << kMinIrVersion << " to " << kMaxIrVersion << ")";
    return failure();
  }
  return readOpsets(model);
}

LogicalResult Importer::readOpsets(const ::onnx::ModelProto &model) {
  for (const auto &op : model.opset_import()) {
    std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
    auto [it, fresh] = opsets.try_emplace(domain, op.version());
    if (!fresh && it->second != op.version()) {
      error() << "the model imports domain '"
              << (domain.empty() ? "ai.onnx" : domain) << "' twice, at "
              << it->second << " and " << op.version();
      return failure();
    }
  }
  auto it = opsets.find("");
  if (it == opsets.end()) {
    error() << "the model imports no default-domain (ai.onnx) opset";
    return failure();
  }
  if (it->second < kMinOpset || it->second > kMaxOpset) {
    error() << "default-domain opset " << it->second
            << " is not supported (supported: " << kMinOpset << " to "
            << kMaxOpset << ")";
    return failure();
  }
  return success();
}

FailureOr<Type> Importer::convertType(const ::onnx::TypeProto &type,
                                      StringRef what, bool requireShape) {
  if (!type.has_tensor_type()) {
    const char *kind = type.has_sequence_type()  ? "a sequence"
                       : type.has_map_type()     ? "a map"
                       : type.has_optional_type() ? "an optional"
                       : type.has_sparse_tensor_type() ? "a sparse tensor"
                                                       : "of no type";
    error() << what << " is " << kind << "; only tensors are supported";
    return failure();
  }
  const auto &tensor = type.tensor_type();
  Type elt = syonnx::elementTypeOfOnnxDtype(ctx, tensor.elem_type());
  if (!elt) {
    error() << what << " has element type " << dtypeName(tensor.elem_type())
            << ", which is not supported";
    return failure();
  }
  if (!tensor.has_shape()) {
    if (requireShape) {
      error() << what << " has no shape (rank unknown); give one with "
              << "--input-shape";
      return failure();
    }
    return Type(UnrankedTensorType::get(elt));
  }
  SmallVector<int64_t> shape;
  for (const auto &[axis, dim] : llvm::enumerate(tensor.shape().dim())) {
    if (dim.has_dim_value() && dim.dim_value() < 0 && requireShape) {
      // ONNX dims are >= 0; some old tools wrote -1 for "unknown", so
      // name the fix rather than guess.
      error() << what << " has dimension " << dim.dim_value() << " at axis "
              << axis << "; give its size with --input-shape";
      return failure();
    }
    if (dim.has_dim_value() && dim.dim_value() >= 0)
      shape.push_back(dim.dim_value());
    else
      shape.push_back(ShapedType::kDynamic);
  }
  std::string problem = tensorSizeProblem(shape, elt);
  if (!problem.empty()) {
    error() << what << " " << problem;
    return failure();
  }
  return Type(RankedTensorType::get(shape, elt));
}

FailureOr<std::string>
Importer::readExternalData(const ::onnx::TensorProto &t, Location loc,
                           StringRef what, size_t expectedBytes) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &kv : t.external_data()) {
    uint64_t v = 0;
    if (kv.key() == "location")
      location = kv.value();
    else if ((kv.key() == "offset" || kv.key() == "length") &&
             llvm::to_integer(kv.value(), v, 10))
      (kv.key() == "offset" ? offset : *(length = 0, &*length)) = v;
    else if (kv.key() == "offset" || kv.key() == "length") {
      error(loc) << what << ": external data " << kv.key() << " '"
                 << kv.value() << "' is not a number";
      return failure();
    }
  }
  if (location.empty()) {
    error(loc) << what << ": external data has no location";
    return failure();
  }
  // C file APIs would stop at a NUL and open another file than the name says.
  if (location.find('\0') != std::string::npos) {
    auto diag = error(loc);
    diag << what << ": external data location '";
    std::string escaped;
    llvm::raw_string_ostream os(escaped);
    llvm::printEscapedString(location, os);
    diag << escaped << "' holds a NUL byte; refused";
    return failure();
  }
  // Only files inside the model's folder: no absolute paths, no '..', no
  // symlink that resolves outside it.
  if (llvm::sys::path::is_absolute(location) ||
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef c) { return c == ".."; })) {
    error(loc) << what << ": external data location '" << location
               << "' leaves the model's folder; refused";
    return failure();
  }
  SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  SmallString<256> file(dir);
  llvm::sys::path::append(file, location);
  SmallString<256> realDir, realFile;
  if (llvm::sys::fs::real_path(dir, realDir) ||
      llvm::sys::fs::real_path(file, realFile)) {
    error(loc) << what << ": cannot open external data file '" << location
               << "'";
    return failure();
  }
  // Directories ('.', 'weights'), FIFOs and devices are refused before
  // anything is read from them.
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(realFile, status) ||
      !llvm::sys::fs::is_regular_file(status)) {
    error(loc) << what << ": external data location '" << location
               << "' is not a regular file";
    return failure();
  }
  if (!StringRef(realFile).starts_with((realDir + "/").str())) {
    error(loc) << what << ": external data location '" << location
               << "' resolves outside the model's folder; refused";
    return failure();
  }
  uint64_t size = 0;
  if (llvm::sys::fs::file_size(realFile, size) || offset > size) {
    error(loc) << what << ": external data offset " << offset
               << " is past the end of '" << location << "'";
    return failure();
  }
  uint64_t len = length ? *length : size - offset;
  if (len != expectedBytes) {
    error(loc) << what << ": external data length is " << len
               << " bytes, the tensor needs " << expectedBytes;
    return failure();
  }
  if (len > size - offset) {
    error(loc) << what << ": '" << location << "' has " << size
               << " bytes, the data needs " << len << " at offset " << offset;
    return failure();
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(realFile, len, offset,
                                                 /*IsVolatile=*/false);
  if (!buffer) {
    error(loc) << what << ": cannot read '" << location << "'";
    return failure();
  }
  return (*buffer)->getBuffer().str();
}

FailureOr<DenseElementsAttr>
Importer::convertTensor(const ::onnx::TensorProto &t, Location loc,
                        StringRef what) {
  Type elt = syonnx::elementTypeOfOnnxDtype(ctx, t.data_type());
  if (!elt) {
    error(loc) << what << " has element type " << dtypeName(t.data_type())
               << ", which is not supported";
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || (d > 0 && count > INT64_MAX / d)) {
      error(loc) << what << " has an invalid dimension " << d;
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elt);
  bool isBool = elt.isInteger(1);
  size_t width = isBool ? 1 : elt.getIntOrFloatBitWidth() / 8;
  if (count > INT64_MAX / static_cast<int64_t>(width)) {
    error(loc) << what << " is too large";
    return failure();
  }
  size_t bytes = static_cast<size_t>(count) * width;

  // Little-endian raw bytes, from raw_data, external data or typed fields.
  std::string raw;
  if (t.data_location() == ::onnx::TensorProto::EXTERNAL) {
    auto data = readExternalData(t, loc, what, bytes);
    if (failed(data))
      return failure();
    raw = std::move(*data);
  } else if (t.has_raw_data()) {
    raw = t.raw_data();
  } else {
    auto append = [&](const void *p, size_t n) {
      raw.append(static_cast<const char *>(p), n);
    };
    int64_t got = 0;
    switch (t.data_type()) {
    case ::onnx::TensorProto::FLOAT:
      got = t.float_data_size();
      for (float v : t.float_data())
        append(&v, 4);
      break;
    case ::onnx::TensorProto::DOUBLE:
      got = t.double_data_size();
      for (double v : t.double_data())
        append(&v, 8);
      break;
    case ::onnx::TensorProto::INT64:
      got = t.int64_data_size();
      for (int64_t v : t.int64_data())
        append(&v, 8);
      break;
    case ::onnx::TensorProto::UINT32:
    case ::onnx::TensorProto::UINT64:
      got = t.uint64_data_size();
      for (uint64_t v : t.uint64_data())
        append(&v, width);
      break;
    default: // int32_data carries the narrow integer and 16-bit float types.
      got = t.int32_data_size();
      for (int32_t v : t.int32_data())
        append(&v, width);
      break;
    }
    if (got != count) {
      error(loc) << what << " holds " << got << " values for shape "
                 << formatShape(shape) << " (" << count << " elements)";
      return failure();
    }
  }
  if (raw.size() != bytes) {
    error(loc) << what << " holds " << raw.size() << " bytes of data, shape "
               << formatShape(shape) << " needs " << bytes;
    return failure();
  }
  if (isBool) {
    SmallVector<bool> bools;
    for (char c : raw)
      bools.push_back(c != 0);
    return DenseElementsAttr::get(type, bools);
  }
  if (count == 0)
    return DenseElementsAttr::get(type, ArrayRef<Attribute>{});
  if (count == 1) // getFromRawBuffer would read a one-element buffer as splat
    return DenseElementsAttr::getFromRawBuffer(type,
                                               ArrayRef<char>(raw.data(), width));
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data(), raw.size()));
}

FailureOr<Attribute>
Importer::convertAttribute(const ::onnx::AttributeProto &a, Location loc,
                           StringRef node) {
  using AP = ::onnx::AttributeProto;
  if (!a.ref_attr_name().empty()) {
    error(loc) << node << ": attribute '" << a.name()
               << "' refers to a function attribute; ONNX functions are not "
                  "supported";
    return failure();
  }
  AP::AttributeType type = a.type();
  if (type == AP::UNDEFINED) { // IR < 3 style: the set field says it.
    type = a.has_f()          ? AP::FLOAT
           : a.has_i()        ? AP::INT
           : a.has_s()        ? AP::STRING
           : a.has_t()        ? AP::TENSOR
           : a.has_g()        ? AP::GRAPH
           : a.floats_size()  ? AP::FLOATS
           : a.ints_size()    ? AP::INTS
           : a.strings_size() ? AP::STRINGS
                              : AP::UNDEFINED;
  }
  Builder b(ctx);
  switch (type) {
  case AP::FLOAT:
    return Attribute(b.getF32FloatAttr(a.f()));
  case AP::INT:
    return Attribute(b.getI64IntegerAttr(a.i()));
  case AP::STRING:
    return Attribute(b.getStringAttr(a.s()));
  case AP::FLOATS:
    return Attribute(b.getDenseF32ArrayAttr(
        SmallVector<float>(a.floats().begin(), a.floats().end())));
  case AP::INTS:
    return Attribute(b.getDenseI64ArrayAttr(
        SmallVector<int64_t>(a.ints().begin(), a.ints().end())));
  case AP::STRINGS: {
    SmallVector<Attribute> strings;
    for (const std::string &s : a.strings())
      strings.push_back(b.getStringAttr(s));
    return Attribute(b.getArrayAttr(strings));
  }
  case AP::TENSOR: {
    auto t = convertTensor(a.t(), loc,
                           (node + ": attribute '" + a.name() + "'").str());
    if (failed(t))
      return failure();
    return Attribute(*t);
  }
  case AP::TENSORS: {
    SmallVector<Attribute> tensors;
    for (const auto &t : a.tensors()) {
      auto c = convertTensor(t, loc,
                             (node + ": attribute '" + a.name() + "'").str());
      if (failed(c))
        return failure();
      tensors.push_back(*c);
    }
    return Attribute(b.getArrayAttr(tensors));
  }
  case AP::GRAPH:
  case AP::GRAPHS:
    error(loc) << node << ": attribute '" << a.name()
               << "' is a subgraph; control flow (If, Loop, Scan) is not "
                  "supported";
    return failure();
  default:
    error(loc) << node << ": attribute '" << a.name()
               << "' has an unsupported kind (sparse tensor, type proto or "
                  "undefined)";
    return failure();
  }
}

FailureOr<DenseElementsAttr>
Importer::convertConstantNode(const ::onnx::NodeProto &node, Location loc,
                              StringRef describe) {
  if (node.attribute_size() != 1) {
    error(loc) << describe << ": expected exactly one value attribute, got "
               << node.attribute_size();
    return failure();
  }
  const auto &a = node.attribute(0);
  Builder b(ctx);
  if (a.name() == "value")
    return convertTensor(a.t(), loc, (describe + ": value").str());
  if (a.name() == "value_float")
    return DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                  a.f());
  if (a.name() == "value_int")
    return DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                  static_cast<int64_t>(a.i()));
  if (a.name() == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    return DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              b.getF32Type()),
        ArrayRef<float>(v));
  }
  if (a.name() == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    return DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              b.getI64Type()),
        ArrayRef<int64_t>(v));
  }
  error(loc) << describe << ": constant attribute '" << a.name()
             << "' is not supported (string and sparse constants)";
  return failure();
}

FailureOr<Value> Importer::lookupValue(const std::string &name, Location loc,
                                       StringRef describe) {
  if (Value v = values.lookup(name))
    return v;
  auto it = initializers.find(name);
  if (it == initializers.end()) {
    error(loc) << describe << ": input '" << name
               << "' is not produced by an earlier node, an initializer or a "
                  "graph input";
    return failure();
  }
  // Initializers become constants at the top of the function on first use.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entryBlock);
  Location initLoc = NameLoc::get(builder.getStringAttr(name), fileLoc);
  auto attr = convertTensor(*it->second, initLoc,
                            ("initializer '" + name + "'"));
  if (failed(attr))
    return failure();
  Value c = arith::ConstantOp::create(builder, initLoc, *attr);
  values[name] = c;
  return c;
}

LogicalResult Importer::refineWithDeclared(const std::string &name,
                                           Type &inferred, Location loc,
                                           StringRef describe) {
  auto it = declaredTypes.find(name);
  if (it == declaredTypes.end() || !it->second->has_tensor_type() ||
      !it->second->tensor_type().has_shape())
    return success();
  auto declared = convertType(*it->second, "value '" + name + "'", false);
  if (failed(declared))
    return failure();
  auto want = dyn_cast<RankedTensorType>(*declared);
  auto got = cast<RankedTensorType>(inferred);
  if (!want)
    return success();
  if (want.getElementType() != got.getElementType() ||
      want.getRank() != got.getRank()) {
    error(loc) << describe << ": output '" << name << "' is inferred as "
               << got << " but the model declares " << want;
    return failure();
  }
  SmallVector<int64_t> shape(got.getShape());
  for (auto [d, w] : llvm::zip(shape, want.getShape())) {
    if (ShapedType::isDynamic(d)) {
      d = w;
    } else if (!ShapedType::isDynamic(w) && w != d) {
      error(loc) << describe << ": output '" << name
                 << "' is inferred with shape " << formatShape(got.getShape())
                 << " but the model declares "
                 << formatShape(want.getShape());
      return failure();
    }
  }
  inferred = got.clone(shape);
  return success();
}

LogicalResult Importer::importNode(const ::onnx::NodeProto &node,
                                   int64_t index) {
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  std::string name =
      node.name().empty() ? "#" + std::to_string(index) : node.name();
  Location loc = NameLoc::get(builder.getStringAttr(name), fileLoc);
  auto opsetIt = opsets.find(domain);
  int64_t opset = opsetIt == opsets.end() ? 0 : opsetIt->second;
  NodeView header(node.op_type(), domain, opset,
                  DictionaryAttr::get(ctx), {}, node.output_size(), name, loc);
  std::string describe = header.describe();
  if (opsetIt == opsets.end()) {
    error(loc) << "node '" << name << "' (" << domain << "." << node.op_type()
               << "): the model imports no opset for domain '" << domain
               << "'";
    return failure();
  }

  // Each name is assigned once (ONNX graphs are SSA): a node may not
  // redefine a graph input, an initializer or an earlier node's output.
  for (auto [i, out] : llvm::enumerate(node.output())) {
    if (out.empty())
      continue;
    auto known = values.find(out);
    const char *by = nullptr;
    if (initializers.count(out))
      by = "an initializer";
    else if (known != values.end())
      by = isa<BlockArgument>(known->second) ? "a graph input"
                                             : "an earlier node";
    else if (std::find(node.output().begin(), node.output().begin() + i,
                       out) != node.output().begin() + i)
      by = "this node's earlier output";
    if (by) {
      error(loc) << describe << ": output '" << out << "' is already defined by "
                 << by << "; each name may be assigned once";
      return failure();
    }
  }

  // Constant nodes are values, not nodes.
  if (domain.empty() && node.op_type() == "Constant") {
    auto attr = convertConstantNode(node, loc, describe);
    if (failed(attr))
      return failure();
    if (node.output_size() != 1) {
      error(loc) << describe << ": expected one output";
      return failure();
    }
    values[node.output(0)] = arith::ConstantOp::create(builder, loc, *attr);
    return success();
  }

  SmallVector<Value> inputs;
  for (const std::string &in : node.input()) {
    if (in.empty()) {
      if (!noneValue) {
        OpBuilder::InsertionGuard guard(builder);
        builder.setInsertionPointToStart(entryBlock);
        noneValue = syonnx::NoneOp::create(builder, fileLoc, builder.getNoneType());
      }
      inputs.push_back(noneValue);
      continue;
    }
    auto v = lookupValue(in, loc, describe);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  NamedAttrList attrs;
  for (const auto &a : node.attribute()) {
    if (attrs.get(a.name())) {
      error(loc) << describe << ": attribute '" << a.name()
                 << "' is given twice";
      return failure();
    }
    auto attr = convertAttribute(a, loc, describe);
    if (failed(attr))
      return failure();
    attrs.set(a.name(), *attr);
  }
  DictionaryAttr attrDict = attrs.getDictionary(ctx);

  const OpRegistry &registry = OpRegistry::get();
  const syonnx::OpEntry *entry = registry.lookup(domain, node.op_type(), opset);
  if (!entry) {
    SmallVector<int64_t> versions = registry.versionsOf(domain, node.op_type());
    if (versions.empty())
      error(loc) << describe << ": unsupported op";
    else
      error(loc) << describe << ": supported from opset " << versions.front()
                 << " only";
    return failure();
  }
  NodeView view(node.op_type(), domain, opset, attrDict, inputs,
                node.output_size(), name, loc);
  if (failed(syonnx::checkAgainstOnnxSchema(view)))
    return failure();
  auto types = entry->infer(view);
  if (failed(types))
    return failure();
  if (types->size() < static_cast<size_t>(node.output_size())) {
    error(loc) << describe << ": the node has " << node.output_size()
               << " outputs, the op at most " << types->size();
    return failure();
  }
  types->resize(node.output_size());
  for (auto [i, out] : llvm::enumerate(node.output())) {
    if (out.empty())
      continue;
    if (failed(refineWithDeclared(out, (*types)[i], loc, describe)))
      return failure();
    auto t = cast<RankedTensorType>((*types)[i]);
    std::string problem = tensorSizeProblem(t.getShape(), t.getElementType());
    if (!problem.empty()) {
      error(loc) << describe << ": output '" << out << "' " << problem;
      return failure();
    }
  }

  if (entry->fold) {
    if (auto folded = entry->fold(view, *types)) {
      for (auto [i, out] : llvm::enumerate(node.output()))
        values[out] =
            arith::ConstantOp::create(builder, loc, (*folded)[i]).getResult();
      return success();
    }
  }

  auto op = syonnx::NodeOp::create(builder, 
      loc, *types, inputs, builder.getStringAttr(node.op_type()),
      builder.getStringAttr(domain), builder.getI64IntegerAttr(opset),
      attrDict,
      node.name().empty() ? StringAttr() : builder.getStringAttr(node.name()));
  for (auto [i, out] : llvm::enumerate(node.output()))
    if (!out.empty())
      values[out] = op->getResult(i);
  return success();
}

OwningOpRef<ModuleOp> Importer::run() {
  ctx->loadDialect<func::FuncDialect, arith::ArithDialect, syonnx::ONNXDialect>();
  ::onnx::ModelProto model;
  if (failed(parseModel(model)))
    return nullptr;
  const ::onnx::GraphProto &graph = model.graph();

  for (const auto &init : graph.initializer())
    if (!initializers.try_emplace(init.name(), &init).second) {
      error() << "initializer '" << init.name() << "' is listed twice";
      return nullptr;
    }
  for (const auto &vi : graph.value_info())
    declaredTypes[vi.name()] = &vi.type();
  for (const auto &vi : graph.output())
    declaredTypes[vi.name()] = &vi.type();

  // Graph inputs that are not initializers are the function's arguments.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  llvm::StringSet<> inputNames;
  for (const auto &in : graph.input()) {
    if (initializers.count(in.name()))
      continue;
    if (!inputNames.insert(in.name()).second) {
      error() << "graph input '" << in.name() << "' is listed twice";
      return nullptr;
    }
    std::string what = "graph input '" + in.name() + "'";
    auto override = options.inputShapes.find(in.name());
    bool haveOverride = override != options.inputShapes.end();
    auto type = convertType(in.type(), what, /*requireShape=*/!haveOverride);
    if (failed(type))
      return nullptr;
    if (haveOverride) {
      ArrayRef<int64_t> given = override->second;
      Type elt = cast<TensorType>(*type).getElementType();
      if (auto ranked = dyn_cast<RankedTensorType>(*type)) {
        if (ranked.getRank() != static_cast<int64_t>(given.size())) {
          error() << "--input-shape " << in.name() << ": rank "
                  << given.size() << " given, the input has rank "
                  << ranked.getRank();
          return nullptr;
        }
        for (auto [d, g] : llvm::zip(ranked.getShape(), given))
          if (!ShapedType::isDynamic(d) && d != g) {
            error() << "--input-shape " << in.name() << ": "
                    << formatShape(given) << " conflicts with the model's "
                    << formatShape(ranked.getShape());
            return nullptr;
          }
      }
      std::string problem = tensorSizeProblem(given, elt);
      if (!problem.empty()) {
        error() << "--input-shape " << in.name() << ": the input " << problem;
        return nullptr;
      }
      *type = RankedTensorType::get(given, elt);
    }
    argTypes.push_back(*type);
    argNames.push_back(in.name());
  }
  for (const auto &kv : options.inputShapes)
    if (!inputNames.contains(kv.getKey())) {
      error() << "--input-shape names '" << kv.getKey()
              << "', which is not a graph input";
      return nullptr;
    }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, 
      fileLoc, "main", builder.getFunctionType(argTypes, {}));
  entryBlock = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = entryBlock->getArgument(i);
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToEnd(entryBlock);

  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    auto v = lookupValue(out.name(), fileLoc, "graph output");
    if (failed(v))
      return nullptr;
    results.push_back(*v);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(out.name()));

  // Folding leaves the constants it consumed behind; drop what nothing uses.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entryBlock)))
    if (isOpTriviallyDead(&op))
      op.erase();
  return module;
}

} // namespace

OwningOpRef<ModuleOp> switchyard::importONNXModel(StringRef path,
                                                  MLIRContext *context,
                                                  const ImportOptions &options) {
  try {
    return Importer(path, context, options).run();
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "failed to read the model: " << e.what();
  } catch (...) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "failed to read the model";
  }
  return nullptr;
}

bool switchyard::parseInputShape(StringRef text, std::string &name,
                                 SmallVectorImpl<int64_t> &shape) {
  auto [lhs, rhs] = text.rsplit('=');
  if (lhs.empty() || lhs.size() == text.size())
    return false;
  name = lhs.str();
  shape.clear();
  if (rhs.empty())
    return true;
  SmallVector<StringRef> dims;
  rhs.split(dims, 'x');
  for (StringRef d : dims) {
    int64_t v;
    if (d.getAsInteger(10, v) || v < 0)
      return false;
    shape.push_back(v);
  }
  return true;
}
