//===- TensorIO.cpp - tensors in memory, .npy and ONNX TensorProto files --===//

#include "tools/switchyard-run/TensorIO.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "switchyard-run reads and writes little-endian data as is");

namespace syrun {

//===----------------------------------------------------------------------===//
// Dtypes and shapes
//===----------------------------------------------------------------------===//

namespace {
// bfloat16 has no numpy type of its own: ml_dtypes saves it as the 2-byte
// void type "V2", which is what we read and write for it.
const DtypeInfo kDtypes[] = {
    {1, "float32", 4, "f4"},   {2, "uint8", 1, "u1"},
    {3, "int8", 1, "i1"},      {4, "uint16", 2, "u2"},
    {5, "int16", 2, "i2"},     {6, "int32", 4, "i4"},
    {7, "int64", 8, "i8"},     {9, "bool", 1, "b1"},
    {10, "float16", 2, "f2"},  {11, "float64", 8, "f8"},
    {12, "uint32", 4, "u4"},   {13, "uint64", 8, "u8"},
    {16, "bfloat16", 2, "V2"},
};
} // namespace

const DtypeInfo *dtypeByCode(int32_t code) {
  for (const DtypeInfo &d : kDtypes)
    if (d.code == code)
      return &d;
  return nullptr;
}

const DtypeInfo *dtypeByName(const std::string &name) {
  for (const DtypeInfo &d : kDtypes)
    if (name == d.name)
      return &d;
  return nullptr;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

int64_t elementCount(const std::vector<int64_t> &shape, int64_t elemSize) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d == 0)
      return 0;
    if (n > INT64_MAX / d)
      overflow = true;
    else
      n *= d;
  }
  if (overflow || (elemSize > 0 && n > INT64_MAX / elemSize))
    return -1;
  return n;
}

bool Tensor::allocate(int32_t newDtype, std::vector<int64_t> newShape) {
  const DtypeInfo *info = dtypeByCode(newDtype);
  int64_t elems = info ? elementCount(newShape, info->size) : -1;
  if (elems < 0)
    return false;
  dtype = newDtype;
  shape = std::move(newShape);
  numBytes = elems * info->size;
  // Generated code may use aligned vector loads: give it 64 bytes. Never a
  // null pointer, even when empty.
  void *p = nullptr;
  size_t bytes = static_cast<size_t>(numBytes);
  if (posix_memalign(&p, 64, bytes > 0 ? bytes : 64) != 0)
    return false;
  std::memset(p, 0, bytes);
  data = std::unique_ptr<uint8_t[], void (*)(void *)>(static_cast<uint8_t *>(p),
                                                      std::free);
  return true;
}

int64_t Tensor::numElements() const {
  const DtypeInfo *info = dtypeByCode(dtype);
  return info ? numBytes / info->size : 0;
}

bool readFile(const std::string &path, std::vector<uint8_t> &bytes,
              std::string &err) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    err = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  bytes.clear();
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    bytes.insert(bytes.end(), buf, buf + n);
  bool bad = std::ferror(f);
  std::fclose(f);
  if (bad) {
    err = "read error";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

namespace {

const char kNpyMagic[] = "\x93NUMPY";
constexpr size_t kNpyMagicLen = 6;

/// The header of a .npy file is a Python dict literal:
///   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
/// This reads exactly that subset: string keys, and string, boolean or
/// integer-tuple values.
class NpyHeaderParser {
public:
  explicit NpyHeaderParser(const std::string &text) : text(text) {}

  bool parse(std::string &descr, bool &fortran, std::vector<int64_t> &shape,
             std::string &err) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("expected '{'", err);
    for (;;) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return fail("expected a quoted key", err);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after '" + key + "'", err);
      skipSpace();
      if (key == "descr") {
        if (peek() == '[')
          return fail("structured dtypes are not supported", err);
        if (!parseString(descr))
          return fail("'descr' is not a string", err);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (!parseBool(fortran))
          return fail("'fortran_order' is not True or False", err);
        haveFortran = true;
      } else if (key == "shape") {
        if (!parseTuple(shape, err))
          return false;
        haveShape = true;
      } else {
        return fail("unexpected key '" + key + "'", err);
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail("expected ',' or '}'", err);
    }
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the header dict", err);
    if (!haveDescr || !haveFortran || !haveShape) {
      err = "malformed .npy header: 'descr', 'fortran_order' and 'shape' "
            "must all be given";
      return false;
    }
    return true;
  }

private:
  bool fail(const std::string &what, std::string &err) {
    err =
        "malformed .npy header: " + what + " at offset " + std::to_string(pos);
    return false;
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool consume(char c) {
    if (peek() != c)
      return false;
    ++pos;
    return true;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' ||
                                 text[pos] == '\t' || text[pos] == '\r'))
      ++pos;
  }
  bool parseString(std::string &out) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return false;
    ++pos;
    out.clear();
    while (pos < text.size() && text[pos] != quote) {
      if (text[pos] == '\\' && pos + 1 < text.size())
        ++pos;
      out += text[pos++];
    }
    return consume(quote);
  }
  bool parseBool(bool &out) {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      out = true;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      out = false;
      return true;
    }
    return false;
  }
  bool parseTuple(std::vector<int64_t> &out, std::string &err) {
    out.clear();
    if (!consume('('))
      return fail("'shape' is not a tuple", err);
    for (;;) {
      skipSpace();
      if (consume(')'))
        return true;
      if (!(peek() >= '0' && peek() <= '9'))
        return fail("expected a non-negative integer in 'shape'", err);
      int64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        int digit = text[pos++] - '0';
        if (v > (INT64_MAX - digit) / 10)
          return fail("a dim of 'shape' is too large", err);
        v = v * 10 + digit;
      }
      consume('L'); // Python 2 wrote long integers with a suffix
      out.push_back(v);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        return true;
      return fail("expected ',' or ')' in 'shape'", err);
    }
  }

  const std::string &text;
  size_t pos = 0;
};

uint32_t readLE(const uint8_t *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

} // namespace

bool looksLikeNpy(const std::vector<uint8_t> &bytes) {
  return bytes.size() >= kNpyMagicLen &&
         std::memcmp(bytes.data(), kNpyMagic, kNpyMagicLen) == 0;
}

bool parseNpy(const std::vector<uint8_t> &bytes, Tensor &out,
              std::string &err) {
  if (!looksLikeNpy(bytes)) {
    err = "not a .npy file (no \\x93NUMPY magic)";
    return false;
  }
  if (bytes.size() < kNpyMagicLen + 2) {
    err = "truncated .npy header";
    return false;
  }
  int major = bytes[6], minor = bytes[7];
  size_t lenBytes = major == 1 ? 2 : (major == 2 || major == 3) ? 4 : 0;
  if (!lenBytes) {
    err = "unsupported .npy format version " + std::to_string(major) + "." +
          std::to_string(minor);
    return false;
  }
  size_t start = kNpyMagicLen + 2 + lenBytes;
  if (bytes.size() < start) {
    err = "truncated .npy header";
    return false;
  }
  size_t headerLen = readLE(bytes.data() + 8, static_cast<int>(lenBytes));
  if (headerLen > bytes.size() - start) {
    err = "truncated .npy header (" + std::to_string(headerLen) +
          " bytes announced, " + std::to_string(bytes.size() - start) +
          " present)";
    return false;
  }
  std::string header(reinterpret_cast<const char *>(bytes.data() + start),
                     headerLen);
  std::string descr;
  bool fortran = false;
  std::vector<int64_t> shape;
  if (!NpyHeaderParser(header).parse(descr, fortran, shape, err))
    return false;

  const DtypeInfo *info = nullptr;
  if (descr.size() >= 2 && std::strchr("<>|=", descr[0]))
    info = [&]() -> const DtypeInfo * {
      for (const DtypeInfo &d : kDtypes)
        if (descr.compare(1, std::string::npos, d.npyType) == 0)
          return &d;
      return nullptr;
    }();
  if (!info) {
    err = "unsupported .npy dtype '" + descr + "'";
    return false;
  }
  if (descr[0] == '>' && info->size > 1) {
    err = "big-endian .npy data ('" + descr +
          "') is not supported; convert with arr.astype('<" + descr.substr(1) +
          "')";
    return false;
  }
  if (fortran && shape.size() > 1) {
    err = "Fortran-order .npy arrays are not supported; save "
          "np.ascontiguousarray(arr)";
    return false;
  }
  int64_t elems = elementCount(shape, info->size);
  if (elems < 0) {
    err = "shape " + formatShape(shape) + " has too many elements";
    return false;
  }
  size_t dataStart = start + headerLen;
  uint64_t want = static_cast<uint64_t>(elems * info->size);
  uint64_t have = bytes.size() - dataStart;
  if (have != want) {
    err = (have < want ? "truncated .npy data: " : "trailing bytes in .npy: ") +
          std::string("shape ") + formatShape(shape) + " of " + info->name +
          " needs " + std::to_string(want) + " bytes, the file has " +
          std::to_string(have);
    return false;
  }
  if (!out.allocate(info->code, shape)) {
    err = "out of memory";
    return false;
  }
  if (want)
    std::memcpy(out.data.get(), bytes.data() + dataStart, want);
  return true;
}

bool writeNpy(const std::string &path, const Tensor &t, std::string &err) {
  const DtypeInfo *info = dtypeByCode(t.dtype);
  if (!info) {
    err = "unknown dtype " + std::to_string(t.dtype);
    return false;
  }
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i)
    shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : "") +
             (i + 1 < t.shape.size() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") +
                       (info->size == 1 ? '|' : '<') + info->npyType +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned,
  // as numpy does.
  size_t total = kNpyMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff) {
    err = "the .npy header is too long for format 1.0";
    return false;
  }
  std::string prefix(kNpyMagic, kNpyMagicLen);
  prefix += '\x01';
  prefix += '\x00';
  prefix += static_cast<char>(header.size() & 0xff);
  prefix += static_cast<char>(header.size() >> 8);

  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    err = std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(prefix.data(), 1, prefix.size(), f) == prefix.size() &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(t.data.get(), 1, static_cast<size_t>(t.numBytes), f) ==
                static_cast<size_t>(t.numBytes);
  ok = (std::fclose(f) == 0) && ok;
  if (!ok)
    err = "write error";
  return ok;
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto
//===----------------------------------------------------------------------===//

namespace {

/// The protobuf wire format, bounds-checked.
class WireReader {
public:
  WireReader(const uint8_t *begin, const uint8_t *end) : p(begin), end(end) {}
  bool atEnd() const { return p == end; }
  size_t offset(const uint8_t *base) const { return p - base; }

  bool varint(uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end)
        return false;
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return true;
    }
    return false; // more than 10 bytes
  }
  bool fixed(uint64_t &v, int bytes) {
    if (end - p < bytes)
      return false;
    v = 0;
    for (int i = bytes - 1; i >= 0; --i)
      v = (v << 8) | p[i];
    p += bytes;
    return true;
  }
  bool bytes(const uint8_t *&b, const uint8_t *&e) {
    uint64_t len;
    if (!varint(len) || len > static_cast<uint64_t>(end - p))
      return false;
    b = p;
    e = p + len;
    p = e;
    return true;
  }

private:
  const uint8_t *p, *end;
};

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

/// Values of one repeated numeric field, collected before the element type
/// is known to be final (fields may come in any order).
struct Repeated {
  std::vector<uint64_t> values;
};

/// The typed data fields of TensorProto: number, name, wire type of one
/// value.
struct TypedField {
  int number;
  const char *name;
  int wire;
};
const TypedField kTypedFields[] = {
    {4, "float_data", kFixed32},  {5, "int32_data", kVarint},
    {7, "int64_data", kVarint},   {10, "double_data", kFixed64},
    {11, "uint64_data", kVarint},
};

/// Which typed field carries each element type (ONNX's rules: int32_data
/// also holds every narrower type, float16 and bfloat16 as their bit
/// patterns; uint64_data holds uint32), and the range its values must fit.
struct Carrier {
  int32_t dtype;
  int field;
  int64_t lo, hi; // for int32_data
};
const Carrier kCarriers[] = {
    {1, 4, 0, 0},
    {2, 5, 0, UINT8_MAX},
    {3, 5, INT8_MIN, INT8_MAX},
    {4, 5, 0, UINT16_MAX},
    {5, 5, INT16_MIN, INT16_MAX},
    {6, 5, INT32_MIN, INT32_MAX},
    {7, 7, 0, 0},
    {9, 5, 0, 1},
    {10, 5, 0, UINT16_MAX},
    {11, 10, 0, 0},
    {12, 11, 0, 0},
    {13, 11, 0, 0},
    {16, 5, 0, UINT16_MAX},
};

/// Appends a repeated scalar field, packed (one length-delimited blob) or
/// not (one value per tag). `scalarWire` is the field's own wire type.
bool readRepeated(WireReader &r, int wire, int scalarWire, Repeated &out) {
  auto one = [&](WireReader &rr) -> bool {
    uint64_t v;
    bool ok = scalarWire == kVarint
                  ? rr.varint(v)
                  : rr.fixed(v, scalarWire == kFixed32 ? 4 : 8);
    if (ok)
      out.values.push_back(v);
    return ok;
  };
  if (wire == scalarWire)
    return one(r);
  if (wire != kLengthDelimited)
    return false;
  const uint8_t *b, *e;
  if (!r.bytes(b, e))
    return false;
  WireReader packed(b, e);
  while (!packed.atEnd())
    if (!one(packed))
      return false;
  return true;
}

bool skipField(WireReader &r, int wire) {
  uint64_t v;
  const uint8_t *b, *e;
  switch (wire) {
  case kVarint:
    return r.varint(v);
  case kFixed64:
    return r.fixed(v, 8);
  case kLengthDelimited:
    return r.bytes(b, e);
  case kFixed32:
    return r.fixed(v, 4);
  default: // groups (3, 4) and invalid types
    return false;
  }
}

} // namespace

bool parseTensorProto(const std::vector<uint8_t> &bytes, Tensor &out,
                      std::string &err) {
  const uint8_t *base = bytes.data();
  WireReader r(base, base + bytes.size());
  std::vector<int64_t> dims;
  uint64_t dataType = 0;
  Repeated dimsField;
  Repeated typed[std::size(kTypedFields)];
  const uint8_t *raw = nullptr, *rawEnd = nullptr;
  bool hasRaw = false;

  auto malformed = [&](const std::string &what) {
    err = "malformed TensorProto: " + what + " at byte " +
          std::to_string(r.offset(base));
    return false;
  };

  while (!r.atEnd()) {
    uint64_t key;
    if (!r.varint(key))
      return malformed("truncated field key");
    uint64_t field = key >> 3;
    int wire = static_cast<int>(key & 7);
    bool ok = true;
    switch (field) {
    case 1: // dims
      ok = readRepeated(r, wire, kVarint, dimsField);
      break;
    case 2: // data_type
      ok = wire == kVarint && r.varint(dataType);
      break;
    case 3:
      err = "segmented TensorProto files are not supported";
      return false;
    case 6:
      err = "string tensors (string_data) are not supported";
      return false;
    case 9: // raw_data
      ok = wire == kLengthDelimited && r.bytes(raw, rawEnd);
      hasRaw = hasRaw || ok;
      break;
    case 13:   // external_data
    case 14: { // data_location
      uint64_t location = 1;
      if (field == 14 && !(wire == kVarint && r.varint(location)))
        return malformed("bad data_location");
      if (location != 0) {
        err = "tensors with external data are not supported";
        return false;
      }
      break;
    }
    default: {
      const TypedField *f = std::find_if(
          std::begin(kTypedFields), std::end(kTypedFields),
          [&](const TypedField &t) { return uint64_t(t.number) == field; });
      if (f != std::end(kTypedFields))
        ok = readRepeated(r, wire, f->wire, typed[f - kTypedFields]);
      else // name (8), doc_string (12) and fields we do not know
        ok = skipField(r, wire);
    }
    }
    if (!ok)
      return malformed("bad or truncated field " + std::to_string(field) +
                       " (wire type " + std::to_string(wire) + ")");
  }

  for (uint64_t d : dimsField.values) {
    if (static_cast<int64_t>(d) < 0) {
      err = "negative dim " + std::to_string(static_cast<int64_t>(d)) +
            " in TensorProto";
      return false;
    }
    dims.push_back(static_cast<int64_t>(d));
  }
  const DtypeInfo *info = dataType <= INT32_MAX
                              ? dtypeByCode(static_cast<int32_t>(dataType))
                              : nullptr;
  if (!info) {
    err = dataType == 0
              ? "TensorProto has no data_type"
              : "unsupported TensorProto data_type " + std::to_string(dataType);
    return false;
  }
  int64_t elems = elementCount(dims, info->size);
  if (elems < 0) {
    err = "shape " + formatShape(dims) + " has too many elements";
    return false;
  }

  const Carrier &carrier =
      *std::find_if(std::begin(kCarriers), std::end(kCarriers),
                    [&](const Carrier &c) { return c.dtype == info->code; });
  const Repeated *values = nullptr;
  const char *valuesName = nullptr;
  for (size_t i = 0; i < std::size(kTypedFields); ++i) {
    if (typed[i].values.empty())
      continue;
    if (kTypedFields[i].number != carrier.field) {
      err = std::string(kTypedFields[i].name) + " given for a tensor of " +
            info->name;
      return false;
    }
    values = &typed[i];
    valuesName = kTypedFields[i].name;
  }
  if (hasRaw && values) {
    err = std::string("both raw_data and ") + valuesName + " are given";
    return false;
  }

  if (!out.allocate(info->code, dims)) {
    err = "out of memory";
    return false;
  }
  uint8_t *dst = out.data.get();
  if (hasRaw) {
    uint64_t have = rawEnd - raw;
    if (have != static_cast<uint64_t>(out.numBytes)) {
      err = "raw_data has " + std::to_string(have) + " bytes, shape " +
            formatShape(dims) + " of " + info->name + " needs " +
            std::to_string(out.numBytes);
      return false;
    }
    if (have)
      std::memcpy(dst, raw, have);
    return true;
  }
  uint64_t have = values ? values->values.size() : 0;
  if (have != static_cast<uint64_t>(elems)) {
    err = values ? std::string(valuesName) + " has " + std::to_string(have) +
                       " values, shape " + formatShape(dims) + " needs " +
                       std::to_string(elems)
                 : "no data: shape " + formatShape(dims) + " of " + info->name +
                       " needs " + std::to_string(elems) + " values";
    return false;
  }
  for (int64_t i = 0; i < elems; ++i) {
    uint64_t v = values->values[i];
    // int32_data values are varints of the value sign-extended to 64 bits
    // and must fit the element.
    int64_t s = static_cast<int64_t>(v);
    if (carrier.field == 5 && (s < carrier.lo || s > carrier.hi)) {
      err = std::string("int32_data value ") + std::to_string(s) +
            " at index " + std::to_string(i) + " does not fit " + info->name;
      return false;
    }
    // Little-endian: the element is the low `size` bytes of the value.
    std::memcpy(dst + i * info->size, &v, static_cast<size_t>(info->size));
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Element conversions
//===----------------------------------------------------------------------===//

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0x1f) { // inf, nan
    bits = sign | 0x7f800000 | (mant << 13);
  } else if (exp != 0) { // normal
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) { // zero
    bits = sign;
  } else { // subnormal: normalise
    int e = -1;
    do {
      ++e;
      mant <<= 1;
    } while (!(mant & 0x400));
    bits = sign | ((112 - e) << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t absBits = bits & 0x7fffffff;
  if (absBits >= 0x7f800000) // inf, nan (keep nan quiet)
    return sign | 0x7c00 | (absBits > 0x7f800000 ? 0x200 : 0);
  if (absBits >= 0x477ff000) // rounds to >= 65520: overflow to inf
    return sign | 0x7c00;
  if (absBits < 0x38800000) { // below the smallest normal half: subnormal
    if (absBits < 0x33000000) // < 2^-25: rounds to zero
      return sign;
    uint32_t exp = absBits >> 23;
    uint32_t mant = (absBits & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - exp; // 14..24 (value = mant * 2^(exp-150))
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1)))
      ++half;
    return sign | static_cast<uint16_t>(half);
  }
  uint32_t h = ((absBits >> 13) - (112u << 10)); // rebias the exponent
  uint32_t rest = absBits & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
    ++h; // may carry into the exponent, which is right
  return sign | static_cast<uint16_t>(h);
}

float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToBFloat16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) // nan: keep it a quiet nan
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

double elementAsDouble(const Tensor &t, int64_t i) {
  const uint8_t *p = t.data.get();
  auto load = [&](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, p + i * sizeof v, sizeof v);
    return v;
  };
  switch (t.dtype) {
  case 1:
    return load(float());
  case 2:
    return load(uint8_t());
  case 3:
    return load(int8_t());
  case 4:
    return load(uint16_t());
  case 5:
    return load(int16_t());
  case 6:
    return load(int32_t());
  case 7:
    return static_cast<double>(load(int64_t()));
  case 9:
    return load(uint8_t());
  case 10:
    return halfToFloat(load(uint16_t()));
  case 11:
    return load(double());
  case 12:
    return load(uint32_t());
  case 13:
    return static_cast<double>(load(uint64_t()));
  case 16:
    return bfloat16ToFloat(load(uint16_t()));
  default:
    return 0;
  }
}

} // namespace syrun
