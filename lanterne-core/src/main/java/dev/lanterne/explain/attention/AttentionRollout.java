package dev.lanterne.explain.attention;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.gradient.Bilinear;
import dev.lanterne.explain.gradient.Scoring;
import dev.lanterne.explain.gradient.Targets;
import dev.lanterne.runtime.AttentionModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attention rollout (Abnar and Zuidema 2020) and, when {@link Options#gradientWeighted} is set,
 * gradient-weighted rollout (Chefer, Gur and Wolf 2021): how much each patch flows into the class
 * token through every block's attention, read from the class token's row and resized bilinearly to
 * the input. Plain rollout does not depend on the class; the gradient-weighted one does.
 */
public final class AttentionRollout implements dev.lanterne.explain.Attribution {
  /**
   * Which rollout.
   *
   * @param gradientWeighted weight each head by its gradient (Chefer) instead of averaging the raw attention
   * @param fusion how plain rollout combines heads
   */
  public record Options(boolean gradientWeighted, Rollout.HeadFusion fusion) {
    /** Plain rollout, heads averaged. */
    public static final Options ROLLOUT = new Options(false, Rollout.HeadFusion.MEAN);
    /** Gradient-weighted rollout. */
    public static final Options GRADIENT_WEIGHTED = new Options(true, Rollout.HeadFusion.MEAN);

    /** A null fusion means the mean over heads. */
    public Options {
      if (fusion == null) {
        fusion = Rollout.HeadFusion.MEAN;
      }
    }

    /** The method name in titles and explanations.json. */
    public String method() {
      return gradientWeighted ? "grad-rollout" : "rollout";
    }
  }

  private final AttentionModel model;
  private final Scoring scoring;
  private final dev.lanterne.explain.LanternModel owner;
  private final Options options;

  /** @param model the attention graph (with gradients for the gradient-weighted variant) */
  public AttentionRollout(AttentionModel model, Scoring scoring) {
    this.model = model;
    this.scoring = scoring;
    this.owner = null;
    this.options = Options.ROLLOUT;
  }

  /** On a ViT-like model: its attention graph is built on first use (with gradients when the options ask). */
  public AttentionRollout(dev.lanterne.explain.LanternModel model, Options options) {
    this.model = model.attentionGraph(options.gradientWeighted());
    this.scoring = Scoring.of(model.card(), model.labels());
    this.owner = model;
    this.options = options;
  }

  @Override
  public String name() {
    return options.method();
  }

  @Override
  public dev.lanterne.explain.LanternModel model() {
    return owner;
  }

  @Override
  public List<Explanation> attribute(dev.lanterne.explain.Images images, int[][] classes) {
    return explain(images.tensor(), images.size(), classes, options);
  }

  /**
   * @param images normalised inputs [n,C,H,W]
   * @param classes the classes to explain for each image
   * @return one explanation per (image, class), image-major; map at the input size
   */
  public List<Explanation> explain(float[] images, int n, int[][] classes, Options options) {
    if (options.gradientWeighted() && !model.hasGradients()) {
      throw new IllegalArgumentException("gradient-weighted rollout needs an attention graph with gradients");
    }
    int[] chw = model.inputShape();
    int per = chw[0] * chw[1] * chw[2];
    if (images.length != n * per) {
      throw new IllegalArgumentException("expected " + n * per + " input values, got " + images.length);
    }
    Targets targets = Targets.of(n, classes, model.numClasses());
    int tokens = model.tokens();
    int heads = model.heads();
    Rollout.Grid grid = Rollout.Grid.of(tokens, chw[1], chw[2]);
    AttentionModel.Result r = model.run(targets.repeatImages(images, per), targets.size(), targets.seed());
    List<Explanation> out = new ArrayList<>(targets.size());
    for (int t = 0; t < targets.size(); t++) {
      List<double[]> blocks = new ArrayList<>();
      for (int b = 0; b < r.attention().length; b++) {
        blocks.add(options.gradientWeighted()
            ? Rollout.gradientWeighted(r.attention()[b], r.gradients()[b], t, heads, tokens)
            : Rollout.fuse(r.attention()[b], t, heads, tokens, options.fusion()));
      }
      double[] rolled = options.gradientWeighted() ? Rollout.relevance(blocks, tokens)
          : Rollout.rollout(blocks, tokens);
      float[] small = Rollout.patchMap(rolled, tokens, grid);
      float[] map = Bilinear.resize(small, grid.height(), grid.width(), chw[1], chw[2]);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("blocks", r.attention().length);
      details.put("heads", heads);
      details.put("tokens", tokens);
      details.put("grid", new int[] {grid.height(), grid.width()});
      if (!options.gradientWeighted()) {
        details.put("headFusion", options.fusion().name().toLowerCase(java.util.Locale.ROOT));
      }
      out.add(scoring.explanation(targets.image(t), options.method(), targets.classIndex(t), r.scores(), t,
          model.numClasses(), new Tensor(map, new int[] {chw[1], chw[2]}), null, details));
    }
    return out;
  }
}
