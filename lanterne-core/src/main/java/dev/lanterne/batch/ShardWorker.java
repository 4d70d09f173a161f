package dev.lanterne.batch;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Target;
import dev.lanterne.explain.gradient.CamLayers;
import dev.lanterne.explain.gradient.CamMethod;
import dev.lanterne.image.ColorMap;
import dev.lanterne.image.Overlay;
import dev.lanterne.image.Png;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.metrics.Box;
import dev.lanterne.metrics.DeletionInsertion;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.tensor.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * Explains and scores the images of one shard at a time with one model and one instance of each
 * method (opened once, so derived graphs are compiled and RISE masks drawn once per worker).
 * Images are decoded on other threads while ONNX Runtime works; maps are compressed and written on
 * a writer thread. Images are explained in fixed groups of {@link BatchConfig#batch()} aligned to the
 * shard, so a resumed shard sends ONNX Runtime the same batches and writes the same bytes; each group
 * ends with one record file (its metric rows, after its maps and error rows), so a killed worker loses
 * only the groups in flight. Not thread-safe: one shard at a time per worker.
 */
public final class ShardWorker implements AutoCloseable {
  /** The columns of the metric tables. */
  public static final List<String> COLUMNS = List.of("index", "path", "method", "rank", "class", "label", "score",
      "probability", "deletionAuc", "insertionAuc", "pointingHit", "seconds");
  /** The columns of the error tables. */
  public static final List<String> ERROR_COLUMNS = List.of("index", "path", "reason");

  /**
   * How a worker runs (not what it computes).
   *
   * @param decodeThreads threads that decode images ahead of the model
   * @param listener told of progress
   * @param afterImage called with each image's index after its record is written
   * @param times where the time per stage is added up, or null
   */
  public record Options(int decodeThreads, BatchListener listener, IntConsumer afterImage, StageTimes times) {
    /** Two decoding threads, no listener, no hook, no timing. */
    public static final Options DEFAULTS = new Options(2, BatchListener.NONE, i -> { }, null);

    /** The same options with another number of decoding threads. */
    public Options withDecodeThreads(int n) {
      return new Options(n, listener, afterImage, times);
    }

    /** The same options reporting to another listener. */
    public Options withListener(BatchListener l) {
      return new Options(decodeThreads, l, afterImage, times);
    }

    /** Called after each image's record is written (tests use it to stop a run at a chosen point). */
    public Options withAfterImage(IntConsumer hook) {
      return new Options(decodeThreads, listener, hook, times);
    }

    /** Adds the time of each stage to {@code t} (benchmarks print it). */
    public Options withTimes(StageTimes t) {
      return new Options(decodeThreads, listener, afterImage, t);
    }

    void time(String stage, long startNanos) {
      if (times != null) {
        times.since(stage, startNanos);
      }
    }
  }

  /**
   * What a shard's processing did.
   *
   * @param shard the shard's number
   * @param images images in the shard
   * @param computed images explained by this call
   * @param failed images of the shard with an error record
   * @param skipped whether the shard was done already, so nothing ran
   * @param seconds wall time of this call
   */
  public record ShardResult(int shard, int images, int computed, int failed, boolean skipped, double seconds) {}

  private final BatchRun run;
  private final LanternModel model;
  private final Options options;
  private final List<Attribution> methods = new ArrayList<>();
  private final List<ZarrArray> stores = new ArrayList<>();
  private final DeletionInsertion curves;
  private final PointingGame pointing;
  private final Preprocessor preprocessor;
  private final Target target;
  /** Whether the first method (a CAM) finds each image's predicted class in its own pass. */
  private final boolean classInFirstPass;
  private final ExecutorService decoders;
  private final ThreadPoolExecutor writer;
  private final int k;
  private final int[] chw;

  /**
   * A worker for a run, opening each of the run's methods on the model; the caller keeps ownership of the
   * model and closes it after the worker.
   *
   * @throws dev.lanterne.LanterneException (usage) when the model is not the one the run explains
   */
  public ShardWorker(BatchRun run, LanternModel model, Options options) {
    run.checkModel(model);
    this.run = run;
    this.model = model;
    this.options = options;
    BatchConfig c = run.config();
    for (MethodInfo info : c.check()) {
      methods.add(info.open(model, c.settings()));
      stores.add(run.maps(info.name()));
    }
    this.chw = model.inputShape();
    this.curves = c.curves() ? DeletionInsertion.of(model::scores, chw, model.card(),
        new DeletionInsertion.Settings(c.pixelsPerStep(), c.deletionSubstrate(), c.insertionSubstrate(), c.batch()))
        : null;
    this.pointing = new PointingGame(c.tolerance());
    this.preprocessor = model.preprocessor();
    this.target = c.targetsLabel() ? null : c.parsedTarget();
    this.classInFirstPass = target != null && target.predictedOnly()
        && (methods.get(0) instanceof CamMethod || methods.get(0) instanceof CamLayers);
    this.k = run.classesPerImage();
    this.decoders = Executors.newFixedThreadPool(Math.max(1, options.decodeThreads()), daemon("lanterne-decode"));
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4 * c.batch()),
        daemon("lanterne-write"), new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** Threads this worker started, by role, so that their CPU time can be reported when it closes. */
  private final Map<String, List<Thread>> started = new java.util.concurrent.ConcurrentHashMap<>();

  private java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      started.computeIfAbsent(name, n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(t);
      return t;
    };
  }

  private record Decoded(int index, Images image, String error) {}

  /** Processes one shard: skips it when done, else explains the images without a record, then closes it. */
  public ShardResult process(int shard) {
    long t0 = System.nanoTime();
    int start = run.shardStart(shard);
    int end = run.shardEnd(shard);
    if (run.isDone(shard)) {
      deleteTree(run.workDir(shard));
      return new ShardResult(shard, end - start, 0, 0, true, 0);
    }
    Path work = run.workDir(shard);
    int batch = run.config().batch();
    List<int[]> groups = new ArrayList<>();
    for (int g = start; g < end; g += batch) {
      if (!hasRecord(work, g)) {
        groups.add(new int[] {g, Math.min(end, g + batch)});
      }
    }
    List<Future<?>> writes = new ArrayList<>();
    int computed = 0;
    List<List<Future<Decoded>>> ahead = new ArrayList<>();
    int next = 0;
    try {
      for (int gi = 0; gi < groups.size(); gi++) {
        while (next < groups.size() && next <= gi + 2) {
          ahead.add(decodeGroup(groups.get(next)));
          next++;
        }
        List<Future<Decoded>> group = ahead.remove(0);
        List<Decoded> decoded = new ArrayList<>();
        long w0 = System.nanoTime();
        for (Future<Decoded> f : group) {
          decoded.add(get(f));
        }
        options.time("model thread: wait for decoding", w0);
        computed += explainGroup(work, groups.get(gi)[0], decoded, writes);
        checkWrites(writes, false);
      }
      checkWrites(writes, true);
    } catch (RuntimeException | Error e) {
      for (List<Future<Decoded>> g : ahead) {
        g.forEach(f -> f.cancel(true));
      }
      throw e;
    }
    long c0 = System.nanoTime();
    int failed = closeShard(shard, start, end);
    options.time("model thread: close shards", c0);
    return new ShardResult(shard, end - start, computed, failed, false, (System.nanoTime() - t0) / 1e9);
  }

  private List<Future<Decoded>> decodeGroup(int[] range) {
    List<Future<Decoded>> out = new ArrayList<>();
    for (int i = range[0]; i < range[1]; i++) {
      int index = i;
      out.add(decoders.submit(() -> decode(index)));
    }
    return out;
  }

  private Decoded decode(int index) {
    long t0 = System.nanoTime();
    try {
      return decodeNow(index);
    } finally {
      options.time("decode threads: decode", t0);
    }
  }

  private Decoded decodeNow(int index) {
    Manifest.Entry e = run.manifest().get(index);
    try {
      if (e.size() < 0) {
        return new Decoded(index, null, "cannot be read (it was missing or unreadable when the run started)");
      }
      long size = Files.size(e.path());
      if (size != e.size()) {
        return new Decoded(index, null, "changed since the run started (" + size + " bytes, manifest says "
            + e.size() + ")");
      }
      Preprocessor.Prepared p = preprocessor.prepare(e.path());
      return new Decoded(index, new Images(List.of(e.path().getFileName().toString()), List.of(p.shown()),
          p.tensor(), chw), null);
    } catch (IOException ex) {
      return new Decoded(index, null, "cannot be read (" + ex.getMessage() + ")");
    } catch (RuntimeException | OutOfMemoryError ex) {
      return new Decoded(index, null, oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
    }
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LanterneException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new LanterneException(String.valueOf(c.getMessage()), c);
    }
  }

  private void checkWrites(List<Future<?>> writes, boolean all) {
    var it = writes.iterator();
    while (it.hasNext()) {
      Future<?> f = it.next();
      if (all || f.isDone()) {
        get(f);
        it.remove();
      }
    }
  }

  /** The outputs of one explained image, written by the writer thread. */
  private record ImageOut(int index, List<float[]> chunks, List<Map<String, String>> rows,
      List<java.awt.image.BufferedImage> pngs, List<String> pngNames) {}

  /** Explains one group and queues its outputs; returns how many images it covered. */
  private int explainGroup(Path work, int groupStart, List<Decoded> decoded, List<Future<?>> writes) {
    List<Decoded> ok = new ArrayList<>();
    List<int[]> labelled = new ArrayList<>();
    List<Map<String, String>> errors = new ArrayList<>();
    for (Decoded d : decoded) {
      if (d.error() != null) {
        errors.add(errorRow(d.index(), d.error()));
        continue;
      }
      if (target == null) {
        try {
          labelled.add(new int[] {labelClass(run.manifest().get(d.index()).label(), model.numClasses())});
        } catch (LanterneException e) {
          errors.add(errorRow(d.index(), oneLine(e.getMessage())));
          continue;
        }
      }
      ok.add(d);
    }
    List<ImageOut> outs = List.of();
    if (!ok.isEmpty()) {
      int n = ok.size();
      int per = chw[0] * chw[1] * chw[2];
      float[] x = new float[n * per];
      List<String> names = new ArrayList<>();
      List<java.awt.image.BufferedImage> shown = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        System.arraycopy(ok.get(i).image().tensor(), 0, x, i * per, per);
        names.add(ok.get(i).image().names().get(0));
        shown.add(ok.get(i).image().shown().get(0));
      }
      Images images = new Images(names, shown, x, chw);
      if (classInFirstPass) {
        // the first method finds each image's predicted class in its own pass: no separate forward pass
        long t0 = System.nanoTime();
        List<Explanation> first = methods.get(0).attribute(images, target);
        options.time("model thread: " + methods.get(0).name(), t0);
        int[][] perImage = new int[n][];
        for (int i = 0; i < n; i++) {
          perImage[i] = new int[] {first.get(i).classIndex()};
        }
        outs = explainImages(ok, images, perImage, null, null, first, (System.nanoTime() - t0) / 1e9 / n);
      } else {
        long s0 = System.nanoTime();
        float[] scores = model.scores(x, n);
        options.time("model thread: class scores", s0);
        float[] prob = model.probabilities(scores, n);
        int[][] perImage = target != null ? target.resolve(n, scores, model.numClasses(), model.labels())
            : labelled.toArray(new int[0][]);
        outs = explainImages(ok, images, perImage, scores, prob, null, 0);
      }
    }
    List<ImageOut> done = outs;
    long q0 = System.nanoTime();
    writes.add(writer.submit(() -> writeGroup(work, groupStart, decoded, done, errors)));
    options.time("model thread: queue outputs", q0);
    return decoded.size();
  }

  /** Writes a group's maps (and overlays), then its error rows, then its metric rows: the record, last. */
  private void writeGroup(Path work, int groupStart, List<Decoded> decoded, List<ImageOut> outs,
      List<Map<String, String>> errors) {
    long t0 = System.nanoTime();
    List<Map<String, String>> rows = new ArrayList<>();
    for (ImageOut o : outs) {
      for (int m = 0; m < stores.size(); m++) {
        stores.get(m).write(o.index(), o.chunks().get(m));
      }
      for (int p = 0; p < o.pngs().size(); p++) {
        Png.write(run.dir().resolve("png").resolve(o.pngNames().get(p)), o.pngs().get(p));
      }
      rows.addAll(o.rows());
    }
    options.time("writer thread: maps", t0);
    t0 = System.nanoTime();
    if (!errors.isEmpty()) {
      AtomicFiles.write(work.resolve(recordName(groupStart, true)), Csv.bytes(ERROR_COLUMNS, errors, false));
    }
    AtomicFiles.write(work.resolve(recordName(groupStart, false)), Csv.bytes(COLUMNS, rows, false));
    options.time("writer thread: records", t0);
    for (Decoded d : decoded) {
      options.listener().imageDone(d.index(), d.error() == null);
      options.afterImage().accept(d.index());
    }
  }

  private int labelClass(String label, int classes) {
    if (label == null || label.isBlank()) {
      throw new LanterneException("has no label in the manifest, and the run explains each image's label");
    }
    int c;
    if (label.strip().matches("\\d+")) {
      c = Integer.parseInt(label.strip());
    } else {
      c = model.labels().find(label);
    }
    if (c < 0 || c >= classes) {
      throw new LanterneException("label " + label + " is not a class of the model (0 to " + (classes - 1) + ")");
    }
    return c;
  }

  /**
   * @param scores the images' scores [n,K], or null to take each row's score and probability from the
   *     first method's explanations
   * @param first the first method's explanations when it has run already (with its seconds per image)
   */
  private List<ImageOut> explainImages(List<Decoded> ok, Images images, int[][] classes, float[] scores,
      float[] prob, List<Explanation> first, double firstSeconds) {
    List<ImageOut> outs = new ArrayList<>();
    int n = ok.size();
    int numClasses = model.numClasses();
    int plane = chw[1] * chw[2];
    List<List<Explanation>> byMethod = new ArrayList<>();
    double[] seconds = new double[methods.size()];
    for (int m = 0; m < methods.size(); m++) {
      if (m == 0 && first != null) {
        byMethod.add(first);
        seconds[0] = firstSeconds;
        continue;
      }
      long t0 = System.nanoTime();
      List<Explanation> ex = methods.get(m).attribute(images, classes);
      seconds[m] = (System.nanoTime() - t0) / 1e9 / n;
      options.time("model thread: " + methods.get(m).name(), t0);
      if (ex.size() != n * k) {
        throw new LanterneException(methods.get(m).name() + " returned " + ex.size() + " maps for " + n
            + " images of " + k + " classes");
      }
      byMethod.add(ex);
    }
    long r0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Decoded d = ok.get(i);
      Manifest.Entry entry = run.manifest().get(d.index());
      List<Map<String, String>> rows = new ArrayList<>();
      List<float[]> chunks = new ArrayList<>();
      List<java.awt.image.BufferedImage> pngs = new ArrayList<>();
      List<String> pngNames = new ArrayList<>();
      float[] tensor = images.tensor(i);
      for (int m = 0; m < methods.size(); m++) {
        float[] chunk = new float[k * plane];
        for (int r = 0; r < k; r++) {
          Explanation e = byMethod.get(m).get(i * k + r);
          float[] map = e.map().data();
          System.arraycopy(map, 0, chunk, r * plane, plane);
          int c = classes[i][r];
          Map<String, String> row = new LinkedHashMap<>();
          row.put("index", Integer.toString(d.index()));
          row.put("path", entry.path().toString());
          row.put("method", methods.get(m).name());
          row.put("rank", Integer.toString(r));
          row.put("class", Integer.toString(c));
          row.put("label", model.labels().get(c));
          Explanation byFirst = byMethod.get(0).get(i * k + r);
          row.put("score", Float.toString(scores != null ? scores[i * numClasses + c] : byFirst.score()));
          row.put("probability", Float.toString(prob != null ? prob[i * numClasses + c] : byFirst.probability()));
          if (curves != null) {
            DeletionInsertion.Result res = curves.evaluate(tensor, map, c);
            row.put("deletionAuc", Double.toString(res.deletion().auc()));
            row.put("insertionAuc", Double.toString(res.insertion().auc()));
          }
          List<Box> boxes = entry.boxes();
          boolean labelled = !entry.label().isBlank();
          if (!boxes.isEmpty() && (!labelled || sameClass(entry.label(), c))) {
            row.put("pointingHit", pointing.play(map, chw[1], chw[2], boxes).hit() ? "1" : "0");
          }
          rows.add(row);
          if (run.config().png()) {
            pngs.add(Overlay.blend(images.shown().get(i), map, chw[2], chw[1], ColorMap.JET, 0.5f));
            pngNames.add(methods.get(m).name() + "/" + String.format("%07d", d.index()) + "-" + r + "-" + c + ".png");
          }
        }
        double s = seconds[m];
        for (Map<String, String> row : rows.subList(rows.size() - k, rows.size())) {
          row.put("seconds", String.format(java.util.Locale.ROOT, "%.6f", s));
        }
        chunks.add(chunk);
      }
      outs.add(new ImageOut(d.index(), chunks, rows, pngs, pngNames));
    }
    options.time(curves != null ? "model thread: rows and curves" : "model thread: rows", r0);
    return outs;
  }

  private boolean sameClass(String label, int c) {
    try {
      return labelClass(label, model.numClasses()) == c;
    } catch (LanterneException e) {
      return false;
    }
  }

  private Map<String, String> errorRow(int index, String reason) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("index", Integer.toString(index));
    row.put("path", run.manifest().get(index).path().toString());
    row.put("reason", reason);
    return row;
  }

  static String recordName(int index, boolean error) {
    return String.format("%07d", index) + (error ? ".err" : ".csv");
  }

  /** Whether the group starting at this index has its record (metric rows, written last). */
  static boolean hasRecord(Path work, int groupStart) {
    return Files.isRegularFile(work.resolve(recordName(groupStart, false)));
  }

  /** Joins the image records into the shard's tables, then writes the done marker, then drops the records. */
  private int closeShard(int shard, int start, int end) {
    Path work = run.workDir(shard);
    StringBuilder metrics = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    StringBuilder errors = new StringBuilder(String.join(",", ERROR_COLUMNS)).append('\n');
    int failed = 0;
    try {
      for (int g = start; g < end; g += run.config().batch()) {
        Path ok = work.resolve(recordName(g, false));
        Path err = work.resolve(recordName(g, true));
        if (!Files.isRegularFile(ok)) {
          throw new LanterneException("images " + g + " to " + (Math.min(end, g + run.config().batch()) - 1) + " of "
              + BatchRun.shardName(shard) + " have no record; resume the run");
        }
        metrics.append(Files.readString(ok, StandardCharsets.UTF_8));
        if (Files.isRegularFile(err)) {
          String e = Files.readString(err, StandardCharsets.UTF_8);
          failed += (int) e.lines().filter(l -> !l.isBlank()).count();
          errors.append(e);
        }
      }
    } catch (IOException e) {
      throw new LanterneException("cannot read the records of " + work + " (" + e.getMessage() + ")", e);
    }
    AtomicFiles.write(run.shardMetrics(shard), metrics.toString().getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(run.shardErrors(shard), errors.toString().getBytes(StandardCharsets.UTF_8));
    String done = "{\"shard\": " + shard + ", \"images\": " + (end - start) + ", \"failed\": " + failed + "}\n";
    AtomicFiles.write(run.doneMarker(shard), done.getBytes(StandardCharsets.UTF_8));
    deleteTree(work);
    return failed;
  }

  static void deleteTree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // leftovers of a finished shard are harmless: the done marker decides
    }
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    String t = s.strip().replaceAll("\\s*\\n\\s*", " ");
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  /** Stops the decoding and writing threads (pending writes are dropped, as a kill would). */
  @Override
  public void close() {
    if (options.times() != null) {
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      started.forEach((role, threads) -> {
        for (Thread t : threads) {
          long cpu = mx.isThreadCpuTimeSupported() ? mx.getThreadCpuTime(t.getId()) : -1;
          if (cpu > 0) {
            options.times().add(role + " threads: CPU time", cpu);
          }
        }
      });
    }
    decoders.shutdownNow();
    writer.shutdownNow();
    try {
      writer.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
