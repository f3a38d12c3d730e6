"""A small onnx.helper graph builder shared by the model builders of the
e2e tests and benchmarks (test/e2e/lib/attention_forms.py,
bench/pyramid_forms.py): unique names, initializers, nodes named after
their output, float32 random tensors from one generator."""
import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


class GraphBuilder:
    def __init__(self, rng):
        self.rng, self.nodes, self.inits, self.n = rng, [], [], 0

    def name(self, base):
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, value, base="c"):
        name = self.name(base)
        self.inits.append(nh.from_array(np.asarray(value), name))
        return name

    def node(self, op, inputs, out=None, **attrs):
        out = out or self.name(op.lower())
        self.nodes.append(h.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def rnd(self, *shape, scale=1.0):
        return (scale * self.rng.standard_normal(shape)).astype(np.float32)

    def onnx_model(self, graph_name, inputs, outputs, opset):
        """`inputs`, `outputs`: [(name, shape)] of float32 tensors."""
        graph = h.make_graph(
            self.nodes, graph_name,
            [h.make_tensor_value_info(n, T.FLOAT, list(s)) for n, s in inputs],
            [h.make_tensor_value_info(n, T.FLOAT, list(s)) for n, s in outputs],
            self.inits)
        return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
