package dev.lanterne.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a graph whose float inputs and outputs all have the batch as their first axis (a model split at
 * a layer, a DeepLift graph with its baseline input), in chunks of at most the runtime's largest
 * batch (one row at a time when an input fixes the batch to 1), and concatenates the outputs.
 * Thread-safe (ONNX Runtime sessions run concurrently).
 */
public final class BatchedGraph implements AutoCloseable {
  private final OrtSession session;
  private final Map<String, long[]> rowShapes = new LinkedHashMap<>();
  private final int chunk;
  private final String what;

  /**
   * @param model the graph (every input that is not an initializer is fed by {@link #run})
   * @param what how errors name it
   */
  public BatchedGraph(Onnx.ModelProto model, RuntimeOptions options, String what) {
    this.what = what;
    java.util.Set<String> inits = new java.util.HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    boolean batched = true;
    for (Onnx.ValueInfoProto v : model.getGraph().getInputList()) {
      if (inits.contains(v.getName())) {
        continue;
      }
      List<Onnx.TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
      long[] row = new long[dims.size() - 1];
      for (int i = 1; i < dims.size(); i++) {
        row[i - 1] = dims.get(i).getDimValue();
      }
      rowShapes.put(v.getName(), row);
      batched &= !dims.get(0).hasDimValue();
    }
    this.chunk = batched ? options.maxBatch() : 1;
    this.session = OrtSessions.create(model.toByteArray(), options, what,
        OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
  }

  /** The graph's fed inputs, each with its shape without the batch axis. */
  public Map<String, long[]> inputs() {
    Map<String, long[]> out = new LinkedHashMap<>();
    rowShapes.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  /**
   * @param inputs every fed input, [n, ...] in C order
   * @param n rows
   * @param outputs names of the outputs to return, each concatenated over the rows
   */
  public Map<String, float[]> run(Map<String, float[]> inputs, int n, List<String> outputs) {
    Map<String, Integer> per = new HashMap<>();
    for (Map.Entry<String, long[]> e : rowShapes.entrySet()) {
      float[] v = inputs.get(e.getKey());
      int size = (int) Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
      if (v == null || v.length != n * size) {
        throw new IllegalArgumentException(what + ": input " + e.getKey() + " needs " + n * size + " values, got "
            + (v == null ? "none" : v.length));
      }
      per.put(e.getKey(), size);
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      Map<String, OnnxTensor> feed = new HashMap<>();
      List<InputTensor> open = new ArrayList<>();
      try {
        for (Map.Entry<String, long[]> e : rowShapes.entrySet()) {
          int size = per.get(e.getKey());
          long[] shape = new long[e.getValue().length + 1];
          shape[0] = m;
          System.arraycopy(e.getValue(), 0, shape, 1, e.getValue().length);
          InputTensor t = InputTensor.of(inputs.get(e.getKey()), start * size, m * size, shape);
          open.add(t);
          feed.put(e.getKey(), t.tensor());
        }
        try (OrtSession.Result r = session.run(feed, new LinkedHashSet<>(outputs))) {
          for (String name : outputs) {
            float[] v = InputTensor.floats(r.get(name).orElseThrow());
            if (m == n) {
              out.put(name, v);
              continue;
            }
            int each = v.length / m;
            float[] all = out.computeIfAbsent(name, k -> new float[n * each]);
            System.arraycopy(v, 0, all, start * each, m * each);
          }
        }
      } catch (OrtException e) {
        throw new LanterneException("ONNX Runtime failed to run " + what + " ("
            + OrtSessions.firstLine(e.getMessage()) + ")", e);
      } finally {
        open.forEach(InputTensor::close);
      }
    }
    return out;
  }

  @Override
  public void close() {
    OrtSessions.closeQuietly(session);
  }
}
