/*===- Strings.c - message and JSON building, dtype names ----------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void sy_rt_str_append(sy_rt_str *s, const char *text, size_t n) {
  if (s->cap > 0 && s->len < s->cap - 1) {
    size_t room = s->cap - 1 - s->len;
    size_t take = n < room ? n : room;
    memcpy(s->buf + s->len, text, take);
    s->buf[s->len + take] = '\0';
  }
  s->len += n;
}

void sy_rt_str_puts(sy_rt_str *s, const char *text) {
  sy_rt_str_append(s, text, strlen(text));
}

void sy_rt_str_vprintf(sy_rt_str *s, const char *fmt, va_list args) {
  char local[256];
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(local, sizeof local, fmt, copy);
  va_end(copy);
  if (n < 0)
    return;
  if ((size_t)n < sizeof local) {
    sy_rt_str_append(s, local, (size_t)n);
    return;
  }
  /* Too long for the local buffer: format straight into the destination
   * (what fits), and count the rest. */
  if (s->cap > 0 && s->len < s->cap - 1)
    vsnprintf(s->buf + s->len, s->cap - s->len, fmt, args);
  s->len += (size_t)n;
}

void sy_rt_str_printf(sy_rt_str *s, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  sy_rt_str_vprintf(s, fmt, args);
  va_end(args);
}

void sy_rt_str_shape(sy_rt_str *s, const int64_t *dims, int32_t rank,
                     int spec) {
  sy_rt_str_puts(s, "[");
  for (int32_t i = 0; i < rank; ++i) {
    if (i > 0)
      sy_rt_str_puts(s, ", ");
    if (spec && dims[i] < 0)
      sy_rt_str_puts(s, "?");
    else
      sy_rt_str_printf(s, "%" PRId64, dims[i]);
  }
  sy_rt_str_puts(s, "]");
}

void sy_rt_str_json(sy_rt_str *s, const char *text) {
  sy_rt_str_puts(s, "\"");
  for (const unsigned char *p = (const unsigned char *)text; *p; ++p) {
    switch (*p) {
    case '"':
      sy_rt_str_puts(s, "\\\"");
      break;
    case '\\':
      sy_rt_str_puts(s, "\\\\");
      break;
    case '\n':
      sy_rt_str_puts(s, "\\n");
      break;
    case '\r':
      sy_rt_str_puts(s, "\\r");
      break;
    case '\t':
      sy_rt_str_puts(s, "\\t");
      break;
    default:
      if (*p < 0x20)
        sy_rt_str_printf(s, "\\u%04x", (unsigned)*p);
      else
        sy_rt_str_append(s, (const char *)p, 1);
    }
  }
  sy_rt_str_puts(s, "\"");
}

const char *sy_rt_dtype_name(int32_t dtype) {
  switch (dtype) {
  case SY_DTYPE_F32:
    return "float32";
  case SY_DTYPE_U8:
    return "uint8";
  case SY_DTYPE_I8:
    return "int8";
  case SY_DTYPE_U16:
    return "uint16";
  case SY_DTYPE_I16:
    return "int16";
  case SY_DTYPE_I32:
    return "int32";
  case SY_DTYPE_I64:
    return "int64";
  case SY_DTYPE_BOOL:
    return "bool";
  case SY_DTYPE_F16:
    return "float16";
  case SY_DTYPE_F64:
    return "float64";
  case SY_DTYPE_U32:
    return "uint32";
  case SY_DTYPE_U64:
    return "uint64";
  case SY_DTYPE_BF16:
    return "bfloat16";
  default:
    return NULL;
  }
}

int64_t sy_rt_dtype_size(int32_t dtype) {
  switch (dtype) {
  case SY_DTYPE_U8:
  case SY_DTYPE_I8:
  case SY_DTYPE_BOOL:
    return 1;
  case SY_DTYPE_U16:
  case SY_DTYPE_I16:
  case SY_DTYPE_F16:
  case SY_DTYPE_BF16:
    return 2;
  case SY_DTYPE_F32:
  case SY_DTYPE_I32:
  case SY_DTYPE_U32:
    return 4;
  case SY_DTYPE_I64:
  case SY_DTYPE_F64:
  case SY_DTYPE_U64:
    return 8;
  default:
    return 0;
  }
}
