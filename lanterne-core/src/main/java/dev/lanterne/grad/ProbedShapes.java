package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.HashMap;
import java.util.Map;

/**
 * The shape and element type of every tensor of a graph, measured by running it (see {@link ShapeProbe}),
 * with the axes whose size follows the batch size marked.
 */
public final class ProbedShapes {
  private final Map<String, long[]> dims = new HashMap<>();
  private final Map<String, boolean[]> batchAxes = new HashMap<>();
  private final Map<String, Integer> types = new HashMap<>();
  private final Map<String, Onnx.TensorProto[]> values = new HashMap<>();

  /** Records a tensor's shape at batch 1, and whether each axis follows the batch. */
  public void put(String name, long[] shapeAtBatch1, boolean[] followsBatch, int elementType) {
    dims.put(name, shapeAtBatch1);
    batchAxes.put(name, followsBatch);
    types.put(name, elementType);
  }

  /**
   * Records the value a tensor computed off the image's data path (from shapes and constants) took at
   * batch 1 and at batch 2 (null when the model was probed at batch 1 only).
   */
  public void putValues(String name, Onnx.TensorProto atBatch1, Onnx.TensorProto atBatch2) {
    values.put(name, new Onnx.TensorProto[] {atBatch1, atBatch2});
  }

  /** The probed value of a tensor off the data path at batch 1 and 2 (the second may be null), or null. */
  public Onnx.TensorProto[] values(String name) {
    Onnx.TensorProto[] v = values.get(name);
    return v == null ? null : v.clone();
  }

  /** Whether a shape is known for the tensor. */
  public boolean has(String name) {
    return dims.containsKey(name);
  }

  /** Shape at batch 1. */
  public long[] dims(String name) {
    long[] d = dims.get(name);
    if (d == null) {
      throw new LanterneException("no shape is known for tensor '" + name
          + "'; the graph probe did not see it (is it computed by the model?)");
    }
    return d.clone();
  }

  /**
   * Number of dimensions of a tensor.
   *
   * @throws dev.lanterne.LanterneException when no shape is known for it
   */
  public int rank(String name) {
    return dims(name).length;
  }

  /** For each axis of a tensor, whether its size follows the batch size (all false when not recorded). */
  public boolean[] followsBatch(String name) {
    boolean[] b = batchAxes.get(name);
    return b == null ? new boolean[rank(name)] : b.clone();
  }

  /** ONNX TensorProto.DataType value, or 0 when unknown. */
  public int elementType(String name) {
    return types.getOrDefault(name, 0);
  }

  /** Whether a tensor is float32. */
  public boolean isFloat(String name) {
    return elementType(name) == Onnx.TensorProto.DataType.FLOAT_VALUE;
  }

  /** Number of elements at batch 1. */
  public long count(String name) {
    long n = 1;
    for (long d : dims(name)) {
      n *= d;
    }
    return n;
  }
}
