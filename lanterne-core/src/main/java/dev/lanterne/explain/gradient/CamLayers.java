package dev.lanterne.explain.gradient;

import dev.lanterne.explain.Attribution;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CAM method at several layers, averaged as pytorch-grad-cam does with several target layers:
 * each layer's map (already ReLU'd by the method) is min-max normalised to [0,1] at the input size,
 * the maps are averaged, and the mean is normalised again.
 */
public final class CamLayers implements Attribution {
  private final List<CamMethod> layers;

  /** @param layers the same method opened at each layer (at least one) */
  public CamLayers(List<? extends CamMethod> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("no layer");
    }
    this.layers = List.copyOf(layers);
  }

  @Override
  public String name() {
    return layers.get(0).name();
  }

  @Override
  public LanternModel model() {
    return layers.get(0).model();
  }

  /** The layers averaged, in order. */
  public List<String> layerNames() {
    return layers.stream().map(CamMethod::layer).toList();
  }

  @Override
  public List<Explanation> attribute(Images images, int[][] classes) {
    if (layers.size() == 1) {
      return layers.get(0).attribute(images, classes);
    }
    List<List<Explanation>> all = new ArrayList<>();
    for (CamMethod m : layers) {
      all.add(m.attribute(images, classes));
    }
    List<Explanation> out = new ArrayList<>();
    for (int t = 0; t < all.get(0).size(); t++) {
      Explanation first = all.get(0).get(t);
      float[] mean = new float[first.map().data().length];
      for (List<Explanation> layer : all) {
        float[] m = CamMethod.normalised(layer.get(t).map().data());
        for (int p = 0; p < mean.length; p++) {
          mean[p] += Math.max(m[p], 0f) / all.size();
        }
      }
      Map<String, Object> details = new LinkedHashMap<>(first.details());
      details.put("layer", String.join(",", layerNames()));
      details.remove("layerSize");
      out.add(new Explanation(first.image(), first.method(), first.classIndex(), first.label(), first.score(),
          first.probability(), new Tensor(CamMethod.normalised(mean), first.map().shape()), null, details));
    }
    return out;
  }
}
