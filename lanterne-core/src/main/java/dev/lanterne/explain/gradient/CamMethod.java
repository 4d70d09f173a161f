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
 * size. Subclasses give only their weighting rule: the channel weights w, or (element-wise methods)
 * the per-channel contributions. All classes of all images run in one batch. Options add
 * pytorch-grad-cam's {@code aug_smooth} and {@code eigen_smooth}.
 */
public abstract class CamMethod implements dev.lanterne.explain.Attribution {
  /**
   * @param relu clip the weighted sum at 0 (the published methods do; off shows negative evidence)
   * @param augSmooth pytorch-grad-cam's {@code aug_smooth}: test-time augmentation (horizontal flip x
   *     input multiplied by 0.9, 1, 1.1, as its ttach transforms), each map min-max normalised at the
   *     input size, flipped back and averaged; all six augmentations run in one batch
   * @param eigenSmooth pytorch-grad-cam's {@code eigen_smooth}: the map is the first principal
   *     component of the per-channel contributions (w_k A_k, or the element-wise products) over the
   *     positions instead of their sum
   */
  public record Options(boolean relu, boolean augSmooth, boolean eigenSmooth) {
    /** ReLU on, no smoothing: the published methods. */
    public static final Options DEFAULT = new Options(true, false, false);

    /** Only the ReLU choice; no smoothing. */
    public Options(boolean relu) {
      this(relu, false, false);
    }

    /** With or without test-time augmentation. */
    public Options withAugSmooth(boolean a) {
      return new Options(relu, a, eigenSmooth);
    }

    /** With or without the principal-component map. */
    public Options withEigenSmooth(boolean e) {
      return new Options(relu, augSmooth, e);
    }

    /** With or without the final ReLU. */
    public Options withRelu(boolean r) {
      return new Options(r, augSmooth, eigenSmooth);
    }
  }

  /**
   * The values a CAM rule may read for one (image, class) target.
   *
   * @param activation A of the whole batch; this target's [channels, h, w] values start at offset
   * @param gradient dA, same layout
   * @param offset start of this target's values
   * @param channels channels of A
   * @param h height of A
   * @param w width of A
   * @param input the normalised input batch the CAM graph ran on ([targets, C, H, W])
   * @param inputOffset start of this target's input image
   * @param classIndex the explained class
   * @param score the class score of the unperturbed input
   */
  public record LayerValues(float[] activation, float[] gradient, int offset, int channels, int h, int w,
      float[] input, int inputOffset, int classIndex, float score) {
    /** Positions per channel, h * w. */
    public int plane() {
      return h * w;
    }
  }

  /** Low-resolution maps and scores of one batched run, before upsampling. */
  record Maps(Targets targets, float[] scores, float[][] cams, int h, int w) {}

  /** The Grad-CAM session: scores, the layer's activation and its gradient. */
  protected final CamModel model;
  /** Turns score rows into the explanations' score, probability and label. */
  protected final Scoring scoring;
  /** The model this method was opened on (null on a bare session): methods that run it read it. */
  protected final dev.lanterne.explain.LanternModel owner;
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
  protected float[] weights(float[] activation, float[] gradient, int offset, int channels, int plane) {
    throw new UnsupportedOperationException(method() + " has no per-channel weights");
  }

  /**
   * Channel weights w for one target; by default {@link #weights(float[], float[], int, int, int)},
   * which sees only A and dA. Methods that run the model (Score-CAM, Ablation-CAM) override this.
   */
  protected float[] weights(LayerValues v) {
    return weights(v.activation(), v.gradient(), v.offset(), v.channels(), v.plane());
  }

  /**
   * The per-channel contributions [channels * plane] whose sum over channels is the map (before the
   * ReLU): by default {@code w_k A_k}; element-wise methods (HiResCAM, LayerCAM) override this.
   */
  protected float[] contributions(LayerValues v) {
    float[] w = weights(v);
    int plane = v.plane();
    float[] out = new float[v.channels() * plane];
    float[] a = v.activation();
    for (int k = 0; k < v.channels(); k++) {
      float wk = w[k];
      int base = v.offset() + k * plane;
      for (int p = 0; p < plane; p++) {
        out[k * plane + p] = wk * a[base + p];
      }
    }
    return out;
  }

  /** Whether the map is always the first principal component of the contributions (EigenCAM). */
  protected boolean alwaysProjects() {
    return false;
  }

  /**
   * @param images normalised inputs [n,C,H,W]
   * @param classes the classes to explain for each image
   * @return one explanation per (image, class), image-major; map is the CAM at the input size
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    if (options.augSmooth()) {
      return augmented(images, n, classes, options);
    }
    Maps maps = lowResolution(images, n, classes, options);
    int[] chw = model.inputShape();
    List<Explanation> out = new ArrayList<>(maps.targets().size());
    for (int t = 0; t < maps.targets().size(); t++) {
      float[] map = Bilinear.resize(maps.cams()[t], maps.h(), maps.w(), chw[1], chw[2]);
      out.add(scoring.explanation(maps.targets().image(t), method(), maps.targets().classIndex(t), maps.scores(), t,
          model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}), null, details(maps, options)));
    }
    return out;
  }

  private Map<String, Object> details(Maps maps, Options options) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("layer", model.layer());
    details.put("layout", model.layout());
    details.put("layerSize", new int[] {maps.h(), maps.w()});
    if (options.augSmooth()) {
      details.put("augSmooth", "hflip x multiply 0.9/1/1.1, each map min-max normalised");
    }
    if (options.eigenSmooth() || alwaysProjects()) {
      details.put("eigenSmooth", true);
    }
    return details;
  }

  /** Input multipliers of the test-time augmentation (ttach's Multiply, as pytorch-grad-cam). */
  static final float[] AUG_FACTORS = {0.9f, 1f, 1.1f};

  private List<Explanation> augmented(float[] images, int n, int[][] classes, Options options) {
    int[] chw = model.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    Inputs.check(images, n, per);
    int augs = 2 * AUG_FACTORS.length;
    float[] x = new float[augs * n * per];
    int[][] cls = new int[augs * n][];
    for (int a = 0; a < augs; a++) {
      boolean flip = a >= AUG_FACTORS.length;
      float factor = AUG_FACTORS[a % AUG_FACTORS.length];
      for (int i = 0; i < n; i++) {
        int dst = (a * n + i) * per;
        for (int c = 0; c < chw[0]; c++) {
          for (int y = 0; y < chw[1]; y++) {
            for (int xx = 0; xx < chw[2]; xx++) {
              int sx = flip ? chw[2] - 1 - xx : xx;
              x[dst + c * plane + y * chw[2] + xx] = factor * images[i * per + c * plane + y * chw[2] + sx];
            }
          }
        }
        cls[a * n + i] = classes[i];
      }
    }
    Maps maps = lowResolution(x, augs * n, cls, options.withAugSmooth(false));
    int targetsPerAug = maps.targets().size() / augs;
    int identity = 1; // factor 1, no flip: the unperturbed image's scores
    List<Explanation> out = new ArrayList<>(targetsPerAug);
    for (int t = 0; t < targetsPerAug; t++) {
      float[] mean = new float[plane];
      for (int a = 0; a < augs; a++) {
        int ta = a * targetsPerAug + t;
        float[] map = normalised(Bilinear.resize(maps.cams()[ta], maps.h(), maps.w(), chw[1], chw[2]));
        boolean flip = a >= AUG_FACTORS.length;
        for (int y = 0; y < chw[1]; y++) {
          for (int xx = 0; xx < chw[2]; xx++) {
            mean[y * chw[2] + xx] += map[y * chw[2] + (flip ? chw[2] - 1 - xx : xx)] / augs;
          }
        }
      }
      int row = identity * targetsPerAug + t;
      out.add(scoring.explanation(maps.targets().image(t), method(), maps.targets().classIndex(t), maps.scores(), row,
          model.numClasses(), new Tensor(mean, new int[] {chw[1], chw[2]}), null, details(maps, options)));
    }
    return out;
  }

  /** Min-max normalised to [0,1] (all zeros when constant), as pytorch-grad-cam's scale_cam_image. */
  static float[] normalised(float[] map) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float[] out = new float[map.length];
    if (hi > lo) {
      for (int i = 0; i < map.length; i++) {
        out[i] = (map[i] - lo) / (hi - lo);
      }
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
    float[] x = targets.repeatImages(images, per);
    float[][] cams = new float[targets.size()][];
    for (int t = 0; t < targets.size(); t++) {
      int off = t * channels * plane;
      int k = targets.classIndex(t);
      LayerValues v = new LayerValues(r.activation(), r.activationGradient(), off, channels, shape[2], shape[3], x,
          t * per, k, r.scores()[t * model.numClasses() + k]);
      float[] parts = contributions(v);
      cams[t] = options.eigenSmooth() || alwaysProjects()
          ? PrincipalComponent.projection(parts, channels, plane)
          : channelSum(parts, channels, plane);
      if (options.relu()) {
        relu(cams[t]);
      }
    }
    return new Maps(targets, r.scores(), cams, shape[2], shape[3]);
  }

  private static float[] channelSum(float[] parts, int channels, int plane) {
    float[] cam = new float[plane];
    for (int k = 0; k < channels; k++) {
      int base = k * plane;
      for (int p = 0; p < plane; p++) {
        cam[p] += parts[base + p];
      }
    }
    return cam;
  }

  private static void relu(float[] cam) {
    for (int p = 0; p < cam.length; p++) {
      cam[p] = Math.max(cam[p], 0f);
    }
  }
}
