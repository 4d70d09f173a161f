package dev.lanterne.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.InputTensor;
import dev.lanterne.runtime.OrtSessions;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Runs a derived gradient graph over a batch of images in chunks of at most maxBatch (one image at a
 * time when the graph has a fixed batch of 1), and reassembles the per-image outputs.
 *
 * <p>Thread-safe: {@link #run} may be called from several threads at once, and {@link #close()} while
 * they run (it waits for them; later calls fail with an {@link IllegalStateException}). Idempotent close.
 */
public final class DerivedGraphRunner implements AutoCloseable {
  private final OrtSession session;
  private final String input;
  private final String scores;
  private final int[] chw;
  private final int numClasses;
  private final int chunk;
  private final boolean seeded;
  private final dev.lanterne.runtime.SessionGuard guard;

  /**
   * Creates the ONNX Runtime session of a derived graph; the runner owns it and closes it in {@link
   * #close()}.
   *
   * @param what names the graph in error messages
   * @throws dev.lanterne.LanterneException when ONNX Runtime cannot load the graph
   */
  public DerivedGraphRunner(Onnx.ModelProto derived, RuntimeOptions options, String what) {
    this(derived, options, what, null);
  }

  /**
   * As above; with a non-null profilePrefix the session records ONNX Runtime's per-operator profile
   * (read it with {@link #endProfiling}).
   */
  public DerivedGraphRunner(Onnx.ModelProto derived, RuntimeOptions options, String what,
      java.nio.file.Path profilePrefix) {
    Onnx.GraphProto g = derived.getGraph();
    this.input = g.getInput(0).getName();
    this.scores = GradientCompiler.scoresName(derived);
    List<Onnx.TensorShapeProto.Dimension> dims = g.getInput(0).getType().getTensorType().getShape().getDimList();
    this.chw = new int[] {(int) dims.get(1).getDimValue(), (int) dims.get(2).getDimValue(),
        (int) dims.get(3).getDimValue()};
    this.numClasses = (int) g.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue();
    this.seeded = g.getInputList().stream().anyMatch(v -> v.getName().equals(GradientCompiler.SEED));
    boolean batched = !dims.get(0).hasDimValue();
    this.chunk = batched ? options.maxBatch() : 1;
    // The same optimisation level as the plain classifier's session: the forward part of a derived
    // graph then runs the same fused kernels and computes bit for bit the scores `classify` prints.
    byte[] bytes = derived.toByteArray();
    this.session = profilePrefix == null ? OrtSessions.create(bytes, options, what, OPT_LEVEL)
        : OrtSessions.createProfiled(bytes, options, what, OPT_LEVEL, profilePrefix);
    this.guard = new dev.lanterne.runtime.SessionGuard(what);
  }

  /** The graph optimisation level of derived-graph sessions: that of the plain classifier. */
  public static final OrtSession.SessionOptions.OptLevel OPT_LEVEL = OrtSession.SessionOptions.OptLevel.ALL_OPT;

  /** Ends the profile of a session created with a profile prefix and returns its JSON trace file. */
  public java.nio.file.Path endProfiling() {
    return OrtSessions.endProfiling(session);
  }

  /** {channels, height, width} of one input image. */
  public int[] inputShape() {
    return chw.clone();
  }

  /** Number of class scores per image. */
  public int numClasses() {
    return numClasses;
  }

  /** Name of the graph's class-score output. */
  public String scoresName() {
    return scores;
  }

  /**
   * Runs x [n,C,H,W] with seed [n,K] (and any scalar inputs) and returns the named outputs, each
   * concatenated over the batch. The seed is null for a graph that computes it ({@link PredictedSeed}).
   */
  public Map<String, float[]> run(float[] x, int n, float[] seed, Map<String, Float> scalars, List<String> outputs) {
    return guard.call(() -> runChunks(x, n, seed, scalars, outputs));
  }

  private Map<String, float[]> runChunks(float[] x, int n, float[] seed, Map<String, Float> scalars,
      List<String> outputs) {
    int per = chw[0] * chw[1] * chw[2];
    if (x.length != n * per) {
      throw new IllegalArgumentException("expected " + n * per + " input values, got " + x.length);
    }
    if (seeded != (seed != null)) {
      throw new IllegalArgumentException(seeded ? "this graph needs a seed" : "this graph computes its own seed");
    }
    if (seed != null && seed.length != n * numClasses) {
      throw new IllegalArgumentException("expected a seed of " + n * numClasses + " values, got " + seed.length);
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      Map<String, float[]> part = runChunk(x, start, seed, m, scalars, outputs);
      if (m == n) {
        return part;
      }
      for (Map.Entry<String, float[]> e : part.entrySet()) {
        float[] v = e.getValue();
        int each = v.length / m;
        float[] all = out.computeIfAbsent(e.getKey(), k -> new float[n * each]);
        System.arraycopy(v, 0, all, start * each, v.length);
      }
    }
    return out;
  }

  /** Shape of one output at batch 1 as the graph declares it, batch axis included. */
  public long[] outputShape(Onnx.ModelProto derived, String name) {
    for (Onnx.ValueInfoProto v : derived.getGraph().getOutputList()) {
      if (v.getName().equals(name)) {
        return v.getType().getTensorType().getShape().getDimList().stream()
            .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : 1).toArray();
      }
    }
    throw new IllegalArgumentException("no output " + name);
  }

  /** Rows start .. start+m of x (and of seed). */
  private Map<String, float[]> runChunk(float[] x, int start, float[] seed, int m, Map<String, Float> scalars,
      List<String> outputs) {
    int per = chw[0] * chw[1] * chw[2];
    Map<String, OnnxTensor> inputs = new HashMap<>();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      InputTensor image = InputTensor.of(x, start * per, m * per, new long[] {m, chw[0], chw[1], chw[2]});
      open.add(image);
      inputs.put(input, image.tensor());
      if (seed != null) {
        InputTensor s = InputTensor.of(seed, start * numClasses, m * numClasses, new long[] {m, numClasses});
        open.add(s);
        inputs.put(GradientCompiler.SEED, s.tensor());
      }
      for (Map.Entry<String, Float> s : scalars.entrySet()) {
        OnnxTensor t = OnnxTensor.createTensor(OrtSessions.environment(), s.getValue());
        open.add(t);
        inputs.put(s.getKey(), t);
      }
      try (OrtSession.Result r = session.run(inputs, new LinkedHashSet<>(outputs))) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : outputs) {
          out.put(name, InputTensor.floats(r.get(name).orElseThrow()));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime failed to run the gradient graph ("
          + OrtSessions.firstLine(e.getMessage()) + "); check that the input matches the model", e);
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          // closing a tensor releases memory only; nothing to report
        }
      }
    }
  }

  /** Releases the session; waits for runs in progress on other threads. Idempotent. */
  @Override
  public void close() {
    guard.close(() -> OrtSessions.closeQuietly(session));
  }
}
