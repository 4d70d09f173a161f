package dev.lanterne.explain.perturbation;

import dev.lanterne.explain.Explanation;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RISE, Randomized Input Sampling for Explanation (Petsiuk, Das, Saenko, BMVC 2018): the saliency of
 * class c is sum_i score_c(x masked by M_i) * M_i / (N p), masks applied in pixel space before
 * normalisation. Every class of interest comes from the same forward passes.
 */
public final class Rise extends PerturbationMethod<RiseOptions> {
  /** The method's name in explanations and file names. */
  public static final String METHOD = "rise";

  /** Masks kept for the later images this instance explains (same size, same seed). */
  private volatile CachedMasks cached;
  /** The size {height, width} of the image explained before any masks were kept; guarded by this. */
  private int[] firstSize;

  /** The method alone; call {@link #explain} with a {@link BlackBox}. */
  public Rise(RiseOptions options) {
    super(null, options);
  }

  /** On a model: {@link #attribute} takes the model's normalised images and undoes the normalisation. */
  public Rise(dev.lanterne.explain.LanternModel model, RiseOptions options) {
    super(model, options);
  }

  @Override
  public String name() {
    return METHOD;
  }

  /**
   * The masks for images of h x w, bit-for-bit the masks a fresh generator draws. The first image of a
   * size draws them as it goes; from the second on they are kept (up to {@link CachedMasks#MAX_BYTES})
   * and shared by every later image. Keeping a mask means writing it to fresh memory, which cost more
   * than drawing it (224x224 binary masks on two cores, while ONNX Runtime ran the batches: 0.6-1.9 ms
   * per mask on the drawing thread, against 0.2 ms without keeping them), so it only pays when another
   * image reads it. Masks of a {@link SeparableMasks} family (the paper's grids, hard cells, stripes,
   * grid-scale noise) are never kept: the sums take their lines, which cost a few rows to draw again.
   */
  private MaskGenerator masks(int h, int w) {
    CachedMasks c = cached;
    if (c != null && c.height == h && c.width == w) {
      return c;
    }
    synchronized (this) {
      c = cached;
      if (c != null && c.height == h && c.width == w) {
        return c;
      }
      MaskGenerator generator = options().generator(h, w);
      if (generator instanceof SeparableMasks) {
        return generator;
      }
      if (firstSize == null || firstSize[0] != h || firstSize[1] != w) {
        firstSize = new int[] {h, w};
        return generator;
      }
      c = new CachedMasks(generator, options().seed(), options().masks(), h, w);
      cached = c;
      return c;
    }
  }

  /** Whether this instance keeps masks for images of h x w (for tests). */
  boolean keepsMasks(int h, int w) {
    CachedMasks c = cached;
    return c != null && c.height == h && c.width == w;
  }

  /** Explains one image [C,H,W] in [0,1] for the given classes, without progress reports. */
  public List<Explanation> explain(BlackBox model, float[] pixels, int[] classes) {
    return explain(model, pixels, classes, 0, ProgressListener.NONE);
  }

  /**
   * @param pixels one image [C,H,W], pixel values in [0,1], at the model's input size
   * @param classes the classes to explain; one explanation each, in this order
   * @param image the image's index, recorded in the explanations
   */
  @Override
  public List<Explanation> explain(BlackBox model, float[] pixels, int[] classes, int image,
      ProgressListener progress) {
    Perturbations.checkClasses(classes, model.numClasses());
    int h = model.height();
    int w = model.width();
    MaskGenerator masks = masks(h, w);
    float[] fill = options().fill().image(pixels, model.channels(), h, w, options().blurSigma());
    MaskedBatchRunner runner = new MaskedBatchRunner(model, pixels, fill, masks, options().seed(), options().batch(),
        options().score());
    RiseAccumulator sums = new RiseAccumulator(classes, h * w, masks, options());
    MaskedBatchRunner.Result run = runner.run(options().masks(), sums, progress);

    float[] raw = model.rawScores(pixels);
    float[] prob = model.probabilities(raw);
    List<Explanation> out = new ArrayList<>();
    for (int k = 0; k < classes.length; k++) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("masks", run.used());
      details.put("maxMasks", options().masks());
      details.put("grid", options().grid());
      details.put("p", options().p());
      details.put("maskType", options().maskType().cliName());
      details.put("fill", options().fill().name().toLowerCase(java.util.Locale.ROOT));
      details.put("score", options().score().name().toLowerCase(java.util.Locale.ROOT));
      details.put("seed", options().seed());
      details.put("batch", options().batch());
      if (options().untilStable()) {
        details.put("untilStable", true);
        details.put("tolerance", options().tolerance());
        // the run ended at maxMasks without the maps settling: the map is as noisy as the limit allows
        details.put("stoppedAtLimit", !sums.settled());
        if (!Double.isNaN(sums.lastChange())) {
          details.put("lastChange", sums.lastChange());
        }
      }
      Perturbations.putTiming(details, run, sums.bytes());
      Tensor map = new Tensor(sums.map(k, run.used(), masks.meanValue()), new int[] {h, w});
      int c = classes[k];
      out.add(new Explanation(image, METHOD, c, model.labels().get(c), raw[c], prob[c], map, null, details));
    }
    return out;
  }
}
