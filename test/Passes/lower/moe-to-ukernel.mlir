// sy MoE ops become calls to the runtime's MoE kernels on buffers wrapped
// as tensors; sy.route_dispatch (sy-fuse-gating-dispatch's fused op) is one
// call; constant expert weights are prepacked into 32-column panels.
// RUN: switchyard-opt %s --split-input-file --verify-diagnostics --sy-lower-moe-to-ukernel | FileCheck %s

// CHECK-DAG: func.func private @sy_ukernel_moe_route_dispatch(i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @fused_gating_dispatch
// CHECK-DAG: %[[T:.*]] = arith.constant 16 : i64
// CHECK-DAG: %[[E:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[K:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[H:.*]] = arith.constant 64 : i64
// CHECK-DAG: %[[R:.*]] = arith.constant 32 : i64
// CHECK-DAG: %[[RENORM:.*]] = arith.constant 1 : i64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1065353216 : i64
// CHECK-DAG: %[[IDS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16x2xi64>
// CHECK-DAG: %[[ROWS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xf32>
// CHECK: call @sy_ukernel_moe_route_dispatch(%[[T]], %[[E]], %[[K]], %{{.*}}, %{{.*}}, %{{.*}}, %[[RENORM]], %{{.*}}, %[[ONE]], %{{.*}}, %{{.*}}, %{{.*}}, %[[H]], %[[R]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK-NOT: call
// CHECK: bufferization.to_tensor %[[IDS]] restrict writable
// CHECK: bufferization.to_tensor %[[ROWS]] restrict writable
// CHECK-NOT: sy.
func.func @fused_gating_dispatch(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>) -> (tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>, tensor<16x2xf32>, tensor<16x2xi64>) {
  %ids, %w, %rows, %off, %inv = sy.route_dispatch %l tokens %x top_k = 2 mode = softmax_topk renormalize : tensor<16x8xf32>, tensor<16x64xf32> -> tensor<16x2xi64>, tensor<16x2xf32>, tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %rows, %off, %inv, %w, %ids : tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>, tensor<16x2xf32>, tensor<16x2xi64>
}

// -----

// An unfused route is called alone (tokens 0) and each dispatch gets its
// own call. Mode sigmoid_topk (2), flags renormalize_kept (2), capacity 4,
// then the f32 bits of the scale 2.5 and of the floor 1.0.
// CHECK-LABEL: func @two_dispatches
// CHECK: call @sy_ukernel_moe_route_dispatch(%c16_i64{{(_[0-9]+)?}}, %c8_i64{{(_[0-9]+)?}}, %c2_i64{{(_[0-9]+)?}}, %{{.*}}, %c0_i64{{(_[0-9]+)?}}, %c2_i64{{(_[0-9]+)?}}, %c2_i64{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c1075838976_i64{{(_[0-9]+)?}}, %c1065353216_i64{{(_[0-9]+)?}},
// CHECK: call @sy_ukernel_moe_dispatch
// CHECK: call @sy_ukernel_moe_dispatch
func.func @two_dispatches(%x: tensor<16x64xf32>, %l: tensor<16x8xf32>) -> (tensor<32x64xf32>, tensor<32x64xf32>) {
  %ids, %w = sy.route %l top_k = 2 mode = sigmoid_topk capacity = 4 renormalize_kept = 1.0 scale = 2.5 : tensor<16x8xf32> -> tensor<16x2xi64>, tensor<16x2xf32>
  %r0, %o0, %i0 = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  %r1, %o1, %i1 = sy.dispatch %x, %ids num_experts = 8 : tensor<16x64xf32>, tensor<16x2xi64> -> tensor<32x64xf32>, tensor<9xi64>, tensor<16x2xi64>
  return %r0, %r1 : tensor<32x64xf32>, tensor<32x64xf32>
}

// -----

// Constant weights in onnxruntime's [E, N, K] layout with a concatenated
// SwiGLU: prepacked panels [E, ceil(N/32), K, 32], the halves interleaved
// (activation code 6, swiglu_interleaved) and the prepacked flag (4). The
// GEMM needs room for y [M, N]. The tiles come next, then the row scale's
// address (0: none).
// CHECK-LABEL: func @constant_weights_swiglu
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x2x8x32xf32>
// CHECK-DAG: %[[ACT:.*]] = arith.constant 6 : i64
// CHECK-DAG: %[[FLAGS:.*]] = arith.constant 4 : i64
// CHECK-DAG: memref.alloc() {alignment = 64 : i64} : memref<32x64xf32>
// CHECK: call @sy_ukernel_grouped_sgemm({{.*}}, %[[ACT]], %{{.*}}, %{{.*}}, %[[FLAGS]], %c24_i64{{(_[0-9]+)?}}, %c64_i64{{(_[0-9]+)?}}, %c0_i64{{(_[0-9]+)?}})
func.func @constant_weights_swiglu(%rows: tensor<32x8xf32>, %off: tensor<3xi64>) -> tensor<32x32xf32> {
  %cst = arith.constant dense<0.5> : tensor<2x64x8xf32>
  %h = sy.grouped_matmul %rows, %cst offsets %off rhs_transposed activation = swiglu tiles 24 x 64 : tensor<32x8xf32>, tensor<2x64x8xf32>, tensor<3xi64> -> tensor<32x32xf32>
  return %h : tensor<32x32xf32>
}

// -----

// Weights that are not constants are packed at run time (flags 0), after a
// linalg.transpose from [E, N, K]; the bias is passed along. Without tiles
// the kernel's defaults apply (0, 0).
// CHECK-LABEL: func @runtime_weights
// CHECK: %[[WT:.*]] = linalg.transpose ins(%{{.*}} : tensor<4x24x16xf32>) outs(%{{.*}} : tensor<4x16x24xf32>) permutation = [0, 2, 1]
// CHECK: bufferization.to_buffer %[[WT]] read_only
// CHECK: %[[RELU:.*]] = arith.constant 1 : i64
// CHECK: call @sy_ukernel_grouped_sgemm({{.*}}, %[[RELU]], %c0_i64{{(_[0-9]+)?}}, %{{.*}}, %c0_i64{{(_[0-9]+)?}}, %c0_i64{{(_[0-9]+)?}}, %c0_i64{{(_[0-9]+)?}}, %c0_i64{{(_[0-9]+)?}})
func.func @runtime_weights(%rows: tensor<8x16xf32>, %w: tensor<4x24x16xf32>, %b: tensor<4x24xf32>, %off: tensor<5xi64>) -> tensor<8x24xf32> {
  %h = sy.grouped_matmul %rows, %w offsets %off bias %b rhs_transposed activation = relu : tensor<8x16xf32>, tensor<4x24x16xf32>, tensor<5xi64>, tensor<4x24xf32> -> tensor<8x24xf32>
  return %h : tensor<8x24xf32>
}

// -----

// CHECK-LABEL: func @combine
// CHECK: call @sy_ukernel_moe_combine
// CHECK-NOT: sy.combine
func.func @combine(%rows: tensor<32x64xf32>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) -> tensor<16x64xf32> {
  %y = sy.combine %rows, %inv, %w : tensor<32x64xf32>, tensor<16x2xi64>, tensor<16x2xf32> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// A row scale is passed by address as the last argument; the weights of
// sy.dispatch_weights are scattered by its kernel; a combine without
// weights passes 0 for them.
// CHECK-DAG: func.func private @sy_ukernel_moe_dispatch_weights(i64, i64, i64, i64, i64, i64)
// CHECK-LABEL: func @row_scale_unweighted_combine
// CHECK-DAG: %[[T:.*]] = arith.constant 16 : i64
// CHECK-DAG: %[[K:.*]] = arith.constant 2 : i64
// CHECK-DAG: %[[R:.*]] = arith.constant 32 : i64
// CHECK-DAG: %[[SCALE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: call @sy_ukernel_moe_dispatch_weights(%[[T]], %[[K]], %[[R]], %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: %[[S:.*]] = bufferization.to_tensor %[[SCALE]] restrict writable
// CHECK: bufferization.to_buffer %[[S]] read_only
// The last argument is an address, not the constant 0 of "no row scale".
// CHECK: call @sy_ukernel_grouped_sgemm({{.*}}, %{{[0-9]+}})
// CHECK: call @sy_ukernel_moe_combine(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %c0_i64{{(_[0-9]+)?}}, %{{.*}})
func.func @row_scale_unweighted_combine(%rows: tensor<32x8xf32>, %w2: tensor<8x8x64xf32>, %off: tensor<9xi64>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf32>) -> tensor<16x64xf32> {
  %s = sy.dispatch_weights %inv, %w : tensor<16x2xi64>, tensor<16x2xf32> -> tensor<32xf32>
  %h = sy.grouped_matmul %rows, %w2 offsets %off row_scale(%s : tensor<32xf32>) : tensor<32x8xf32>, tensor<8x8x64xf32>, tensor<9xi64> -> tensor<32x64xf32>
  %y = sy.combine %h, %inv : tensor<32x64xf32>, tensor<16x2xi64> -> tensor<16x64xf32>
  return %y : tensor<16x64xf32>
}

// -----

// The kernels are f32 with i64 indices: anything else is an error at the op.
func.func @f16(%rows: tensor<32x64xf16>, %inv: tensor<16x2xi64>, %w: tensor<16x2xf16>) -> tensor<16x64xf16> {
  // expected-error @+1 {{the CPU lowering of sy.combine supports f32 data and i64 indices, not 'f16'}}
  %y = sy.combine %rows, %inv, %w : tensor<32x64xf16>, tensor<16x2xi64>, tensor<16x2xf16> -> tensor<16x64xf16>
  return %y : tensor<16x64xf16>
}
