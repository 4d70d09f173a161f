package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofFloat;
import static dev.lanterne.onnx.Attributes.ofInt;
import static dev.lanterne.onnx.Attributes.ofInts;
import static dev.lanterne.onnx.Attributes.ofString;
import static dev.lanterne.onnx.Attributes.ofTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.onnx.Graphs;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.grad.SaliencySession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each gradient rule on its own: a one- or few-node model is compiled into its saliency graph, run at
 * batch 2, and its input gradient compared with central finite differences of the plain model in ONNX
 * Runtime. Inputs are distinct values 0.025 away from every multiple of 0.05, so no element sits
 * within the step of a kink (ReLU/Clip/HardSigmoid bounds) and no pooling window has near-ties.
 */
class RuleGradientTest {
  private static final double EPS = 0.01;
  private static final double TOL = 2e-3;

  record Case(String name, int opset, long[] chw, boolean positive, Function<TinyModel, String> body) {
    @Override
    public String toString() {
      return name + " (opset " + opset + ")";
    }
  }

  static Case c(String name, int opset, Function<TinyModel, String> body) {
    return new Case(name, opset, new long[] {2, 4, 4}, false, body);
  }

  static Case c(String name, int opset, long[] chw, Function<TinyModel, String> body) {
    return new Case(name, opset, chw, false, body);
  }

  static Case positive(String name, int opset, Function<TinyModel, String> body) {
    return new Case(name, opset, new long[] {2, 4, 4}, true, body);
  }

  static String[] in(String... names) {
    return names;
  }

  static Stream<Case> cases() {
    List<Case> l = new ArrayList<>();
    l.add(c("Conv stride 2 pad 1", 13, m -> m.node("Conv", in("x", m.random(3, 2, 3, 3), m.random(3)),
        ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1))));
    l.add(c("Conv group 2 dilation 2", 11, m -> m.node("Conv", in("x", m.random(4, 1, 2, 2)),
        ofInt("group", 2), ofInts("dilations", 2, 2), ofInts("pads", 1, 0, 1, 2))));
    l.add(c("Conv SAME_UPPER stride 2 odd size", 11, new long[] {2, 5, 5},
        m -> m.node("Conv", in("x", m.random(2, 2, 3, 3)), ofString("auto_pad", "SAME_UPPER"), ofInts("strides", 2, 2))));
    l.add(c("Conv depthwise stride 2 asymmetric pads", 11, m -> m.node("Conv", in("x", m.random(2, 1, 3, 3)),
        ofInt("group", 2), ofInts("strides", 2, 2), ofInts("pads", 0, 0, 1, 1))));
    l.add(c("Conv 1x1 (outputs off the kinks) then Clip 0..6", 11, m -> m.node("Clip", in(m.node("Conv", in("x", m.floats(new long[] {3, 2, 1, 1}, 1, 0, 0, -1, 2, 0))),
        m.scalar(0f), m.scalar(6f)))));
    l.add(c("Conv 1x1 with bias, then Tanh", 13, m -> m.node("Tanh", m.node("Conv",
        in("x", m.random(5, 2, 1, 1), m.random(5))))));
    l.add(c("Conv 1x1 opset 9, three channels in", 9, new long[] {3, 4, 4}, m -> m.node("Conv", in("x", m.random(2, 3, 1, 1)))));
    l.add(c("Conv groups 2 of 2 channels, stride 1", 13, new long[] {4, 5, 5}, m -> m.node("Conv", in("x", m.random(6, 2, 3, 3),
        m.random(6)), ofInt("group", 2), ofInts("pads", 1, 1, 1, 1))));
    l.add(c("Conv groups 2 of 2 channels, stride 2", 13, new long[] {4, 6, 6}, m -> m.node("Conv", in("x", m.random(6, 2, 3, 3)),
        ofInt("group", 2), ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1))));
    l.add(c("Conv depthwise 5x5 stride 2 pad 2", 13, new long[] {2, 8, 8}, m -> m.node("Conv", in("x", m.random(2, 1, 5, 5)),
        ofInt("group", 2), ofInts("strides", 2, 2), ofInts("pads", 2, 2, 2, 2))));
    l.add(c("Squeeze-excitation", 13, new long[] {4, 4, 4}, m -> m.node("Mul", in("x", m.node("Sigmoid", m.node("Conv",
        in(m.node("Relu", m.node("Conv", in(m.node("GlobalAveragePool", "x"), m.random(2, 4, 1, 1), m.random(2)))),
        m.random(4, 2, 1, 1), m.random(4))))))));
    l.add(c("Gemm transB alpha beta", 11, m -> m.node("Gemm", in(m.node("Flatten", "x"), m.random(5, 32), m.random(5)),
        ofInt("transB", 1), ofFloat("alpha", 0.7f), ofFloat("beta", 0.3f))));
    l.add(c("Gemm transA after Transpose", 9, m -> m.node("Gemm", in(m.node("Transpose", m.node("Flatten", "x"),
        ofInts("perm", 1, 0)), m.random(32, 3), m.random(1, 3)), ofInt("transA", 1))));
    l.add(c("MatMul by a matrix", 13, m -> m.node("MatMul", in("x", m.random(4, 3)))));
    l.add(c("MatMul matrix by input, broadcast", 13, m -> m.node("MatMul", in(m.random(3, 4), "x"))));
    l.add(c("Relu", 13, m -> m.node("Relu", "x")));
    l.add(c("LeakyRelu", 13, m -> m.node("LeakyRelu", "x", ofFloat("alpha", 0.1f))));
    l.add(c("Clip attributes", 9, m -> m.node("Clip", "x", ofFloat("min", -0.5f), ofFloat("max", 0.5f))));
    l.add(c("Clip inputs", 11, m -> m.node("Clip", in("x", m.scalar(-0.5f), m.scalar(0.5f)))));
    l.add(c("Clip max only", 13, m -> m.node("Clip", in("x", "", m.scalar(0.5f)))));
    l.add(c("MaxPool 3x3 stride 2 pad 1 (overlapping)", 13, m -> m.node("MaxPool", "x",
        ofInts("kernel_shape", 3, 3), ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1))));
    l.add(c("MaxPool 3x3 stride 1", 8, m -> m.node("MaxPool", "x", ofInts("kernel_shape", 3, 3))));
    l.add(c("MaxPool 2x2 ceil mode", 11, new long[] {2, 5, 5}, m -> m.node("MaxPool", "x",
        ofInts("kernel_shape", 2, 2), ofInts("strides", 2, 2), ofInt("ceil_mode", 1))));
    l.add(c("MaxPool dilation 2", 11, new long[] {2, 5, 5}, m -> m.node("MaxPool", "x",
        ofInts("kernel_shape", 2, 2), ofInts("dilations", 2, 2), ofInts("pads", 1, 1, 0, 0))));
    l.add(c("AveragePool exclude pad", 11, m -> m.node("AveragePool", "x",
        ofInts("kernel_shape", 3, 3), ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1))));
    l.add(c("AveragePool include pad", 13, new long[] {2, 5, 5}, m -> m.node("AveragePool", "x",
        ofInts("kernel_shape", 3, 3), ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1),
        ofInt("count_include_pad", 1))));
    l.add(c("AveragePool 7x7 global", 11, new long[] {2, 7, 7}, m -> m.node("AveragePool", "x",
        ofInts("kernel_shape", 7, 7))));
    l.add(c("GlobalAveragePool", 13, m -> m.node("GlobalAveragePool", "x")));
    l.add(c("BatchNormalization", 9, m -> m.node("BatchNormalization", in("x", m.random(2), m.random(2), m.random(2),
        m.floats(new long[] {2}, 0.5f, 2f)), ofFloat("epsilon", 1e-3f))));
    l.add(c("BatchNormalization", 15, m -> m.node("BatchNormalization", in("x", m.random(2), m.random(2), m.random(2),
        m.floats(new long[] {2}, 0.5f, 2f)))));
    l.add(c("Add broadcast", 13, m -> m.node("Add", in(m.random(2, 1, 1), "x"))));
    l.add(c("Sub both ways", 13, m -> m.node("Sub", in(m.node("Sub", in("x", m.random(1, 4))), m.node("Tanh", "x")))));
    l.add(c("Mul by itself and a constant", 11, m -> m.node("Mul", in(m.node("Mul", in("x", "x")), m.random(2, 1, 4)))));
    l.add(c("Div both ways", 13, m -> m.node("Div", in(m.node("Div", in("x", m.random(4))),
        m.node("Add", in(m.node("Sigmoid", "x"), m.scalar(1f)))))));
    l.add(positive("Pow constant exponent", 13, m -> m.node("Pow", in("x", m.scalar(2.5f)))));
    l.add(c("Pow exponent 2 (folded to 2x)", 13, m -> m.node("Pow", in("x", m.scalar(2f)))));
    l.add(c("Pow exponent 1", 13, m -> m.node("Mul", in(m.node("Pow", in("x", m.scalar(1f))), m.random(4)))));
    l.add(c("Pow integer exponent 3", 13, m -> m.node("Pow", in("x", scalarLong(m, 3)))));
    l.add(positive("Pow exponent 0.5", 13, m -> m.node("Pow", in("x", m.scalar(0.5f)))));
    l.add(c("LayerNorm decomposed as PyTorch exports it at opset 13", 13, m -> {
      String centred = m.node("Sub", in("x", m.node("ReduceMean", "x", ofInts("axes", -1))));
      String variance = m.node("ReduceMean", m.node("Pow", in(centred, m.scalar(2f))), ofInts("axes", -1));
      String normed = m.node("Div", in(centred, m.node("Sqrt", m.node("Add", in(variance, m.scalar(1e-5f))))));
      return m.node("Add", in(m.node("Mul", in(normed, m.random(4))), m.random(4)));
    }));
    l.add(c("Pow of the input as exponent", 13, m -> m.node("Pow", in(m.scalar(1.7f), "x"))));
    l.add(positive("Sqrt", 13, m -> m.node("Sqrt", "x")));
    l.add(positive("Log", 13, m -> m.node("Log", "x")));
    l.add(c("Exp, Neg", 13, m -> m.node("Neg", m.node("Exp", "x"))));
    l.add(c("Erf", 13, m -> m.node("Erf", "x")));
    l.add(c("Tanh", 13, m -> m.node("Tanh", "x")));
    l.add(c("Sigmoid", 13, m -> m.node("Sigmoid", "x")));
    l.add(c("HardSigmoid", 13, m -> m.node("HardSigmoid", "x", ofFloat("alpha", 1f / 6), ofFloat("beta", 0.5f))));
    l.add(c("HardSwish", 14, new long[] {2, 6, 6}, m -> m.node("HardSwish", m.node("Mul", in("x", m.scalar(1.7f))))));
    l.add(c("Softmax coerced 2-D", 11, m -> m.node("Softmax", "x", ofInt("axis", 2))));
    l.add(c("Softmax last axis", 13, m -> m.node("Softmax", "x")));
    l.add(c("LogSoftmax", 13, m -> m.node("LogSoftmax", "x", ofInt("axis", 1))));
    l.add(c("ReduceMean axes attribute", 13, m -> m.node("ReduceMean", "x", ofInts("axes", 2, 3), ofInt("keepdims", 0))));
    l.add(c("ReduceMean axes input", 18, m -> m.node("ReduceMean", in("x", m.ints(-1)))));
    l.add(c("ReduceSum axes attribute", 11, m -> m.node("ReduceSum", "x", ofInts("axes", 1))));
    l.add(c("ReduceSum axes input", 13, m -> m.node("ReduceSum", in("x", m.ints(1, 3)), ofInt("keepdims", 0))));
    l.add(c("Transpose", 13, m -> m.node("Mul", in(m.node("Transpose", "x", ofInts("perm", 0, 2, 3, 1)), m.random(4, 4, 2)))));
    l.add(c("Reshape", 13, m -> m.node("Mul", in(m.node("Reshape", in("x", m.ints(0, 4, 8))), m.random(4, 8)))));
    l.add(c("Flatten", 9, m -> m.node("Mul", in(m.node("Flatten", "x", ofInt("axis", 1)), m.random(32)))));
    l.add(c("Unsqueeze, Squeeze attributes", 11, m -> m.node("Squeeze", m.node("Mul", in(
        m.node("Unsqueeze", "x", ofInts("axes", 2)), m.random(2, 1, 4, 4))), ofInts("axes", 2))));
    l.add(c("Unsqueeze, Squeeze inputs", 13, m -> m.node("Squeeze", in(m.node("Mul", in(
        m.node("Unsqueeze", in("x", m.ints(2))), m.random(2, 1, 4, 4))), m.ints(2)))));
    l.add(c("Split attribute, both outputs", 11, m -> {
      String[] p = m.nodeN("Split", in("x"), 2, ofInt("axis", 2), ofInts("split", 1, 3));
      return m.node("Mul", in(m.node("ReduceSum", p[0], ofInts("axes", 2)), m.node("Tanh", p[1])));
    }));
    l.add(c("Split input, one output used", 13, m -> m.nodeN("Split", in("x", m.ints(1, 1)), 2, ofInt("axis", 1))[1]));
    l.add(c("Slice inputs", 13, m -> m.node("Slice", in("x", m.ints(1, -3), m.ints(3, 100), m.ints(2, 3)))));
    l.add(c("Slice reversed", 13, m -> m.node("Mul", in(m.node("Slice", in("x", m.ints(2), m.ints(0), m.ints(3),
        m.ints(-1))), m.random(1, 2)))));
    l.add(c("Slice step 2 on two axes", 13, new long[] {2, 5, 6}, m -> m.node("Mul", in(m.node("Slice", in("x",
        m.ints(0, 1), m.ints(100, 100), m.ints(2, 3), m.ints(2, 2))), m.random(3, 3)))));
    l.add(c("Slice step -2 and step 3 (flip-like)", 13, new long[] {2, 5, 7}, m -> m.node("Mul", in(m.node("Slice",
        in("x", m.ints(-1, 1), m.ints(Long.MIN_VALUE, 7), m.ints(2, 3), m.ints(-2, 3))), m.random(3, 2)))));
    l.add(c("LayerNormalization last axis", 17, m -> m.node("LayerNormalization", in("x", m.random(4), m.random(4)),
        ofFloat("epsilon", 1e-3f))));
    l.add(c("LayerNormalization axes 1.., no bias", 17, m -> m.node("LayerNormalization", in("x", m.random(2, 4, 4)),
        ofInt("axis", 1))));
    // ConvNeXt's LayerNorm2d: rewritten to a normalisation over the channel axis before differentiating
    l.add(c("LayerNorm2d between permutes, decomposed (opset 13)", 13, new long[] {4, 3, 3},
        m -> ChannelLastNormsTest.layerNorm2d(m, false)));
    l.add(c("LayerNorm2d between permutes, LayerNormalization (opset 17)", 17, new long[] {4, 3, 3},
        m -> ChannelLastNormsTest.layerNorm2d(m, true)));
    l.add(c("Slice whose start comes from a Shape chain (channel split)", 13, new long[] {4, 3, 3}, m -> {
      String half = m.node("Div", in(m.node("Gather", in(m.node("Shape", "x"), scalarIndex(m, 1))), scalarLong(m, 2)));
      return m.node("Slice", in("x", m.node("Unsqueeze", in(half, m.ints(0))), m.ints(100), m.ints(1)));
    }));
    l.add(c("Reshape to [N, -1] built from a Shape chain", 11, m -> {
      String n = m.node("Unsqueeze", m.node("Gather", in(m.node("Shape", "x"), scalarIndex(m, 0))), ofInts("axes", 0));
      String shape = m.node("Concat", in(n, m.ints(-1)), ofInt("axis", 0));
      return m.node("Mul", in(m.node("Reshape", in("x", shape)), m.random(32)));
    }));
    l.add(c("Slices that tile the last axis (1, 2 and 1 wide)", 13, RuleGradientTest::tilingSlices));
    l.add(c("Slices that overlap", 13, m -> m.node("Add", in(
        m.node("Tanh", m.node("Slice", in("x", m.ints(0), m.ints(3), m.ints(3)))),
        m.node("Mul", in(m.node("Slice", in("x", m.ints(1), m.ints(4), m.ints(3))), m.random(3)))))));
    l.add(c("Gather scalar indices 0..3 (q, k, v of one projection)", 13, RuleGradientTest::tilingGathers));
    l.add(c("Strided slices that interleave two axes (patch merging)", 13, RuleGradientTest::patchMerging));
    l.add(c("Strided slices that interleave one axis, step 3", 13, new long[] {2, 3, 6}, m -> {
      String[] parts = new String[3];
      for (int i = 0; i < 3; i++) {
        parts[i] = m.node("Slice", in("x", m.ints(i), m.ints(100), m.ints(3), m.ints(3)));
      }
      return m.node("Mul", in(m.node("Tanh", m.node("Concat", parts, ofInt("axis", 1))), m.random(6, 3, 2)));
    }));
    l.add(c("Strided slices that cover only half the offsets", 13, m -> m.node("Add", in(
        m.node("Tanh", m.node("Slice", in("x", m.ints(0, 0), m.ints(100, 100), m.ints(2, 3), m.ints(2, 2)))),
        m.node("Mul", in(m.node("Slice", in("x", m.ints(1, 1), m.ints(100, 100), m.ints(2, 3), m.ints(2, 2))),
            m.random(2, 2)))))));
    l.add(c("Slice attributes", 9, m -> m.node("Slice", "x", ofInts("starts", 1), ofInts("ends", 3), ofInts("axes", 1))));
    l.add(c("Gather scalar index", 13, m -> m.node("Gather", in("x", scalarIndex(m, 2)), ofInt("axis", 2))));
    l.add(c("Gather repeated indices", 11, m -> m.node("Gather", in("x", m.ints(0, 3, 3)), ofInt("axis", 3))));
    l.add(c("Pad input", 11, m -> m.node("Mul", in(m.node("Pad", in("x", m.ints(0, 0, 1, 2, 0, 0, 2, 0), m.scalar(0.3f))),
        m.random(7, 6)))));
    l.add(c("Pad attribute, cropping", 9, m -> m.node("Pad", "x", ofInts("pads", 0, 0, -1, 1, 0, 0, 1, -2))));
    l.add(c("Concat channels and rows", 13, m -> {
      String a = m.node("Concat", in("x", m.node("Tanh", "x")), ofInt("axis", 1));
      return m.node("Concat", in(a, m.node("Sigmoid", a)), ofInt("axis", 2));
    }));
    l.add(c("Constant", 13, m -> m.node("Mul", in("x", m.node("Constant", new String[0],
        ofTensor("value", TensorProtos.ofFloats("", new long[] {4}, new float[] {1, -2, 3, 0.5f})))))));
    l.add(c("Identity, Cast", 13, m -> m.node("Cast", m.node("Identity", "x"), ofInt("to", 1))));
    l.add(c("Dropout ratio attribute", 10, m -> m.node("Dropout", "x", ofFloat("ratio", 0.3f))));
    l.add(c("Dropout ratio input, mask output", 13, m -> m.nodeN("Dropout", in("x", m.scalar(0.3f)), 2)[0]));
    l.add(c("LRN", 11, new long[] {5, 3, 3}, m -> m.node("LRN", "x", ofInt("size", 3), ofFloat("alpha", 0.5f),
        ofFloat("beta", 0.75f), ofFloat("bias", 1.5f))));
    l.add(c("Abs", 13, m -> m.node("Abs", "x")));
    l.add(c("Max with a constant, and of x and -x", 13, m -> m.node("Max", in(m.node("Max", in("x", m.scalar(0.3f))),
        m.node("Max", in(m.node("Neg", "x"), "x"))))));
    l.add(c("Min with broadcast", 11, m -> m.node("Min", in(m.random(2, 1, 1), "x"))));
    l.add(c("Expand", 13, m -> m.node("Mul", in(m.node("Expand", in(m.node("ReduceSum", in("x", m.ints(2))),
        m.ints(1, 2, 3, 4))), m.random(3, 4)))));
    l.add(c("Sum with broadcast", 11, m -> m.node("Sum", in("x", m.node("Tanh", "x"), m.random(4)))));
    l.add(c("Mean", 11, m -> m.node("Mean", in("x", m.node("Sigmoid", "x"), m.random(2, 1, 1)))));
    l.add(positive("Reciprocal", 13, m -> m.node("Reciprocal", "x")));
    l.add(c("Softplus, Elu", 13, m -> m.node("Elu", m.node("Softplus", "x"), ofFloat("alpha", 0.7f))));
    l.add(c("Elu negative side", 13, m -> m.node("Elu", "x", ofFloat("alpha", 0.7f))));
    l.add(c("Selu", 13, m -> m.node("Selu", "x")));
    l.add(c("Celu", 12, m -> m.node("Celu", "x", ofFloat("alpha", 0.5f))));
    l.add(c("Mish", 18, m -> m.node("Mish", "x")));
    l.add(c("Gelu exact", 20, m -> m.node("Gelu", "x")));
    l.add(c("Gelu tanh", 20, m -> m.node("Gelu", "x", ofString("approximate", "tanh"))));
    l.add(c("PRelu per channel", 13, m -> m.node("PRelu", in("x", m.floats(new long[] {2, 1, 1}, 0.25f, -0.5f)))));
    l.add(c("Where", 13, m -> m.node("Where", in(m.node("Greater", in("x", m.scalar(0.1f))), m.node("Tanh", "x"),
        m.node("Mul", in("x", m.random(4)))))));
    l.add(c("Tile", 13, m -> m.node("Mul", in(m.node("Tile", in("x", m.ints(1, 2, 1, 3))), m.random(4, 12)))));
    l.add(c("ReduceMax axes attribute", 13, m -> m.node("ReduceMax", "x", ofInts("axes", 2), ofInt("keepdims", 0))));
    l.add(c("ReduceMin axes input", 18, m -> m.node("ReduceMin", in("x", m.ints(1, 3)))));
    l.add(c("ReduceL2", 13, m -> m.node("ReduceL2", "x", ofInts("axes", 3))));
    l.add(c("ReduceL2 axes input", 18, m -> m.node("ReduceL2", in("x", m.ints(2)), ofInt("keepdims", 0))));
    l.add(c("ReduceL1, ReduceSumSquare", 13, m -> m.node("Add", in(m.node("ReduceL1", "x", ofInts("axes", 1)),
        m.node("ReduceSumSquare", "x", ofInts("axes", 1))))));
    l.add(c("ReduceLogSumExp", 13, m -> m.node("ReduceLogSumExp", "x", ofInts("axes", 2, 3))));
    l.add(c("GlobalMaxPool", 13, m -> m.node("GlobalMaxPool", "x")));
    l.add(c("InstanceNormalization", 13, m -> m.node("InstanceNormalization", in("x", m.random(2), m.random(2)),
        ofFloat("epsilon", 1e-3f))));
    l.add(c("CumSum", 13, m -> m.node("Mul", in(m.node("CumSum", in("x", scalarIndex(m, 3))), m.random(4)))));
    l.add(c("CumSum reverse exclusive", 13, m -> m.node("Mul", in(m.node("CumSum", in("x", scalarIndex(m, 2)),
        ofInt("reverse", 1), ofInt("exclusive", 1)), m.random(4, 1)))));
    l.add(c("GatherElements distinct indices", 13, m -> m.node("GatherElements", in("x", perImage(m,
        m.constantLongs(new long[] {1, 1, 2, 4}, 3, 0, 1, 2, 1, 0, 3, 2), 1, 2, 4)), ofInt("axis", 3))));
    l.add(c("GatherElements repeated indices", 16, m -> m.node("GatherElements", in("x", perImage(m,
        m.constantLongs(new long[] {1, 1, 1, 4}, 3, 3, 0, 3), 1, 1, 4)), ofInt("axis", 3))));
    l.add(c("ScatterND indexed assignment", 13, m -> {
      String t = m.node("Transpose", "x", ofInts("perm", 1, 0, 2, 3));
      String u = m.node("Tanh", m.node("Slice", in(t, m.ints(0), m.ints(1), m.ints(0))));
      return m.node("Transpose", m.node("ScatterND", in(t, m.constantLongs(new long[] {1, 1}, 1), u)),
          ofInts("perm", 1, 0, 2, 3));
    }));
    l.add(c("Pad reflect", 13, new long[] {2, 4, 5}, m -> m.node("Mul", in(m.node("Pad", in("x", m.ints(0, 0, 2, 1, 0, 0, 3, 2)),
        ofString("mode", "reflect")), m.random(9, 8)))));
    l.add(c("Pad edge attribute", 9, m -> m.node("Mul", in(m.node("Pad", "x", ofInts("pads", 0, 0, 1, 2, 0, 0, 2, 0),
        ofString("mode", "edge")), m.random(7, 6)))));
    l.add(c("Resize nearest x2 scales", 13, m -> m.node("Mul", in(m.node("Resize", in("x", "", m.floats(new long[] {4}, 1, 1, 2, 2)),
        ofString("mode", "nearest")), m.random(8, 8)))));
    l.add(c("Resize linear half_pixel", 13, m -> m.node("Mul", in(m.node("Resize", in("x", "", m.floats(new long[] {4}, 1, 1, 2, 1.5f)),
        ofString("mode", "linear")), m.random(8, 6)))));
    l.add(c("Resize linear align_corners, shrinking rows", 11, new long[] {2, 5, 5}, m -> m.node("Mul", in(m.node("Resize",
        in("x", m.floats(new long[] {0}), m.floats(new long[] {4}, 1, 1, 0.6f, 1.4f)), ofString("mode", "linear"),
        ofString("coordinate_transformation_mode", "align_corners")), m.random(3, 7)))));
    l.add(c("Upsample nearest", 9, m -> m.node("Mul", in(m.node("Upsample", in("x", m.floats(new long[] {4}, 1, 1, 2, 3))),
        m.random(8, 12)))));
    l.add(c("MatMul broadcast batch dims", 13, m -> m.node("MatMul", in(m.node("Unsqueeze", in("x", m.ints(1))),
        m.random(3, 1, 4, 2)))));
    l.add(c("ConvTranspose stride 2 pads 1 output_padding 1", 13, m -> m.node("ConvTranspose",
        in("x", m.random(2, 3, 3, 3), m.random(3)), ofInts("strides", 2, 2), ofInts("pads", 1, 1, 1, 1),
        ofInts("output_padding", 1, 1))));
    l.add(c("ConvTranspose stride 2 output_padding 1, no pads", 17, m -> m.node("ConvTranspose",
        in("x", m.random(2, 2, 3, 3)), ofInts("strides", 2, 2), ofInts("output_padding", 1, 0))));
    l.add(c("ConvTranspose stride 2 asymmetric pads, output_padding beyond the end pad", 13, m -> m.node("ConvTranspose",
        in("x", m.random(2, 2, 3, 3)), ofInts("strides", 2, 2), ofInts("pads", 0, 1, 2, 0), ofInts("output_padding", 1, 1))));
    l.add(c("ConvTranspose groups 2 dilation 2 asymmetric pads", 17, new long[] {4, 3, 3}, m -> m.node("ConvTranspose",
        in("x", m.random(4, 3, 2, 2)), ofInt("group", 2), ofInts("dilations", 2, 2), ofInts("pads", 0, 1, 1, 0))));
    l.add(c("ConvTranspose groups 2 stride 2 output_padding 1", 13, new long[] {4, 3, 3}, m -> m.node("ConvTranspose",
        in("x", m.random(4, 1, 3, 3), m.random(2)), ofInt("group", 2), ofInts("strides", 2, 2),
        ofInts("pads", 1, 1, 1, 1), ofInts("output_padding", 1, 1))));
    l.add(c("ConvTranspose depthwise stride 3 dilation 2", 11, m -> m.node("ConvTranspose",
        in("x", m.random(2, 1, 2, 2)), ofInt("group", 2), ofInts("strides", 3, 2), ofInts("dilations", 2, 1))));
    l.add(c("ConvTranspose SAME_UPPER stride 2 kernel 4", 17, m -> m.node("ConvTranspose",
        in("x", m.random(2, 2, 4, 4)), ofString("auto_pad", "SAME_UPPER"), ofInts("strides", 2, 2))));
    l.add(c("ConvTranspose output_shape", 13, m -> m.node("ConvTranspose",
        in("x", m.random(2, 2, 3, 3)), ofInts("strides", 2, 2), ofInts("output_shape", 7, 7))));
    for (int opset : new int[] {13, 17}) {
      l.add(c("Einsum bij,bjk->bik", opset, m -> m.node("Einsum", in(m.node("Reshape", in("x", m.ints(0, 8, 4))),
          m.node("Reshape", in(m.node("Tanh", "x"), m.ints(0, 4, 8)))), ofString("equation", "bij,bjk->bik"))));
      l.add(c("Einsum bhid,bhjd->bhij (attention scores)", opset, m -> m.node("Einsum", in("x", m.node("Tanh", "x")),
          ofString("equation", "bhid,bhjd->bhij"))));
      l.add(c("Einsum bhij,bhjd->bhid (attention values)", opset, m -> m.node("Einsum", in(
          m.node("Softmax", "x", ofInt("axis", -1)), m.node("Sigmoid", "x")), ofString("equation", "bhij,bhjd->bhid"))));
    }
    l.add(c("Einsum ij,jk->ik with a weight", 13, m -> m.node("Einsum", in(m.node("Flatten", "x"), m.random(32, 3)),
        ofString("equation", "ij,jk->ik"))));
    l.add(c("Einsum weight first, implicit output", 12, m -> m.node("Einsum", in(m.random(3, 4), "x"),
        ofString("equation", "kw,bchw"))));
    l.add(c("Einsum bi,bj->bij (outer)", 13, new long[] {2, 2, 2}, m -> m.node("Einsum", in(m.node("Flatten", "x"),
        m.node("Tanh", m.node("Flatten", "x"))), ofString("equation", "bi,bj->bij"))));
    l.add(c("Einsum bij->bji, bij->bi", 17, m -> {
      String t = m.node("Reshape", in("x", m.ints(0, 8, 4)));
      return m.node("Mul", in(m.node("Einsum", t, ofString("equation", "bij->bji")),
          m.node("Unsqueeze", in(m.node("Einsum", m.node("Tanh", t), ofString("equation", "bij->bi")), m.ints(1)))));
    }));
    l.add(c("Einsum summed label of one operand, weight without batch", 13, m -> m.node("Einsum", in("x", m.random(2, 4)),
        ofString("equation", "bhid,hd->bh"))));
    l.add(c("Einsum ellipsis", 17, m -> m.node("Einsum", in("x", m.node("Tanh", m.node("Transpose", "x",
        ofInts("perm", 0, 1, 3, 2)))), ofString("equation", "...ij,...jk->...ik"))));
    l.add(c("Einsum three operands", 13, m -> m.node("Einsum", in("x", m.random(4, 3), m.node("Sigmoid", "x")),
        ofString("equation", "bchw,wk,bchv->bckv"))));
    return l.stream();
  }

  /** Constant indices [1, ...] repeated for every image: Expand to [N, rest...] with N from Shape(x). */
  private static String perImage(TinyModel m, String indices, long... rest) {
    String n = m.node("Slice", in(m.node("Shape", "x"), m.ints(0), m.ints(1)));
    return m.node("Expand", in(indices, m.node("Concat", in(n, m.ints(rest)), ofInt("axis", 0))));
  }

  private static String scalarLong(TinyModel m, long v) {
    return scalarIndex(m, v);
  }

  private static String scalarIndex(TinyModel m, long i) {
    return m.node("Constant", new String[0], ofTensor("value", TensorProtos.ofLongs("", new long[0], new long[] {i})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void gradientMatchesFiniteDifferences(Case c) throws Exception {
    TinyModel m = new TinyModel(c.opset(), c.chw());
    Onnx.ModelProto model = m.build(c.body().apply(m));
    int n = 2;
    int per = (int) (c.chw()[0] * c.chw()[1] * c.chw()[2]);
    float[] x = distinctInputs(n * per, c.positive());
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(model, GradientOptions.DEFAULT);
    try (ForwardRunner plain = new ForwardRunner(model, c.chw());
        GradientModel grad = new SaliencySession(saliency, RuntimeOptions.DEFAULT)) {
      int k = grad.numClasses();
      float[] seed = new float[n * k];
      SplittableRandom rnd = new SplittableRandom(3);
      for (int i = 0; i < seed.length; i++) {
        seed[i] = (float) rnd.nextDouble(-1, 1);
      }
      GradientModel.Result r = grad.gradient(x, n, seed);
      double[] fd = plain.coordinateGradient(x, n, seed, EPS, true);
      float[] fdf = new float[fd.length];
      for (int i = 0; i < fd.length; i++) {
        fdf[i] = (float) fd[i];
      }
      double err = Errors.relL2(r.inputGradient(), fdf);
      assertTrue(err < TOL, c + ": gradient vs finite differences rel L2 " + err);
    }
  }

  /**
   * A decomposed LayerNorm's backward writes no full-size copy of its means' gradients (summed and
   * multiplied as the smaller tensors) and raises to no power but the constant 2 (a recomputed
   * (x - mean)^2). Its gradient is checked against finite differences by the case of the same name above.
   */
  @Test
  void decomposedLayerNormBackwardWritesNoExpandAndNoGeneralPow() {
    TinyModel m = new TinyModel(13, new long[] {2, 4, 4});
    String centred = m.node("Sub", in("x", m.node("ReduceMean", "x", ofInts("axes", -1))));
    String variance = m.node("ReduceMean", m.node("Pow", in(centred, m.scalar(2f))), ofInts("axes", -1));
    String out = m.node("Div", in(centred, m.node("Sqrt", m.node("Add", in(variance, m.scalar(1e-5f))))));
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(m.build(out), GradientOptions.DEFAULT);
    Map<String, Long> ops = saliency.getGraph().getNodeList().stream()
        .collect(Collectors.groupingBy(Onnx.NodeProto::getOpType, Collectors.counting()));
    assertNull(ops.get("Expand"), "operators: " + ops);
    Map<String, Onnx.TensorProto> constants = Graphs.constants(saliency.getGraph());
    for (Onnx.NodeProto n : saliency.getGraph().getNodeList()) {
      if (n.getOpType().equals("Pow") && n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX)) {
        Onnx.TensorProto exponent = constants.get(n.getInput(1));
        assertTrue(exponent != null && TensorProtos.toFloats(exponent)[0] == 2f,
            n.getName() + " raises to a power other than the constant 2 (ONNX Runtime's fast case)");
      }
    }
  }

  /** Three slices of the last axis that tile it, each with its own gradient: a*w + sum(b^2) + tanh(c). */
  static String tilingSlices(TinyModel m) {
    String a = m.node("Slice", in("x", m.ints(0), m.ints(1), m.ints(3)));
    String b = m.node("Slice", in("x", m.ints(1), m.ints(3), m.ints(3)));
    String c = m.node("Slice", in("x", m.ints(3), m.ints(4), m.ints(3)));
    String bSquares = m.node("ReduceSum", in(m.node("Mul", in(b, b)), m.ints(3)));
    return m.node("Add", in(m.node("Add", in(m.node("Mul", in(a, m.random(1))), bSquares)), m.node("Tanh", c)));
  }

  /** The four scalar Gathers of the last axis, combined as g0*g1 + tanh(g2) - g3^2. */
  static String tilingGathers(TinyModel m) {
    String[] g = new String[4];
    for (int i = 0; i < 4; i++) {
      g[i] = m.node("Gather", in("x", scalarIndex(m, i)), ofInt("axis", 3));
    }
    return m.node("Sub", in(m.node("Add", in(m.node("Mul", in(g[0], g[1])), m.node("Tanh", g[2]))),
        m.node("Mul", in(g[3], g[3]))));
  }

  /**
   * Contributions to one gradient (a residual connection's two paths, three readers of one tensor) are
   * added by a chain of Adds, which ONNX Runtime runs faster than its Sum; the values are checked by the
   * finite-difference cases above (Sum with broadcast, Squeeze-excitation, ...).
   */
  @Test
  void gradientContributionsAreAddedNotSummed() {
    TinyModel m = new TinyModel(13, new long[] {2, 4, 4});
    String out = m.node("Add", in(m.node("Add", in(m.node("Tanh", "x"), m.node("Sigmoid", "x"))), "x"));
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(m.build(out), GradientOptions.DEFAULT);
    Map<String, Long> ops = saliency.getGraph().getNodeList().stream()
        .filter(n -> n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX))
        .collect(Collectors.groupingBy(Onnx.NodeProto::getOpType, Collectors.counting()));
    assertNull(ops.get("Sum"), "backward operators: " + ops);
    assertEquals(2L, ops.get("Add"), "backward operators: " + ops);
  }

  /** Swin's patch merging: x[..., 0::2, 0::2], x[..., 1::2, 0::2], x[..., 0::2, 1::2], x[..., 1::2, 1::2] joined. */
  static String patchMerging(TinyModel m) {
    String[] parts = new String[4];
    long[][] offsets = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    for (int i = 0; i < 4; i++) {
      parts[i] = m.node("Slice", in("x", m.ints(offsets[i]), m.ints(100, 100), m.ints(2, 3), m.ints(2, 2)));
    }
    return m.node("Mul", in(m.node("Tanh", m.node("Concat", parts, ofInt("axis", 1))), m.random(8, 2, 2)));
  }

  /** The patch merging's gradient is the interleaving of its four parts: no padded copies, no Sum. */
  @Test
  void interleavingSlicesStackTheirGradients() {
    TinyModel m = new TinyModel(13, new long[] {2, 4, 4});
    Onnx.ModelProto saliency = GradientCompiler.compileSaliency(m.build(patchMerging(m)), GradientOptions.DEFAULT);
    Map<String, Long> ops = saliency.getGraph().getNodeList().stream()
        .filter(n -> n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX))
        .collect(Collectors.groupingBy(Onnx.NodeProto::getOpType, Collectors.counting()));
    assertNull(ops.get("Pad"), "backward operators: " + ops);
    assertNull(ops.get("Sum"), "backward operators: " + ops);
  }

  /**
   * Gradients of slices or gathers that tile an axis are joined by one Concat, not padded to the full
   * size each and summed. Their values are checked against finite differences by the cases above.
   */
  @Test
  void tilingSlicesAndGathersConcatenateTheirGradients() {
    for (Function<TinyModel, String> body : List.<Function<TinyModel, String>>of(RuleGradientTest::tilingSlices,
        RuleGradientTest::tilingGathers)) {
      TinyModel m = new TinyModel(13, new long[] {2, 4, 4});
      Onnx.ModelProto saliency = GradientCompiler.compileSaliency(m.build(body.apply(m)), GradientOptions.DEFAULT);
      Map<String, Long> ops = saliency.getGraph().getNodeList().stream()
          .filter(n -> n.getName().startsWith(GradientCompiler.BACKWARD_PREFIX))
          .collect(Collectors.groupingBy(Onnx.NodeProto::getOpType, Collectors.counting()));
      assertEquals(1L, ops.get("Concat"), "backward operators: " + ops);
      assertNull(ops.get("Pad"), "backward operators: " + ops);
    }
  }

  /** Distinct values, each 0.025 from the nearest multiple of 0.05, shuffled; positive ones start at 0.225. */
  static float[] distinctInputs(int count, boolean positive) {
    float[] v = new float[count];
    for (int j = 0; j < count; j++) {
      v[j] = positive ? (float) (0.225 + 0.05 * j) : (float) (0.05 * (j - count / 2) + 0.025);
    }
    SplittableRandom rnd = new SplittableRandom(17);
    for (int j = count - 1; j > 0; j--) {
      int i = rnd.nextInt(j + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }
}
