//===- Json.cpp - a small JSON reader for library signatures --------------===//

#include "tools/switchyard-run/Json.h"

#include <cerrno>
#include <cstdlib>

namespace syrun {

const JsonValue *JsonValue::get(const std::string &key) const {
  if (kind != Object)
    return nullptr;
  for (const auto &[name, value] : members)
    if (name == key)
      return &value;
  return nullptr;
}

bool JsonValue::asInt64(int64_t &out) const {
  if (kind != Number || text.find_first_of(".eE") != std::string::npos)
    return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0')
    return false;
  out = v;
  return true;
}

namespace {

class Parser {
public:
  explicit Parser(const std::string &text) : text(text) {}

  bool document(JsonValue &out, std::string &err) {
    skipSpace();
    if (!value(out, 0))
      return fail(err);
    skipSpace();
    if (pos != text.size()) {
      problem = "unexpected text after the value";
      return fail(err);
    }
    return true;
  }

private:
  // Deep enough for any signature, shallow enough for the stack.
  static constexpr int kMaxDepth = 64;

  bool fail(std::string &err) {
    err = problem + " at offset " + std::to_string(pos);
    return false;
  }
  bool expect(const char *what) {
    problem = std::string("expected ") + what;
    return false;
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool literal(const char *word) {
    size_t n = std::char_traits<char>::length(word);
    if (text.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }

  bool value(JsonValue &out, int depth) {
    if (depth > kMaxDepth) {
      problem = "nesting too deep";
      return false;
    }
    char c = peek();
    if (c == '{')
      return object(out, depth);
    if (c == '[')
      return array(out, depth);
    if (c == '"') {
      out.kind = JsonValue::String;
      return string(out.text);
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return number(out);
    if (literal("true")) {
      out.kind = JsonValue::Bool;
      out.boolean = true;
      return true;
    }
    if (literal("false")) {
      out.kind = JsonValue::Bool;
      return true;
    }
    if (literal("null")) {
      out.kind = JsonValue::Null;
      return true;
    }
    return expect("a value");
  }

  bool object(JsonValue &out, int depth) {
    out.kind = JsonValue::Object;
    ++pos; // '{'
    skipSpace();
    if (peek() == '}') {
      ++pos;
      return true;
    }
    for (;;) {
      skipSpace();
      std::string key;
      if (peek() != '"')
        return expect("a string key");
      if (!string(key))
        return false;
      skipSpace();
      if (peek() != ':')
        return expect("':'");
      ++pos;
      skipSpace();
      out.members.emplace_back(std::move(key), JsonValue());
      if (!value(out.members.back().second, depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == '}') {
        ++pos;
        return true;
      }
      return expect("',' or '}'");
    }
  }

  bool array(JsonValue &out, int depth) {
    out.kind = JsonValue::Array;
    ++pos; // '['
    skipSpace();
    if (peek() == ']') {
      ++pos;
      return true;
    }
    for (;;) {
      skipSpace();
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      if (peek() == ']') {
        ++pos;
        return true;
      }
      return expect("',' or ']'");
    }
  }

  bool number(JsonValue &out) {
    size_t start = pos;
    if (peek() == '-')
      ++pos;
    auto digits = [&]() {
      size_t from = pos;
      while (peek() >= '0' && peek() <= '9')
        ++pos;
      return pos > from;
    };
    if (peek() == '0')
      ++pos;
    else if (!digits())
      return expect("digits");
    if (peek() == '.') {
      ++pos;
      if (!digits())
        return expect("digits after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos;
      if (peek() == '+' || peek() == '-')
        ++pos;
      if (!digits())
        return expect("exponent digits");
    }
    out.kind = JsonValue::Number;
    out.text = text.substr(start, pos - start);
    return true;
  }

  bool hex4(uint32_t &v) {
    if (text.size() - pos < 4)
      return expect("four hex digits");
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text[pos++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return expect("a hex digit");
    }
    return true;
  }

  static void appendUtf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }

  bool string(std::string &out) {
    ++pos; // '"'
    out.clear();
    for (;;) {
      if (pos >= text.size())
        return expect("a closing '\"'");
      char c = text[pos++];
      if (c == '"')
        return true;
      if (static_cast<unsigned char>(c) < 0x20) {
        --pos;
        problem = "control character in a string";
        return false;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= text.size())
        return expect("an escape");
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        uint32_t cp;
        if (!hex4(cp))
          return false;
        if (cp >= 0xd800 && cp < 0xdc00) { // a surrogate pair
          uint32_t low;
          if (text.compare(pos, 2, "\\u") != 0)
            return expect("a low surrogate");
          pos += 2;
          if (!hex4(low))
            return false;
          if (low < 0xdc00 || low > 0xdfff)
            return expect("a low surrogate");
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          problem = "unpaired low surrogate";
          return false;
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos;
        return expect("a valid escape");
      }
    }
  }

  const std::string &text;
  size_t pos = 0;
  std::string problem;
};

} // namespace

bool parseJson(const std::string &text, JsonValue &out, std::string &err) {
  out = JsonValue();
  return Parser(text).document(out, err);
}

} // namespace syrun
