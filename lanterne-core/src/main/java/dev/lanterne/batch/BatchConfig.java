package dev.lanterne.batch;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.Target;
import dev.lanterne.metrics.PointingGame;
import dev.lanterne.metrics.Substrate;
import dev.lanterne.methods.MethodInfo;
import dev.lanterne.methods.Methods;
import java.util.List;
import java.util.Locale;

/**
 * What a batch run computes: everything that decides its outputs, so a re-run into the same folder
 * can be compared with it (how it runs, threads or progress, is not here).
 *
 * @param methods method names as {@link Methods} knows them, in order
 * @param settings the methods' option values (text) and the run's seed
 * @param target class words: "predicted", "topK", class indices, labels, or "label" (the manifest's label)
 * @param curves whether to play deletion and insertion for every map
 * @param pixelsPerStep deletion/insertion pixels per step (0: H*W/224)
 * @param deletionSubstrate what deleted pixels become
 * @param insertionSubstrate what insertion starts from
 * @param tolerance pointing-game tolerance in pixels
 * @param shardSize images per shard
 * @param batch images per model call (also the group an image is explained with)
 * @param png whether to write PNG overlays
 */
public record BatchConfig(List<String> methods, Settings settings, List<String> target, boolean curves,
    int pixelsPerStep, Substrate deletionSubstrate, Substrate insertionSubstrate, int tolerance, int shardSize,
    int batch, boolean png) {
  /** Images per shard unless told. */
  public static final int DEFAULT_SHARD = 256;

  /**
   * Copies the lists; an empty or null target means "predicted".
   *
   * @throws dev.lanterne.LanterneException (usage) when no method is named, shardSize or batch is below 1, or
   *     pixelsPerStep or tolerance is negative
   */
  public BatchConfig {
    methods = List.copyOf(methods);
    target = target == null || target.isEmpty() ? List.of("predicted") : List.copyOf(target);
    if (methods.isEmpty()) {
      throw LanterneException.usage("name at least one method");
    }
    if (shardSize < 1 || batch < 1) {
      throw LanterneException.usage("shard size and batch must be >= 1");
    }
    if (pixelsPerStep < 0 || tolerance < 0) {
      throw LanterneException.usage("pixels per step and tolerance must be >= 0");
    }
  }

  /** Gradient-free defaults: the given methods, predicted class, deletion/insertion, shards of 256, batch 32. */
  public static BatchConfig of(String methods, Settings settings) {
    List<String> names = Methods.standard().parse(methods).stream().map(MethodInfo::name).toList();
    return new BatchConfig(names, settings, List.of("predicted"), true, 0, Substrate.BLACK, Substrate.BLUR,
        PointingGame.TORCHRAY_TOLERANCE, DEFAULT_SHARD, 32, false);
  }

  /** The same configuration with other class words (empty: "predicted"). */
  public BatchConfig withTarget(List<String> words) {
    return new BatchConfig(methods, settings, words, curves, pixelsPerStep, deletionSubstrate, insertionSubstrate,
        tolerance, shardSize, batch, png);
  }

  /**
   * The same configuration, playing deletion and insertion or not, at {@code step} pixels per step (0:
   * H*W/224).
   */
  public BatchConfig withCurves(boolean on, int step) {
    return new BatchConfig(methods, settings, target, on, step, deletionSubstrate, insertionSubstrate, tolerance,
        shardSize, batch, png);
  }

  /** The same configuration with other deletion and insertion substrates. */
  public BatchConfig withSubstrates(Substrate deletion, Substrate insertion) {
    return new BatchConfig(methods, settings, target, curves, pixelsPerStep, deletion, insertion, tolerance,
        shardSize, batch, png);
  }

  /** The same configuration with another pointing-game tolerance, in pixels. */
  public BatchConfig withTolerance(int t) {
    return new BatchConfig(methods, settings, target, curves, pixelsPerStep, deletionSubstrate, insertionSubstrate,
        t, shardSize, batch, png);
  }

  /** The same configuration with another number of images per shard. */
  public BatchConfig withShardSize(int s) {
    return new BatchConfig(methods, settings, target, curves, pixelsPerStep, deletionSubstrate, insertionSubstrate,
        tolerance, s, batch, png);
  }

  /** The same configuration with another number of images per model call. */
  public BatchConfig withBatch(int b) {
    return new BatchConfig(methods, settings, target, curves, pixelsPerStep, deletionSubstrate, insertionSubstrate,
        tolerance, shardSize, b, png);
  }

  /** The same configuration, writing PNG overlays or not. */
  public BatchConfig withPng(boolean p) {
    return new BatchConfig(methods, settings, target, curves, pixelsPerStep, deletionSubstrate, insertionSubstrate,
        tolerance, shardSize, batch, p);
  }

  /** Whether classes come from each image's manifest label. */
  public boolean targetsLabel() {
    return target.size() == 1 && target.get(0).strip().equalsIgnoreCase("label");
  }

  /** The target for non-label runs. */
  public Target parsedTarget() {
    return Target.parse(target);
  }

  /** Classes explained per image (the second dimension of every map store). */
  public int classesPerImage(int numClasses) {
    if (targetsLabel()) {
      return 1;
    }
    String w = target.get(0).strip().toLowerCase(Locale.ROOT);
    if (target.size() == 1 && w.matches("top\\d+")) {
      return Math.min(Integer.parseInt(w.substring(3)), numClasses);
    }
    if (target.size() == 1 && (w.equals("top") || w.equals("predicted"))) {
      return 1;
    }
    return target.size();
  }

  /** Checks names, settings and target words before any model is opened. */
  public List<MethodInfo> check() {
    List<MethodInfo> infos = Methods.standard().parse(String.join(",", methods));
    for (MethodInfo m : infos) {
      m.check(settings);
    }
    if (!targetsLabel()) {
      parsedTarget();
    }
    return infos;
  }
}
