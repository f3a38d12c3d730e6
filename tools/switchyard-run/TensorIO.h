//===- TensorIO.h - tensors in memory, .npy and ONNX TensorProto files ----===//
//
// What switchyard-run reads and writes: `.npy` arrays (format versions 1.0,
// 2.0 and 3.0, little-endian, C order) and ONNX `TensorProto` messages
// (`.pb`), decoded from the protobuf wire format by hand so that the tool
// needs no protobuf library. Readers check every length and count against
// the file and report what is wrong; they never read past the data.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_TOOLS_SWITCHYARD_RUN_TENSORIO_H
#define SWITCHYARD_TOOLS_SWITCHYARD_RUN_TENSORIO_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace syrun {

/// One element type of the ABI (numbered as ONNX TensorProto.DataType, like
/// sy_dtype).
struct DtypeInfo {
  int32_t code;
  const char *name;    ///< the numpy name: "float32"
  int64_t size;        ///< bytes per element
  const char *npyType; ///< kind and size in a .npy descr: "f4"
};

/// The dtype with this ABI code, or null.
const DtypeInfo *dtypeByCode(int32_t code);
/// The dtype with this numpy name, or null.
const DtypeInfo *dtypeByName(const std::string &name);

/// "[2, 3]"; -1 dims (dynamic, in a signature) print as "?".
std::string formatShape(const std::vector<int64_t> &shape);

/// Product of the dims, or -1 when a dim is negative or the element or byte
/// count (elements * elemSize) does not fit in int64.
int64_t elementCount(const std::vector<int64_t> &shape, int64_t elemSize);

/// A dense C-order tensor owning 64-byte aligned storage.
struct Tensor {
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  std::unique_ptr<uint8_t[], void (*)(void *)> data{nullptr, nullptr};
  int64_t numBytes = 0;

  /// Allocates zeroed storage for `shape` (which elementCount accepts).
  /// False when memory runs out.
  bool allocate(int32_t dtype, std::vector<int64_t> shape);
  int64_t numElements() const;
};

/// Reads a whole file. False with `err` set on failure.
bool readFile(const std::string &path, std::vector<uint8_t> &bytes,
              std::string &err);

/// Parses a .npy file's bytes. On failure `err` says what is wrong (without
/// the file name).
bool parseNpy(const std::vector<uint8_t> &bytes, Tensor &out, std::string &err);
/// Parses the bytes of an ONNX TensorProto.
bool parseTensorProto(const std::vector<uint8_t> &bytes, Tensor &out,
                      std::string &err);
/// True when the bytes start with the .npy magic string.
bool looksLikeNpy(const std::vector<uint8_t> &bytes);

/// Writes `t` as a version 1.0 .npy file.
bool writeNpy(const std::string &path, const Tensor &t, std::string &err);

/// Element `i` of `t` as a double (float16 and bfloat16 converted).
double elementAsDouble(const Tensor &t, int64_t i);

/// IEEE half and bfloat16 conversions (round to nearest even).
uint16_t floatToHalf(float f);
float halfToFloat(uint16_t h);
uint16_t floatToBFloat16(float f);
float bfloat16ToFloat(uint16_t b);

} // namespace syrun

#endif // SWITCHYARD_TOOLS_SWITCHYARD_RUN_TENSORIO_H
