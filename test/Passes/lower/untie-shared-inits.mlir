// A linalg.fill or tensor.empty that several destination-style ops take as
// their init (CSE merged their copies) is cloned right before every such op
// after the first; other uses keep the original.
// RUN: switchyard-opt %s --sy-untie-shared-inits | FileCheck %s

// CHECK-LABEL: func @two_convs_one_fill
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x6x6xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] :
// CHECK: %[[C1:.*]] = linalg.conv_2d_nchw_fchw {{.*}} outs(%[[Z]] :
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<1x4x6x6xf32>
// CHECK: %[[Z2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] :
// CHECK: linalg.conv_2d_nchw_fchw ins(%[[C1]], {{.*}} outs(%[[Z2]] :
func.func @two_convs_one_fill(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>, %w2: tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c1 = linalg.conv_2d_nchw_fchw ins(%x, %w : tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) outs(%z : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c2 = linalg.conv_2d_nchw_fchw ins(%c1, %w2 : tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) outs(%z : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %c2 : tensor<1x4x6x6xf32>
}

// Two generics writing into one empty tensor each get their own.
// CHECK-LABEL: func @one_empty_two_generics
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8xf32>
// CHECK: %[[G1:.*]] = linalg.generic {{.*}} outs(%[[E]] :
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<8xf32>
// CHECK: linalg.generic {{.*}} ins(%[[G1]] : tensor<8xf32>) outs(%[[E2]] :
#id = affine_map<(d0) -> (d0)>
func.func @one_empty_two_generics(%a: tensor<8xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %g1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%g1 : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %g2 : tensor<8xf32>
}

// One init use and one input use: nothing to untie.
// CHECK-LABEL: func @init_and_input
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT: linalg.fill
// CHECK-NOT: tensor.empty() : tensor<8xf32>
// CHECK: return
func.func @init_and_input(%a: tensor<8xf32>) -> tensor<8xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%f : tensor<8xf32>) outs(%f : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %g : tensor<8xf32>
}
