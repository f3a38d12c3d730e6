//===- Json.h - a small JSON reader for library signatures ----------------===//
//
// Enough JSON for the signature a generated library returns
// (switchyard_abi.h): objects, arrays, strings with every escape, numbers,
// true/false/null. Numbers keep their text so that dims read back exactly.
//
//===----------------------------------------------------------------------===//

#ifndef SWITCHYARD_TOOLS_SWITCHYARD_RUN_JSON_H
#define SWITCHYARD_TOOLS_SWITCHYARD_RUN_JSON_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace syrun {

struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  std::string text; ///< a String's value, or a Number's literal text
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  /// The member called `key` of an Object, or null.
  const JsonValue *get(const std::string &key) const;
  /// A Number that is an integer within int64; false otherwise.
  bool asInt64(int64_t &out) const;
};

/// Parses one JSON document. On failure `err` says what and where.
bool parseJson(const std::string &text, JsonValue &out, std::string &err);

} // namespace syrun

#endif // SWITCHYARD_TOOLS_SWITCHYARD_RUN_JSON_H
