// Constant weights (a memref.global, as bufferized initializers are) are
// laid out at compile time as the kernel's 32-column panels,
// [ceil(N/32)][K][32], in a new global `<name>_panels`, and the matmul calls
// sy_ukernel_sgemm_prepacked(M, N, K, A, lda, PANELS, C, ldc, FLAGS); the
// source global goes when nothing else reads it.
// RUN: switchyard-opt %s --sy-lower-matmul-to-ukernel \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s
// RUN: switchyard-opt %s --sy-lower-matmul-to-ukernel | FileCheck %s \
// RUN:   --check-prefix=ERASED

// @w is B[p][j] = 64 p + j (2 x 64): panel 0 holds columns 0..31 of rows 0
// and 1, panel 1 columns 32..63.
// CHECK-DAG: memref.global "private" constant @w_panels : memref<2x2x32xf32> = dense<{{\[\[\[}}0.000000e+00, 1.000000e+00, {{.*}}, 3.100000e+01], [6.400000e+01, {{.*}}, 9.500000e+01]], {{\[\[}}3.200000e+01, {{.*}}, 6.300000e+01], [9.600000e+01, {{.*}}, 1.270000e+02]]]> {{.*}}alignment = 64
// CHECK-DAG: func.func private @sy_ukernel_sgemm_prepacked(i64, i64, i64, i64, i64, i64, i64, i64, i64)
// Read by a copy as well: the source stays next to its panels.
// CHECK-DAG: memref.global "private" constant @copied_w : memref<2x64xf32>
// CHECK-DAG: memref.global "private" constant @copied_w_panels : memref<2x2x32xf32>
// Ten columns would be read as 32: not prepacked.
// CHECK-DAG: memref.global "private" constant @narrow_w : memref<2x10xf32>
// CHECK-NOT: @narrow_w_panels
// Not a constant: not prepacked.
// CHECK-DAG: memref.global "private" @mutable_w : memref<2x64xf32>
// CHECK-NOT: @mutable_w_panels
// Only the panels stand for @w now.
// ERASED-NOT: memref.global "private" constant @w :
memref.global "private" constant @w : memref<2x64xf32> = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0], [64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0]]>
memref.global "private" constant @narrow_w : memref<2x10xf32> = dense<1.0>
memref.global "private" constant @copied_w : memref<2x64xf32> = dense<2.0>
memref.global "private" @mutable_w : memref<2x64xf32> = dense<3.0>

// CHECK-LABEL: func @prepacked
// CHECK-SAME: (%[[A:.*]]: memref<8x2xf32>, %[[C:.*]]: memref<8x64xf32>)
// CHECK-DAG: %[[M:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[N:.*]] = arith.constant 64 : i64
// CHECK-DAG: %[[K:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[FLAGS:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[PANELS:.*]] = memref.get_global @w_panels
// CHECK-DAG: memref.extract_strided_metadata %[[PANELS]]
// CHECK: call @sy_ukernel_sgemm_prepacked(%[[M]], %[[N]], %[[K]], %{{.*}}, %[[K]], %{{.*}}, %{{.*}}, %[[N]], %[[FLAGS]])
// CHECK-NOT: linalg.matmul
func.func @prepacked(%a: memref<8x2xf32>, %c: memref<8x64xf32>) {
  %w = memref.get_global @w : memref<2x64xf32>
  linalg.matmul ins(%a, %w : memref<8x2xf32>, memref<2x64xf32>) outs(%c : memref<8x64xf32>)
  return
}

// A second reader of @w reuses the same panels.
// CHECK-LABEL: func @shared
// CHECK: memref.get_global @w_panels
// CHECK: call @sy_ukernel_sgemm_prepacked
func.func @shared(%a: memref<4x2xf32>, %c: memref<4x64xf32>) {
  %w = memref.get_global @w : memref<2x64xf32>
  linalg.matmul ins(%a, %w : memref<4x2xf32>, memref<2x64xf32>) outs(%c : memref<4x64xf32>)
  return
}

// CHECK-LABEL: func @narrow
// CHECK: call @sy_ukernel_sgemm(
func.func @narrow(%a: memref<8x2xf32>, %c: memref<8x10xf32>) {
  %w = memref.get_global @narrow_w : memref<2x10xf32>
  linalg.matmul ins(%a, %w : memref<8x2xf32>, memref<2x10xf32>) outs(%c : memref<8x10xf32>)
  return
}

// CHECK-LABEL: func @also_copied
// CHECK: call @sy_ukernel_sgemm_prepacked
// CHECK: memref.copy
func.func @also_copied(%a: memref<8x2xf32>, %c: memref<8x64xf32>, %d: memref<2x64xf32>) {
  %w = memref.get_global @copied_w : memref<2x64xf32>
  linalg.matmul ins(%a, %w : memref<8x2xf32>, memref<2x64xf32>) outs(%c : memref<8x64xf32>)
  memref.copy %w, %d : memref<2x64xf32> to memref<2x64xf32>
  return
}

// CHECK-LABEL: func @mutable
// CHECK: call @sy_ukernel_sgemm(
func.func @mutable(%a: memref<8x2xf32>, %c: memref<8x64xf32>) {
  %w = memref.get_global @mutable_w : memref<2x64xf32>
  linalg.matmul ins(%a, %w : memref<8x2xf32>, memref<2x64xf32>) outs(%c : memref<8x64xf32>)
  return
}
