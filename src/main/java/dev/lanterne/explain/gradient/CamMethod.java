package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Class activation maps from a layer's activation A [c,h,w] and its gradient dA (after
 * pytorch-grad-cam's BaseCAM): {@code cam = ReLU(sum_k w_k A_k)}, resized bilinearly to the input
 * size. Subclasses give only the channel weights w. All classes of all images run in one batch.
 */
public abstract class CamMethod implements dev.lanterne.explain.Attribution {
  /** @param relu clip the weighted sum at 0 (the published methods do; off shows negative evidence) */
  public record Options(boolean relu) {
    public static final Options DEFAULT = new Options(true);
  }

  /** Low-resolution maps and scores of one batched run, before upsampling. */
  record Maps(Targets targets, float[] scores, float[][] cams, int h, int w) {}

  protected final CamModel model;
  protected final Scoring scoring;
  private final dev.lanterne.explain.LanternModel owner;
  private final Options options;

  /** On a bare Grad-CAM session (no model object: {@link #attribute} needs explicit classes). */
  protected CamMethod(CamModel model, Scoring scoring) {
    this.model = model;
    this.scoring = scoring;
    this.owner = null;
    this.options = Options.DEFAULT;
  }

  /**
   * On a model, at a layer.
   *
   * @param layer the layer tensor, or null for the default (the map feeding the last global pooling)
   */
  protected CamMethod(dev.lanterne.explain.LanternModel model, String layer, Options options) {
    this.model = model.camGraph(layer);
    this.scoring = Scoring.of(model.card(), model.labels());
    this.owner = model;
    this.options = options;
  }

  /** Method name in titles and explanations.json. */
  public abstract String method();

  @Override
  public String name() {
    return method();
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  /** The layer whose activation this CAM weights. */
  public String layer() {
    return model.layer();
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return explain(images.tensor(), images.size(), classes, options);
  }

  /**
   * Channel weights w [channels] for one image.
   *
   * @param activation A, the image's [channels, plane] values start at offset
   * @param gradient dA, same layout
   */
  protected abstract float[] weights(float[] activation, float[] gradient, int offset, int channels, int plane);

  /**
   * @param images normalised inputs [n,C,H,W]
   * @param classes the classes to explain for each image
   * @return one explanation per (image, class), image-major; map is the CAM at the input size
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    Maps maps = lowResolution(images, n, classes, options);
    int[] chw = model.inputShape();
    List<Explanation> out = new ArrayList<>(maps.targets().size());
    for (int t = 0; t < maps.targets().size(); t++) {
      float[] map = Bilinear.resize(maps.cams()[t], maps.h(), maps.w(), chw[1], chw[2]);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("layer", model.layer());
      details.put("layout", model.layout());
      details.put("layerSize", new int[] {maps.h(), maps.w()});
      out.add(scoring.explanation(maps.targets().image(t), method(), maps.targets().classIndex(t), maps.scores(), t,
          model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}), null, details));
    }
    return out;
  }

  Maps lowResolution(float[] images, int n, int[][] classes, Options options) {
    int[] chw = model.inputShape();
    int per = chw[0] * chw[1] * chw[2];
    Inputs.check(images, n, per);
    Targets targets = Targets.of(n, classes, model.numClasses());
    CamModel.Result r = model.run(targets.repeatImages(images, per), targets.size(), targets.seed());
    int[] shape = r.activationShape();
    int channels = shape[1];
    int plane = shape[2] * shape[3];
    if (shape[0] != targets.size() || r.activation().length != targets.size() * channels * plane
        || r.activationGradient().length != r.activation().length) {
      throw new IllegalStateException("CAM model returned activation shape " + Arrays.toString(shape) + " for "
          + targets.size() + " rows");
    }
    float[][] cams = new float[targets.size()][];
    for (int t = 0; t < targets.size(); t++) {
      int off = t * channels * plane;
      float[] w = weights(r.activation(), r.activationGradient(), off, channels, plane);
      cams[t] = weightedSum(r.activation(), off, w, plane, options.relu());
    }
    return new Maps(targets, r.scores(), cams, shape[2], shape[3]);
  }

  private static float[] weightedSum(float[] a, int off, float[] w, int plane, boolean relu) {
    float[] cam = new float[plane];
    for (int k = 0; k < w.length; k++) {
      float wk = w[k];
      int base = off + k * plane;
      for (int p = 0; p < plane; p++) {
        cam[p] += wk * a[base + p];
      }
    }
    if (relu) {
      for (int p = 0; p < plane; p++) {
        cam[p] = Math.max(cam[p], 0f);
      }
    }
    return cam;
  }
}
