package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;

/**
 * Score-CAM (Wang et al. 2020): each channel of the layer, upsampled to the input size and min-max
 * normalised to [0,1], masks the (normalised) input; the channel's weight is the softmax probability
 * of the class for that masked input, as the paper's Algorithm 1 ({@code S = Softmax(f(X o H_k))},
 * the baseline's constant term dropped). The masked inputs run through the classifier in batches of
 * the runtime's largest batch. No gradient is used.
 *
 * <p>pytorch-grad-cam deviates from the paper: it takes the raw target score (the logit) of each
 * masked input and applies the softmax across the channels, not across the classes; and it
 * upsamples with {@code align_corners=True} (here: the same bilinear resize as every CAM,
 * {@code align_corners=False}). Channels whose activation is constant give an all-zero mask.
 */
public final class ScoreCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "scorecam";

  /** At the model's default layer (the map feeding the last global pooling). */
  public ScoreCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public ScoreCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public ScoreCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] weights(LayerValues v) {
    if (owner == null) {
      throw new LanterneException("Score-CAM runs the classifier: open it on a LanternModel");
    }
    int[] chw = owner.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    int classes = owner.numClasses();
    int chunk = Math.max(1, Math.min(v.channels(), owner.runtime().maxBatch()));
    float[] w = new float[v.channels()];
    for (int start = 0; start < v.channels(); start += chunk) {
      int m = Math.min(chunk, v.channels() - start);
      float[] batch = new float[m * per];
      for (int j = 0; j < m; j++) {
        int k = start + j;
        float[] low = java.util.Arrays.copyOfRange(v.activation(), v.offset() + k * v.plane(),
            v.offset() + (k + 1) * v.plane());
        float[] mask = normalised(Bilinear.resize(low, v.h(), v.w(), chw[1], chw[2]));
        for (int c = 0; c < chw[0]; c++) {
          for (int p = 0; p < plane; p++) {
            batch[j * per + c * plane + p] = v.input()[v.inputOffset() + c * plane + p] * mask[p];
          }
        }
      }
      float[] prob = owner.probabilities(owner.scores(batch, m), m);
      for (int j = 0; j < m; j++) {
        w[start + j] = prob[j * classes + v.classIndex()];
      }
    }
    return w;
  }
}
