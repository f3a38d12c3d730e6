/*===- winograd.h - Winograd F(2x2, 3x3) and F(4x4, 3x3) weights (shared) ===*
 *
 * sy_ukernel_conv2d_winograd (conv2d_winograd.c) multiplies transformed
 * tiles by transformed weights U = G g G^T, 16 points per 3x3 filter g:
 *   G = [ 1    0    0  ]
 *       [ 1/2  1/2  1/2]
 *       [ 1/2 -1/2  1/2]
 *       [ 0    0    1  ]
 * and sy_ukernel_conv2d_winograd_f43 by 36 points per filter (Lavin and
 * Gray's F(4x4, 3x3), interpolation points 0, +-1, +-2 and infinity):
 *   G = [  1/4     0     0  ]
 *       [ -1/6  -1/6  -1/6  ]
 *       [ -1/6   1/6  -1/6  ]
 *       [  1/24  1/12  1/6  ]
 *       [  1/24 -1/12  1/6  ]
 *       [  0     0     1    ]
 * Header-only so that the compiler (sy-lower-conv-to-ukernel transforms
 * constant weights at compile time) and the runtime's tests use this one
 * definition. The input and output transforms are the kernel's.
 *===----------------------------------------------------------------------===*/
#ifndef SWITCHYARD_RUNTIME_UKERNELS_WINOGRAD_H
#define SWITCHYARD_RUNTIME_UKERNELS_WINOGRAD_H

#include <stdint.h>

/* Points of a transformed tile (4 x 4, and 6 x 6 for F(4x4, 3x3)), one
 * GEMM each. */
enum { SY_WINOGRAD_POINTS = 16, SY_WINOGRAD_F43_POINTS = 36 };

/* u[xi][mo][ci] (xi = 4 * a + b, row-major [16][m][c]) = (G g G^T)[a][b]
 * for each filter g = w[mo][ci] ([m][c][3][3], row-major). */
static inline void sy_winograd_f23_weights(int64_t m, int64_t c,
                                           const float *w, float *u) {
  for (int64_t mo = 0; mo < m; ++mo)
    for (int64_t ci = 0; ci < c; ++ci) {
      const float *g = w + (mo * c + ci) * 9;
      float t[4][3]; /* G g */
      for (int k = 0; k < 3; ++k) {
        t[0][k] = g[k];
        t[1][k] = 0.5f * (g[k] + g[3 + k] + g[6 + k]);
        t[2][k] = 0.5f * (g[k] - g[3 + k] + g[6 + k]);
        t[3][k] = g[6 + k];
      }
      for (int a = 0; a < 4; ++a) { /* (G g) G^T */
        float v[4] = {t[a][0], 0.5f * (t[a][0] + t[a][1] + t[a][2]),
                      0.5f * (t[a][0] - t[a][1] + t[a][2]), t[a][2]};
        for (int b = 0; b < 4; ++b)
          u[((int64_t)(4 * a + b) * m + mo) * c + ci] = v[b];
      }
    }
}

/* u[xi][mo][ci] (xi = 6 * a + b, row-major [36][m][c]) = (G g G^T)[a][b]
 * of F(4x4, 3x3) for each filter g = w[mo][ci]; in double, rounded once. */
static inline void sy_winograd_f43_weights(int64_t m, int64_t c,
                                           const float *w, float *u) {
  static const double G[6][3] = {{1.0 / 4, 0, 0},
                                 {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                 {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                 {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                 {0, 0, 1}};
  for (int64_t mo = 0; mo < m; ++mo)
    for (int64_t ci = 0; ci < c; ++ci) {
      const float *g = w + (mo * c + ci) * 9;
      double t[6][3]; /* G g */
      for (int a = 0; a < 6; ++a)
        for (int k = 0; k < 3; ++k)
          t[a][k] = G[a][0] * g[k] + G[a][1] * g[3 + k] + G[a][2] * g[6 + k];
      for (int a = 0; a < 6; ++a) /* (G g) G^T */
        for (int b = 0; b < 6; ++b)
          u[((int64_t)(6 * a + b) * m + mo) * c + ci] =
              (float)(t[a][0] * G[b][0] + t[a][1] * G[b][1] +
                      t[a][2] * G[b][2]);
    }
}

#endif /* SWITCHYARD_RUNTIME_UKERNELS_WINOGRAD_H */
