/*===- MemrefCopy.c - the copy routine lowered memref.copy calls ----------===*
 *
 * MLIR lowers a memref.copy between non-contiguous (strided) memrefs to a
 * call `memrefCopy(elemSize, src, dst)` on unranked descriptors, normally
 * provided by MLIR's C runner utilities, which generated libraries do not
 * link. This is our implementation of that contract, so any lowering may
 * produce strided copies. Hidden like the rest of the runtime.
 *
 * A ranked descriptor of rank r is laid out as
 *   { void *allocated; void *aligned; int64_t offset;
 *     int64_t sizes[r]; int64_t strides[r]; }
 * and an unranked one as { int64_t rank; void *descriptor; }.
 *===----------------------------------------------------------------------===*/
#include <stdint.h>
#include <string.h>

typedef struct {
  int64_t rank;
  void *descriptor;
} sy_unranked_memref;

typedef struct {
  void *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[]; /* sizes[rank], then strides[rank] */
} sy_ranked_memref;

enum { kMaxRank = 64 };

void memrefCopy(int64_t elemSize, sy_unranked_memref *srcArg,
                sy_unranked_memref *dstArg) {
  int64_t rank = srcArg->rank;
  const sy_ranked_memref *src = (const sy_ranked_memref *)srcArg->descriptor;
  const sy_ranked_memref *dst = (const sy_ranked_memref *)dstArg->descriptor;
  const int64_t *sizes = src->sizesAndStrides;
  const int64_t *srcStrides = src->sizesAndStrides + rank;
  const int64_t *dstStrides = dst->sizesAndStrides + rank;
  const char *s = src->aligned + src->offset * elemSize;
  char *d = dst->aligned + dst->offset * elemSize;
  if (rank == 0) {
    memcpy(d, s, (size_t)elemSize);
    return;
  }
  if (rank > kMaxRank)
    return; /* never produced by our lowerings */
  for (int64_t r = 0; r < rank; ++r)
    if (sizes[r] == 0)
      return;
  /* Odometer over all indices; the innermost dimension is copied as one
   * block when both sides are contiguous there. */
  int64_t index[kMaxRank] = {0};
  int innerContiguous = srcStrides[rank - 1] == 1 && dstStrides[rank - 1] == 1;
  int64_t inner = innerContiguous ? sizes[rank - 1] : 1;
  int64_t last = innerContiguous ? rank - 2 : rank - 1;
  for (;;) {
    int64_t so = 0, dO = 0;
    for (int64_t r = 0; r < rank; ++r) {
      so += index[r] * srcStrides[r];
      dO += index[r] * dstStrides[r];
    }
    memcpy(d + dO * elemSize, s + so * elemSize, (size_t)(inner * elemSize));
    int64_t r = last;
    for (; r >= 0; --r) {
      if (++index[r] < sizes[r])
        break;
      index[r] = 0;
    }
    if (r < 0)
      return;
  }
}
