// f32 exp, tanh and erf become polynomial arithmetic (no math call left for
// libm); other element types and other math functions are left alone.
// RUN: switchyard-opt %s --sy-approximate-math | FileCheck %s

// CHECK-LABEL: func @f32_functions
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK: arith.bitcast
// CHECK: return
func.func @f32_functions(%x: f32) -> (f32, f32, f32) {
  %e = math.exp %x : f32
  %t = math.tanh %x : f32
  %r = math.erf %x : f32
  return %e, %t, %r : f32, f32, f32
}

// CHECK-LABEL: func @inside_a_loop
// CHECK: scf.for
// CHECK-NOT: math.exp
// CHECK: memref.store
func.func @inside_a_loop(%a: memref<64xf32>, %b: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %a[%i] : memref<64xf32>
    %e = math.exp %v : f32
    memref.store %e, %b[%i] : memref<64xf32>
  }
  return
}

// CHECK-LABEL: func @left_alone
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : f32
// CHECK: math.sqrt %{{.*}} : f32
func.func @left_alone(%d: f64, %x: f32) -> (f64, f32, f32) {
  %e = math.exp %d : f64
  %l = math.log %x : f32
  %s = math.sqrt %x : f32
  return %e, %l, %s : f64, f32, f32
}
