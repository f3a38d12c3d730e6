// f32 matmuls on memrefs with contiguous rows become calls to the runtime's
// sgemm micro-kernel; anything else stays a linalg.matmul.
// RUN: switchyard-opt %s --sy-lower-matmul-to-ukernel | FileCheck %s

// CHECK: func.func private @sy_ukernel_sgemm(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @plain
// CHECK-SAME: (%[[A:.*]]: memref<8x16xf32>, %[[B:.*]]: memref<16x32xf32>, %[[C:.*]]: memref<8x32xf32>)
// CHECK-DAG: %[[FLAGS:.*]] = arith.constant 1 : i64
// CHECK-DAG: memref.extract_strided_metadata %[[A]]
// CHECK-DAG: memref.extract_strided_metadata %[[B]]
// CHECK-DAG: memref.extract_strided_metadata %[[C]]
// CHECK: call @sy_ukernel_sgemm({{.*}}, %[[FLAGS]])
// CHECK-NOT: linalg.matmul
func.func @plain(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// A row-strided view (a column block of a wider buffer) is fine: lda comes
// from the strides.
// CHECK-LABEL: func @strided_rows
// CHECK: call @sy_ukernel_sgemm
func.func @strided_rows(%a: memref<8x16xf32, strided<[64, 1], offset: 8>>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32, strided<[64, 1], offset: 8>>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}

// Near-misses: f64, a column-strided (transposed view) operand, tensors.
// CHECK-LABEL: func @not_f32
// CHECK: linalg.matmul
func.func @not_f32(%a: memref<8x16xf64>, %b: memref<16x32xf64>, %c: memref<8x32xf64>) {
  linalg.matmul ins(%a, %b : memref<8x16xf64>, memref<16x32xf64>) outs(%c : memref<8x32xf64>)
  return
}
// CHECK-LABEL: func @column_strided
// CHECK: linalg.matmul
func.func @column_strided(%a: memref<8x16xf32, strided<[1, 8]>>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32, strided<[1, 8]>>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
// CHECK-LABEL: func @on_tensors
// CHECK: linalg.matmul
func.func @on_tensors(%a: tensor<8x16xf32>, %b: tensor<16x32xf32>, %c: tensor<8x32xf32>) -> tensor<8x32xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<8x16xf32>, tensor<16x32xf32>) outs(%c : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}

// A zero fill of C just before the matmul is erased and the kernel
// overwrites C (flags 0); a fill with another value, or a read of C in
// between, keeps the fill and the accumulation (flags 1).
// CHECK-LABEL: func @zero_filled
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK-NOT: linalg.fill
// CHECK: call @sy_ukernel_sgemm({{.*}}, %[[ZERO]])
func.func @zero_filled(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
// CHECK-LABEL: func @one_filled
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: linalg.fill
// CHECK: call @sy_ukernel_sgemm({{.*}}, %[[ONE]])
func.func @one_filled(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<8x32xf32>)
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
// CHECK-LABEL: func @read_between
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: call @sy_ukernel_sgemm({{.*}}, %[[ONE]])
func.func @read_between(%a: memref<8x16xf32>, %b: memref<16x32xf32>, %c: memref<8x32xf32>, %d: memref<8x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x32xf32>)
  memref.copy %c, %d : memref<8x32xf32> to memref<8x32xf32>
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x32xf32>) outs(%c : memref<8x32xf32>)
  return
}
