// Large all-parallel generics (and copies and fills) directly in a function
// body are outlined into @<func>_parallel<N>(env, begin, end) and run by
// sy_rt_parallel_for over one loop dimension; small ones, reductions and
// bodies reading non-constant outside values stay where they are.
// RUN: switchyard-opt %s --sy-parallelize-elementwise | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// CHECK: func.func private @sy_rt_parallel_for(i64, (memref<32xi64>, i64, i64) -> (), memref<32xi64>)

// Dimension 0 has extent 1: the split is along the 128 channels, which the
// bias operand indexes too. The caller stores the three aligned addresses.
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: (%[[X:.*]]: memref<1x128x16x16xf32>, %[[B:.*]]: memref<128xf32>, %[[Y:.*]]: memref<1x128x16x16xf32>)
// CHECK: %[[ENV:.*]] = memref.alloca() : memref<32xi64>
// CHECK: memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: memref.store %{{.*}}, %[[ENV]][%{{.*}}]
// CHECK: memref.extract_aligned_pointer_as_index %[[B]]
// CHECK: memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: %[[FN:.*]] = constant @bias_relu_parallel0 : (memref<32xi64>, i64, i64) -> ()
// CHECK: %[[N:.*]] = arith.constant 128 : i64
// CHECK: call @sy_rt_parallel_for(%[[N]], %[[FN]], %[[ENV]])
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @bias_relu(%x: memref<1x128x16x16xf32>, %b: memref<128xf32>, %y: memref<1x128x16x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %b : memref<1x128x16x16xf32>, memref<128xf32>) outs(%y : memref<1x128x16x16xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// Below 32768 points: a loop on the calling thread.
// CHECK-LABEL: func.func @small
// CHECK-NOT: sy_rt_parallel_for
// CHECK: linalg.generic
func.func @small(%x: memref<64x256xf32>, %y: memref<64x256xf32>) {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x256xf32>) outs(%y : memref<64x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  }
  return
}

// A reduction stays.
// CHECK-LABEL: func.func @row_sums
// CHECK-NOT: sy_rt_parallel_for
// CHECK: linalg.generic
func.func @row_sums(%x: memref<256x256xf32>, %y: memref<256xf32>) {
  linalg.generic {indexing_maps = [#id2, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<256x256xf32>) outs(%y : memref<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// A body reading a non-constant outside value stays.
// CHECK-LABEL: func.func @scaled
// CHECK-NOT: sy_rt_parallel_for
// CHECK: linalg.generic
func.func @scaled(%x: memref<256x256xf32>, %k: f32, %y: memref<256x256xf32>) {
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<256x256xf32>) outs(%y : memref<256x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %k : f32
    linalg.yield %s : f32
  }
  return
}

// A body that loads from an outside memref (the padding generics do) gets
// it through the address array too; linalg.index of the split dimension is
// shifted by the slice's start.
// CHECK-LABEL: func.func @gather_rows
// CHECK: constant @gather_rows_parallel0
// CHECK: call @sy_rt_parallel_for
func.func @gather_rows(%src: memref<256x256xf32>, %y: memref<256x256xf32>) {
  linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]}
      outs(%y : memref<256x256xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %v = memref.load %src[%j, %i] : memref<256x256xf32>
    linalg.yield %v : f32
  }
  return
}

// A copy (a Concat's part) into a strided view, generalized first.
// CHECK-LABEL: func.func @copy_into_view
// CHECK: constant @copy_into_view_parallel0
// CHECK: call @sy_rt_parallel_for
// CHECK-NOT: linalg.copy
func.func @copy_into_view(%x: memref<1x64x32x32xf32>, %y: memref<1x128x32x32xf32>) {
  %v = memref.subview %y[0, 64, 0, 0] [1, 64, 32, 32] [1, 1, 1, 1] : memref<1x128x32x32xf32> to memref<1x64x32x32xf32, strided<[131072, 1024, 32, 1], offset: 65536>>
  linalg.copy ins(%x : memref<1x64x32x32xf32>) outs(%v : memref<1x64x32x32xf32, strided<[131072, 1024, 32, 1], offset: 65536>>)
  return
}

// Constant globals (a Resize's row tables: an operand, and a memref the body
// reads) are not passed in the address array: the outlined function takes
// its own memref.get_global, so LLVM sees loads from constant memory. A
// mutable global's address goes through the array like any memref.
// CHECK-LABEL: func.func @row_table
// CHECK-SAME: (%[[SRC:.*]]: memref<64x256xf32>, %[[Y:.*]]: memref<256x256xf32>)
// CHECK: %[[ENV:.*]] = memref.alloca() : memref<32xi64>
// CHECK: memref.extract_aligned_pointer_as_index %[[Y]]
// CHECK: memref.extract_aligned_pointer_as_index %[[SRC]]
// CHECK: memref.extract_aligned_pointer_as_index %{{.*}} : memref<256xf32>
// CHECK-NOT: memref.extract_aligned_pointer_as_index
// CHECK: call @sy_rt_parallel_for
memref.global "private" constant @rows : memref<256xi64> = dense<1>
memref.global "private" constant @weights : memref<256xf32> = dense<0.5>
memref.global "private" @scales : memref<256xf32> = dense<2.0>
func.func @row_table(%src: memref<64x256xf32>, %y: memref<256x256xf32>) {
  %rows = memref.get_global @rows : memref<256xi64>
  %w = memref.get_global @weights : memref<256xf32>
  %k = memref.get_global @scales : memref<256xf32>
  linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%rows : memref<256xi64>) outs(%y : memref<256x256xf32>) {
  ^bb0(%r: i64, %out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %ri = arith.index_cast %r : i64 to index
    %v = memref.load %src[%ri, %j] : memref<64x256xf32>
    %a = memref.load %w[%i] : memref<256xf32>
    %b = memref.load %k[%j] : memref<256xf32>
    %s = arith.mulf %v, %a : f32
    %t = arith.mulf %s, %b : f32
    linalg.yield %t : f32
  }
  return
}

// The outlined functions: memrefs rebuilt from the addresses with the
// type's offset, sizes and strides, then sliced along the split dimension.
// CHECK-LABEL: func.func private @bias_relu_parallel0
// CHECK-SAME: (%[[E:.*]]: memref<32xi64>, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK-DAG: %[[LO:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK-DAG: %[[HI:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK: %[[LEN:.*]] = arith.subi %[[HI]], %[[LO]] : index
// CHECK: memref.load %[[E]]
// CHECK: llvm.inttoptr
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<4 x i64>, array<4 x i64>)> to memref<1x128x16x16xf32>
// CHECK: builtin.unrealized_conversion_cast %{{.*}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<128xf32>
// CHECK: %[[SX:.*]] = memref.subview %{{.*}}[0, %[[LO]], 0, 0] [1, %[[LEN]], 16, 16] [1, 1, 1, 1]
// CHECK: %[[SB:.*]] = memref.subview %{{.*}}[%[[LO]]] [%[[LEN]]] [1]
// CHECK: %[[SY:.*]] = memref.subview %{{.*}}[0, %[[LO]], 0, 0] [1, %[[LEN]], 16, 16] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} ins(%[[SX]], %[[SB]] : {{.*}}) outs(%[[SY]] :
// CHECK: arith.maximumf

// CHECK-LABEL: func.func private @gather_rows_parallel0
// CHECK: %[[LO:.*]] = arith.index_cast %{{.*}} : i64 to index
// The operand first, then the memref the body reads.
// CHECK: builtin.unrealized_conversion_cast {{.*}} to memref<256x256xf32>
// CHECK: %[[SRC:.*]] = builtin.unrealized_conversion_cast {{.*}} to memref<256x256xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[I2:.*]] = arith.addi %[[I]], %[[LO]] : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: memref.load %[[SRC]][%[[J]], %[[I2]]]

// The view's offset (65536) is part of the rebuilt type.
// CHECK-LABEL: func.func private @copy_into_view_parallel0
// CHECK: llvm.mlir.constant(65536 : i64)
// CHECK: to memref<1x64x32x32xf32, strided<[131072, 1024, 32, 1], offset: 65536>>

// CHECK-LABEL: func.func private @row_table_parallel0
// CHECK-DAG: memref.get_global @rows : memref<256xi64>
// CHECK-DAG: memref.get_global @weights : memref<256xf32>
// CHECK-NOT: memref.get_global
// CHECK: linalg.generic
