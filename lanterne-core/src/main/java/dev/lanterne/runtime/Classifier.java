package dev.lanterne.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lanterne.LanterneException;
import dev.lanterne.onnx.BatchRewrite;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A plain image classifier: NCHW float input, class scores [N,K] out. Runs any batch size: a model
 * that declares a fixed batch of 1 is rewritten to a dynamic batch where the graph allows it, and is
 * otherwise run one image at a time, transparently.
 *
 * <p>Thread-safe: one {@code Classifier} may be shared by any number of threads calling {@link #run}
 * at once. {@link #close()} may be called while other threads run it: it waits for the calls in
 * progress, and calls made after it fail with an {@link IllegalStateException}; closing twice does
 * nothing.
 */
public final class Classifier implements AutoCloseable {
  private final String name;
  private final OrtSession session;
  private final String inputName;
  private final String outputName;
  private final int[] inputShape;
  private final int numClasses;
  private final boolean batched;
  private final RuntimeOptions options;
  private final byte[] modelBytes;
  private final SessionGuard guard;

  private Classifier(String name, OrtSession session, byte[] modelBytes, String inputName, String outputName,
      int[] inputShape, int numClasses, boolean batched, RuntimeOptions options) {
    this.name = name;
    this.session = session;
    this.modelBytes = modelBytes;
    this.inputName = inputName;
    this.outputName = outputName;
    this.inputShape = inputShape;
    this.numClasses = numClasses;
    this.batched = batched;
    this.options = options;
    this.guard = new SessionGuard("the classifier " + name);
  }

  /** Reads the model file (external data inlined); see {@link #open(byte[], String, RuntimeOptions)}. */
  public static Classifier open(Path model, RuntimeOptions options) {
    return open(dev.lanterne.onnx.OnnxModels.readBytes(model), model.getFileName().toString(), options);
  }

  /**
   * Loads a classifier from ONNX bytes, checks that its input is an image tensor, and arranges
   * batched execution.
   */
  public static Classifier open(byte[] model, String name, RuntimeOptions options) {
    OrtSession session = OrtSessions.create(model, options, name);
    try {
      Signature sig = Signature.of(session, name);
      if (sig.batch == 1) {
        Optional<byte[]> rewritten = BatchRewrite.makeBatchDynamic(model);
        if (rewritten.isPresent()) {
          OrtSession dynamic = tryDynamic(rewritten.get(), options, session, sig);
          if (dynamic != null) {
            OrtSessions.closeQuietly(session);
            return new Classifier(name, dynamic, rewritten.get(), sig.input, sig.output, sig.chw, sig.classes, true,
                options);
          }
        }
      }
      return new Classifier(name, session, model, sig.input, sig.output, sig.chw, sig.classes, sig.batch != 1,
          options);
    } catch (RuntimeException e) {
      OrtSessions.closeQuietly(session);
      throw e;
    }
  }

  /** Loads the rewritten model and keeps it only if a batch of 2 agrees with two single runs. */
  private static OrtSession tryDynamic(byte[] rewritten, RuntimeOptions options, OrtSession original,
      Signature sig) {
    OrtSession candidate;
    try {
      candidate = OrtSessions.create(rewritten, options, "batch-dynamic rewrite");
    } catch (LanterneException e) {
      return null;
    }
    try {
      int per = sig.chw[0] * sig.chw[1] * sig.chw[2];
      float[] x = new float[2 * per];
      SplittableRandom rnd = new SplittableRandom(7);
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextDouble(-1, 1);
      }
      float[] both = runSession(candidate, sig.input, sig.output, x, 2, sig.chw, sig.classes);
      float[] a = runSession(original, sig.input, sig.output, Arrays.copyOfRange(x, 0, per), 1, sig.chw, sig.classes);
      float[] b = runSession(original, sig.input, sig.output, Arrays.copyOfRange(x, per, 2 * per), 1, sig.chw,
          sig.classes);
      double maxAbs = 1e-12;
      double maxErr = 0;
      for (int k = 0; k < sig.classes; k++) {
        maxAbs = Math.max(maxAbs, Math.max(Math.abs(a[k]), Math.abs(b[k])));
        maxErr = Math.max(maxErr, Math.abs(both[k] - a[k]));
        maxErr = Math.max(maxErr, Math.abs(both[sig.classes + k] - b[k]));
      }
      if (maxErr <= 1e-4 * maxAbs + 1e-6) {
        return candidate;
      }
    } catch (RuntimeException e) {
      // fall through: the rewrite does not run batched, so keep one image at a time
    }
    OrtSessions.closeQuietly(candidate);
    return null;
  }

  /**
   * Runs x [n,C,H,W] and returns the scores [n,K], in chunks of at most maxBatch images.
   *
   * @throws NonFiniteScoresException when the model returns a NaN or infinite score
   * @throws IllegalStateException when the classifier is closed
   */
  public float[] run(float[] x, int n) {
    int per = inputShape[0] * inputShape[1] * inputShape[2];
    if (x.length != n * per) {
      throw new IllegalArgumentException("expected " + n * per + " input values, got " + x.length);
    }
    return guard.call(() -> runChunks(n, (start, m) -> InputTensor.of(x, start * per, m * per, shape(m))));
  }

  /**
   * Runs x [n,C,H,W], the remaining values of a direct buffer in native byte order, which ONNX Runtime
   * reads in place (no copy): for callers that compose inputs off the calling thread. The buffer must
   * not change until this returns.
   *
   * @throws IllegalArgumentException when the buffer is not direct, not in native order, or of another size
   * @throws NonFiniteScoresException when the model returns a NaN or infinite score
   */
  public float[] run(FloatBuffer x, int n) {
    int per = inputShape[0] * inputShape[1] * inputShape[2];
    if (!x.isDirect() || x.order() != java.nio.ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("the input buffer must be direct and in native byte order");
    }
    if (x.remaining() != n * per) {
      throw new IllegalArgumentException("expected " + n * per + " input values, got " + x.remaining());
    }
    int base = x.position();
    return guard.call(() -> runChunks(n, (start, m) -> InputTensor.wrap(x.slice(base + start * per, m * per),
        shape(m))));
  }

  private long[] shape(int n) {
    return new long[] {n, inputShape[0], inputShape[1], inputShape[2]};
  }

  /** Opens the input tensor of rows start .. start+m. */
  private interface Rows {
    InputTensor open(int start, int m) throws OrtException;
  }

  private float[] runChunks(int n, Rows rows) {
    int chunk = batched ? options.maxBatch() : 1;
    float[] out = new float[n * numClasses];
    for (int start = 0; start < n; start += chunk) {
      int m = Math.min(chunk, n - start);
      float[] scores = runTensor(session, inputName, outputName, rows, start, m, numClasses);
      for (int i = 0; i < scores.length; i++) {
        if (!Float.isFinite(scores[i])) {
          throw new NonFiniteScoresException(start + i / numClasses, n);
        }
      }
      if (m == n) {
        return scores;
      }
      System.arraycopy(scores, 0, out, start * numClasses, m * numClasses);
    }
    return out;
  }

  static float[] runSession(OrtSession session, String input, String output, float[] x, int n, int[] chw,
      int classes) {
    long[] shape = {n, chw[0], chw[1], chw[2]};
    return runTensor(session, input, output, (start, m) -> InputTensor.of(x, shape), 0, n, classes);
  }

  /** Runs rows start .. start+n, opened inside the try so that a failed run still closes them. */
  private static float[] runTensor(OrtSession session, String input, String output, Rows rows, int start, int n,
      int classes) {
    try (InputTensor t = rows.open(start, n);
        OrtSession.Result r = session.run(Map.of(input, t.tensor()), java.util.Set.of(output))) {
      float[] out = InputTensor.floats(r.get(0));
      if (out.length != n * classes) {
        throw new LanterneException("model output has " + out.length + " values for a batch of " + n
            + ", expected " + n * classes + "; Lanterne needs class scores of shape [N, classes]");
      }
      return out;
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime failed to run the model (" + OrtSessions.firstLine(e.getMessage())
          + "); check that the input matches the model", e);
    }
  }

  /** The name given when opening, used in messages (the model's file name when opened from a path). */
  public String name() {
    return name;
  }

  /** {channels, height, width} of one input image. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Number of class scores per image (K in the [N,K] output). */
  public int numClasses() {
    return numClasses;
  }

  /** Whether batches go to ONNX Runtime in one call (false: one image at a time). */
  public boolean batched() {
    return batched;
  }

  /** Name of the model's image input. */
  public String inputName() {
    return inputName;
  }

  /** Name of the model's class-score output. */
  public String outputName() {
    return outputName;
  }

  /** The device, threads and batch limit the session was created with. */
  public RuntimeOptions options() {
    return options;
  }

  /** The ONNX bytes this classifier runs (after any batch rewrite). */
  public byte[] modelBytes() {
    return modelBytes;
  }

  /** Releases the session; waits for runs in progress on other threads. Idempotent. */
  @Override
  public void close() {
    guard.close(() -> OrtSessions.closeQuietly(session));
  }

  /** The model's input and output, checked to be an image classifier's. */
  private record Signature(String input, String output, long batch, int[] chw, int classes) {
    static Signature of(OrtSession session, String name) {
      try {
        if (session.getInputInfo().size() != 1) {
          throw new LanterneException(name + " has " + session.getInputInfo().size()
              + " inputs; Lanterne needs a classifier with one image input [N,3,H,W]");
        }
        Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
        if (!(in.getValue().getInfo() instanceof TensorInfo ti) || ti.type != ai.onnxruntime.OnnxJavaType.FLOAT
            || ti.getShape().length != 4 || !(ti.getShape()[1] == 3 || ti.getShape()[1] == 1)
            || ti.getShape()[2] < 1 || ti.getShape()[3] < 1) {
          throw new LanterneException(name + " input '" + in.getKey() + "' is " + in.getValue().getInfo()
              + ", not an image tensor; Lanterne needs a float input of shape [N,3,H,W] with fixed H and W");
        }
        long[] s = ti.getShape();
        Map.Entry<String, NodeInfo> out = session.getOutputInfo().entrySet().iterator().next();
        if (!(out.getValue().getInfo() instanceof TensorInfo to) || to.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
          throw new LanterneException(name + " output '" + out.getKey()
              + "' is not a float tensor; Lanterne needs class scores [N,classes]");
        }
        long classes = 1;
        long[] os = to.getShape();
        int notOne = 0;
        for (int i = 1; i < os.length; i++) {
          classes *= os[i];
          notOne += os[i] == 1 ? 0 : 1;
        }
        if (s[2] > 8192 || s[3] > 8192) {
          throw new LanterneException(name + " declares an input of " + s[2] + "x" + s[3]
              + " pixels; Lanterne supports image inputs up to 8192x8192");
        }
        if (os.length < 2 || classes < 2 || notOne > 1) {
          throw new LanterneException(name + " output '" + out.getKey() + "' has shape " + Arrays.toString(os)
              + "; Lanterne needs class scores [N,classes]");
        }
        return new Signature(in.getKey(), out.getKey(), s[0],
            new int[] {(int) s[1], (int) s[2], (int) s[3]}, (int) classes);
      } catch (OrtException e) {
        throw new LanterneException("cannot read the inputs of " + name + ": " + e.getMessage(), e);
      }
    }
  }
}
