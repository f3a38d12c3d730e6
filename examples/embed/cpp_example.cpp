// cpp_example.cpp: a Switchyard model behind a small C++17 RAII class.
//
// The ABI is plain C (switchyard_abi.h has extern "C" guards), so C++ uses
// it directly; what C++ adds is ownership. `Model` holds the dlopen handle
// and the context in unique_ptrs with custom deleters, so both are released
// in the right order (context first: its destroy function lives in the
// library) on every path, exceptions included, and a Model can be moved but
// not copied. Errors become std::runtime_error carrying the library's own
// message (last_error).
//
// Build (one line):
//   clang++ -std=c++17 -Wall -Wextra -Werror cpp_example.cpp
//           -I<switchyard>/include -ldl -o cpp_example
// Run:   ./cpp_example mlp.so x.raw logits.raw
// Files are raw little-endian float32 in C order, no header. Any library
// with one float32 input and one float32 output of static shape works; the
// shapes come from its signature (as in two_models.c, which explains why a
// few find() calls are a sound parser of that fixed format).
#include "switchyard/runtime/switchyard_abi.h"

#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "cpp_example reads raw little-endian files; this host is big-endian");

namespace {

std::size_t numel(const std::vector<int64_t> &shape) {
  std::size_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<std::size_t>(d);
  return n;
}

std::string to_string(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

struct LibraryCloser {
  void operator()(void *handle) const { dlclose(handle); }
};

// Holds the library's own destroy: the context belongs to that library.
struct ContextDeleter {
  void (*destroy)(sy_context *) = nullptr;
  void operator()(sy_context *ctx) const { destroy(ctx); }
};
using ContextPtr = std::unique_ptr<sy_context, ContextDeleter>;

class Model {
public:
  // Loads the library and creates a context of `num_threads` threads (0: one
  // per core). Throws std::runtime_error when any step fails.
  explicit Model(const std::string &path, int32_t num_threads = 0)
      : lib_(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (!lib_)
      throw std::runtime_error(dlerror());
    using GetApi = const sy_model_api *(*)();
    auto get_api = reinterpret_cast<GetApi>(dlsym(lib_.get(), "switchyard_model_api"));
    if (!get_api)
      throw std::runtime_error(path + ": no switchyard_model_api: not a Switchyard library");
    api_ = get_api();
    // Checked before any other field is read: a new ABI may move them.
    if (api_->abi_version != SWITCHYARD_ABI_VERSION)
      throw std::runtime_error(path + ": ABI version " + std::to_string(api_->abi_version) +
                               ", this program speaks " +
                               std::to_string(SWITCHYARD_ABI_VERSION));
    const char *sig = api_->signature();
    if (!sig)
      throw std::runtime_error(path + ": signature(): out of memory");
    signature_ = sig;
    std::size_t ins = signature_.find("\"inputs\": ["), outs = signature_.find("\"outputs\": [");
    if (ins == std::string::npos || outs == std::string::npos || outs < ins)
      throw std::runtime_error(path + ": unexpected signature: " + signature_);
    in_shape_ = parse_shape(path, "input", ins, outs);
    out_shape_ = parse_shape(path, "output", outs, signature_.size());

    sy_context *ctx = nullptr;
    if (api_->create(&ctx, num_threads) != SY_OK)
      throw std::runtime_error(path + ": create: " + api_->last_error(nullptr));
    ctx_ = ContextPtr(ctx, ContextDeleter{api_->destroy});
  }

  const char *tag() const { return api_->tag; }
  const std::string &signature() const { return signature_; }
  const std::vector<int64_t> &input_shape() const { return in_shape_; }
  const std::vector<int64_t> &output_shape() const { return out_shape_; }

  // Runs the model on `in` (numel(input_shape()) values) and resizes `out`
  // to numel(output_shape()). The runtime cannot see buffer sizes, so the
  // size check here is what keeps it inside `in`.
  void run(const std::vector<float> &in, std::vector<float> &out) {
    if (in.size() != numel(in_shape_))
      throw std::runtime_error(std::string(tag()) + ": input has " + std::to_string(in.size()) +
                               " values, shape " + to_string(in_shape_) + " needs " +
                               std::to_string(numel(in_shape_)));
    out.resize(numel(out_shape_));
    // The ABI's data pointer is not const because outputs share the struct;
    // run only reads inputs.
    sy_tensor input{const_cast<float *>(in.data()), in_shape_.data(),
                    static_cast<int32_t>(in_shape_.size()), SY_DTYPE_F32};
    sy_tensor output{out.data(), out_shape_.data(), static_cast<int32_t>(out_shape_.size()),
                     SY_DTYPE_F32};
    int status = api_->run(ctx_.get(), &input, 1, &output, 1);
    if (status != SY_OK)
      throw std::runtime_error(std::string(tag()) + ": run failed (status " +
                               std::to_string(status) + "): " + api_->last_error(ctx_.get()));
  }

private:
  // The one tensor of the section [begin, end) of the signature; this example
  // takes exactly one float32 tensor of static shape each way.
  std::vector<int64_t> parse_shape(const std::string &path, const char *what,
                                   std::size_t begin, std::size_t end) const {
    const std::string key = "\"shape\": [";
    std::size_t at = signature_.find(key, begin);
    if (at >= end || signature_.find(key, at + 1) < end)
      throw std::runtime_error(path + ": this example needs exactly one " + what + " tensor");
    std::size_t dtype = signature_.find("\"dtype\": \"float32\"", begin);
    if (dtype >= end)
      throw std::runtime_error(path + ": the " + what + " tensor is not float32");
    std::vector<int64_t> shape;
    const char *p = signature_.c_str() + at + key.size();
    while (*p != ']') {
      char *next = nullptr;
      long long d = std::strtoll(p, &next, 10);
      if (next == p || (*next != ',' && *next != ']'))
        throw std::runtime_error(path + ": unexpected signature: " + signature_);
      if (d < 0)
        throw std::runtime_error(path + ": the " + what +
                                 " shape is dynamic; this example needs static shapes");
      shape.push_back(d);
      p = *next == ',' ? next + 2 : next; // skip ", "
    }
    return shape;
  }

  // Declaration order is destruction order reversed: ctx_ goes first, while
  // the library that holds its destroy function is still loaded.
  std::unique_ptr<void, LibraryCloser> lib_;
  const sy_model_api *api_ = nullptr;
  std::string signature_;
  std::vector<int64_t> in_shape_, out_shape_;
  ContextPtr ctx_;
};

std::vector<float> read_floats(const std::string &path, std::size_t n) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw std::runtime_error(path + ": cannot open");
  std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.size() != n * sizeof(float))
    throw std::runtime_error(path + ": expected exactly " + std::to_string(n) +
                             " float32 values (" + std::to_string(n * sizeof(float)) +
                             " bytes), got " + std::to_string(bytes.size()) + " bytes");
  std::vector<float> v(n);
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char *>(v.data()));
  return v;
}

void write_floats(const std::string &path, const std::vector<float> &v) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char *>(v.data()),
          static_cast<std::streamsize>(v.size() * sizeof(float)));
  f.close();
  if (!f)
    throw std::runtime_error(path + ": write failed");
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " LIB.so INPUT.raw OUTPUT.raw\n";
    return 1;
  }
  try {
    Model model(argv[1]);
    std::cout << argv[1] << ": tag=" << model.tag() << "\n  signature: " << model.signature()
              << "\n";
    std::vector<float> in = read_floats(argv[2], numel(model.input_shape())), out;
    model.run(in, out);
    write_floats(argv[3], out);
    std::cout << model.tag() << ": ran " << to_string(model.input_shape()) << " -> "
              << to_string(model.output_shape()) << ", wrote " << argv[3] << "\n";
  } catch (const std::exception &e) {
    std::cerr << "cpp_example: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
