package dev.lanterne.explain.inversion;

import dev.lanterne.LanterneException;
import dev.lanterne.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the optimised images climb: one image per class (its pre-softmax score or log-probability),
 * and one more for a layer unit when a layer is given ({@link LayerObjective}: the layer's energy, a
 * channel's mean or a neuron). Immutable.
 *
 * @param classes the target classes, one image each (may be empty when a layer is given)
 * @param layer the tensor whose unit one extra image climbs, or null
 * @param unit what of the layer is climbed (ignored without a layer)
 */
public record InversionTarget(int[] classes, String layer, LayerObjective.Unit unit) {
  /** Copies the classes; a target names at least one class or a layer. */
  public InversionTarget {
    classes = classes == null ? new int[0] : classes.clone();
    unit = unit == null ? LayerObjective.Unit.L2 : unit;
    if (classes.length == 0 && layer == null) {
      throw LanterneException.usage("name at least one class (or a layer) to optimise");
    }
  }

  /** One image per class. */
  public static InversionTarget classes(int... classIndices) {
    return new InversionTarget(classIndices, null, null);
  }

  /** One image climbing a unit of a layer. */
  public static InversionTarget layer(String layer, LayerObjective.Unit unit) {
    return new InversionTarget(new int[0], layer, unit);
  }

  /** These classes and, in one more image, a unit of a layer. */
  public InversionTarget andLayer(String layerName, LayerObjective.Unit layerUnit) {
    return new InversionTarget(classes, layerName, layerUnit);
  }

  @Override
  public int[] classes() {
    return classes.clone();
  }

  /** The number of optimised images. */
  public int count() {
    return classes.length + (layer != null ? 1 : 0);
  }

  /**
   * The output column each image climbs: the classes, then K (the appended layer column) for a layer.
   *
   * @throws LanterneException (usage) for a class out of range
   */
  public int[] columns(int numClasses) {
    for (int c : classes) {
      if (c < 0 || c >= numClasses) {
        throw LanterneException.usage("class " + c + " is out of range; the model has classes 0 to "
            + (numClasses - 1));
      }
    }
    int[] out = Arrays.copyOf(classes, count());
    if (layer != null) {
      out[classes.length] = numClasses;
    }
    return out;
  }

  /** One name per image for titles and file names: "130 flamingo", and "layer NAME UNIT". */
  public List<String> names(Labels labels) {
    List<String> out = new ArrayList<>();
    for (int c : classes) {
      out.add(InversionOutputs.name(c, labels));
    }
    if (layer != null) {
      out.add("layer " + layer + " " + unit);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InversionTarget t && Arrays.equals(classes, t.classes)
        && java.util.Objects.equals(layer, t.layer) && unit.equals(t.unit);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(classes) + java.util.Objects.hash(layer, unit);
  }

  @Override
  public String toString() {
    return "InversionTarget" + Arrays.toString(classes) + (layer == null ? "" : " + layer " + layer + " " + unit);
  }
}
