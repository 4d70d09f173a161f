package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.grad.LayerSplit;
import dev.lanterne.grad.LayerTailSession;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020): channel k's weight is the relative drop of the class score
 * when the channel is set to zero, {@code w_k = (y - y_k) / y}. The network is split at the layer
 * (the layer becomes an input of the rest of the graph, {@link LayerSplit}), so each ablation costs
 * only the layers after it; the ablated activations run in batches of the runtime's largest batch.
 * A score of exactly 0 leaves the drop unnormalised.
 *
 * <p>pytorch-grad-cam's {@code AblationCAM} writes a large negative value (the minimum minus 1e7)
 * instead of 0, so that a ReLU after a pre-activation layer zeroes it; at the usual layers (outputs
 * of a ReLU block) both are the same ablation.
 */
public final class AblationCam extends CamMethod {
  /** The method name in titles and explanations.json. */
  public static final String METHOD = "ablationcam";
  private static final int CHANNELS_PER_BATCH = 64;

  /** At the model's default layer (the map feeding the last global pooling). */
  public AblationCam(LanternModel model) {
    this(model, null);
  }

  /** At a layer (null: the default). */
  public AblationCam(LanternModel model, String layer) {
    this(model, layer, Options.DEFAULT);
  }

  /** At a layer, with options. */
  public AblationCam(LanternModel model, String layer, Options options) {
    super(model, layer, options);
  }

  @Override
  public String method() {
    return METHOD;
  }

  @Override
  protected float[] weights(LayerValues v) {
    if (owner == null) {
      throw new LanterneException("Ablation-CAM runs the classifier: open it on a LanternModel");
    }
    String layer = layer();
    LayerTailSession tail = owner.derivedSession("layer-tail/" + layer,
        () -> new LayerTailSession(LayerSplit.tail(owner.proto(), layer), owner.runtime()));
    int size = v.channels() * v.plane();
    int per = v.input().length / (v.activation().length / size);
    int classes = owner.numClasses();
    float[] w = new float[v.channels()];
    for (int start = 0; start < v.channels(); start += CHANNELS_PER_BATCH) {
      int m = Math.min(CHANNELS_PER_BATCH, v.channels() - start);
      float[] batch = new float[m * size];
      float[] images = tail.needsImage() ? new float[m * per] : null;
      for (int j = 0; j < m; j++) {
        System.arraycopy(v.activation(), v.offset(), batch, j * size, size);
        java.util.Arrays.fill(batch, j * size + (start + j) * v.plane(), j * size + (start + j + 1) * v.plane(), 0f);
        if (images != null) {
          System.arraycopy(v.input(), v.inputOffset(), images, j * per, per);
        }
      }
      float[] scores = tail.scores(batch, images, m);
      for (int j = 0; j < m; j++) {
        float drop = v.score() - scores[j * classes + v.classIndex()];
        w[start + j] = v.score() == 0 ? drop : drop / v.score();
      }
    }
    return w;
  }
}
