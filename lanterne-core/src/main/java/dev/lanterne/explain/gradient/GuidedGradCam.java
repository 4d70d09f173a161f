package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Explanation;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.runtime.GradientModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): the guided-backpropagation input gradient multiplied
 * pixel-wise by the upsampled Grad-CAM map. The gradient model must be the guided-backpropagation
 * graph (ReLU backward passes only positive gradients at positive inputs).
 */
public final class GuidedGradCam implements dev.lanterne.explain.Attribution {
  private final GradCam gradCam;
  private final GradientModel guided;
  private final Scoring scoring;

  private final dev.lanterne.explain.LanternModel owner;

  /** On bare sessions: the Grad-CAM graph and the guided-backpropagation saliency graph. */
  public GuidedGradCam(CamModel cam, GradientModel guided, Scoring scoring) {
    this.gradCam = new GradCam(cam, scoring);
    this.guided = guided;
    this.scoring = scoring;
    this.owner = null;
  }

  /** On a model, at a layer (null: the default). */
  public GuidedGradCam(dev.lanterne.explain.LanternModel model, String layer) {
    this.gradCam = new GradCam(model, layer);
    this.guided = model.saliencyGraph(dev.lanterne.grad.Variant.GUIDED);
    this.scoring = Scoring.of(model.card(), model.labels());
    this.owner = model;
  }

  /** The method name in titles and explanations.json. */
  public static final String METHOD = "guided-gradcam";

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return explain(images.tensor(), images.size(), classes, CamMethod.Options.DEFAULT);
  }

  /**
   * @return one explanation per (image, class); raw is guided gradient x CAM [C,H,W], map its
   *     largest magnitude over the channels
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, CamMethod.Options options) {
    List<Explanation> cams = gradCam.explain(images, n, classes, options);
    int[] chw = guided.inputShape();
    int plane = chw[1] * chw[2];
    int per = chw[0] * plane;
    Targets targets = Targets.of(n, classes, guided.numClasses());
    GradientModel.Result r = guided.gradient(targets.repeatImages(images, per), targets.size(), targets.seed());
    float[] g = r.inputGradient();
    List<Explanation> out = new ArrayList<>(targets.size());
    for (int t = 0; t < targets.size(); t++) {
      float[] cam = cams.get(t).map().data();
      float[] raw = new float[per];
      for (int c = 0; c < chw[0]; c++) {
        int off = t * per + c * plane;
        for (int p = 0; p < plane; p++) {
          raw[c * plane + p] = g[off + p] * cam[p];
        }
      }
      float[] map = ChannelReduction.MAX.reduce(raw, 0, chw[0], plane, false);
      Map<String, Object> details = new LinkedHashMap<>(cams.get(t).details());
      out.add(scoring.explanation(targets.image(t), "guided-gradcam", targets.classIndex(t), r.scores(), t,
          guided.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}), new Tensor(raw, chw.clone()), details));
    }
    return out;
  }
}
