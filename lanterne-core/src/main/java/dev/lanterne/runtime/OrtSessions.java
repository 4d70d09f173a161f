package dev.lanterne.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.lanterne.LanterneException;

/** Creates ONNX Runtime sessions with the device and thread settings of {@link RuntimeOptions}. */
public final class OrtSessions {
  private OrtSessions() {}

  /** Threads of the shared pool: one per core, ONNX Runtime's own default for a session. */
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /** Set once by {@link #environment}; guarded by the class. */
  private static OrtEnvironment environment;
  private static boolean sharedPool;

  /**
   * ONNX Runtime's process-wide environment, shared by every session; never closed. Lanterne creates
   * it with one intra-op thread pool (a thread per core) that every CPU session at the default thread
   * count uses: a model object holds up to four sessions (the plain model and its derived graphs), and
   * with a pool each, the idle threads of one spin on the cores while the next one runs (on 2 cores,
   * MobileNetV1's forward at batch 16 took 12-18 ms after a saliency call, 6 ms with one pool). If an
   * environment exists already (created by other code in the process), it is used as it is and every
   * session keeps a pool of its own.
   */
  public static synchronized OrtEnvironment environment() {
    if (environment == null) {
      try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
        threading.setGlobalIntraOpNumThreads(CORES);
        environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            OrtEnvironment.DEFAULT_NAME, threading);
        sharedPool = true;
      } catch (IllegalStateException | OrtException e) {
        // another library created the environment first: no shared pool to join
        environment = OrtEnvironment.getEnvironment();
        sharedPool = false;
      }
    }
    return environment;
  }

  /**
   * Whether sessions with these options run on the shared thread pool: CPU sessions at the default
   * thread count (0, or one per core); an explicit other count gets a pool of its own.
   */
  static synchronized boolean usesSharedPool(RuntimeOptions options) {
    environment();
    return sharedPool && options.device() != Device.CUDA && (options.threads() <= 0 || options.threads() == CORES);
  }

  /** A session over serialized ONNX bytes, fully optimised. The caller closes it. */
  public static OrtSession create(byte[] modelBytes, RuntimeOptions options, String what) {
    return create(modelBytes, options, what, OrtSession.SessionOptions.OptLevel.ALL_OPT);
  }

  /** A session at a chosen graph-optimisation level. The caller closes it. */
  public static OrtSession create(byte[] modelBytes, RuntimeOptions options, String what,
      OrtSession.SessionOptions.OptLevel level) {
    try (OrtSession.SessionOptions so = sessionOptions(options)) {
      so.setOptimizationLevel(level);
      return environment().createSession(modelBytes, so);
    } catch (OrtException e) {
      throw new LanterneException(
          "ONNX Runtime cannot load " + what + " (" + firstLine(e.getMessage())
              + "); check that it is a valid ONNX model",
          e);
    }
  }

  /**
   * A session that records ONNX Runtime's per-operator profile (see {@link #endProfiling}); for
   * benchmarks. The trace goes to a JSON file whose name starts with profilePrefix, and the graph as
   * ONNX Runtime optimised it (the nodes the trace names, with the layout conversions and fusions it
   * added) to {@link #optimisedGraphOf}(profilePrefix).
   */
  public static OrtSession createProfiled(byte[] modelBytes, RuntimeOptions options, String what,
      OrtSession.SessionOptions.OptLevel level, java.nio.file.Path profilePrefix) {
    try (OrtSession.SessionOptions so = sessionOptions(options)) {
      so.setOptimizationLevel(level);
      so.enableProfiling(profilePrefix.toString());
      so.setOptimizedModelFilePath(optimisedGraphOf(profilePrefix).toString());
      // ONNX Runtime warns that a graph with NCHWc layouts only suits this machine: it is read once here
      so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      return environment().createSession(modelBytes, so);
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime cannot load " + what + " (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** Where a session profiled under profilePrefix writes its optimised graph. */
  public static java.nio.file.Path optimisedGraphOf(java.nio.file.Path profilePrefix) {
    return profilePrefix.resolveSibling(profilePrefix.getFileName() + ".optimised.onnx");
  }

  /** Ends a profiled session's trace and returns the JSON file it was written to. */
  public static java.nio.file.Path endProfiling(OrtSession session) {
    try {
      return java.nio.file.Path.of(session.endProfiling());
    } catch (OrtException e) {
      throw new LanterneException("ONNX Runtime could not write its profile (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  static OrtSession.SessionOptions sessionOptions(RuntimeOptions options) throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (usesSharedPool(options)) {
      so.disablePerSessionThreads();
    } else if (options.threads() > 0) {
      so.setIntraOpNumThreads(options.threads());
    }
    if (options.device() == Device.CUDA) {
      try {
        so.addCUDA(0);
      } catch (OrtException | UnsatisfiedLinkError | IllegalArgumentException e) {
        so.close();
        throw new LanterneException(
            "the CUDA device is not available here (" + firstLine(String.valueOf(e.getMessage()))
                + "); build with 'mvn -Pcuda package' on a machine with CUDA 12 and cuDNN 9, or use the CPU",
            LanterneException.FAILURE, e, "device");
      }
    }
    return so;
  }

  /** Closing releases native memory; there is nothing to do if ONNX Runtime complains. */
  public static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        // nothing to recover
      }
    }
  }

  /**
   * The first line of an error message, at most 300 characters, for one-line errors ("no details" when null).
   */
  public static String firstLine(String s) {
    if (s == null) {
      return "no details";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    String line = nl < 0 ? t : t.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
