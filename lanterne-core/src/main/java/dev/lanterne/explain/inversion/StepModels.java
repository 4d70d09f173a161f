package dev.lanterne.explain.inversion;

import dev.lanterne.explain.LanternModel;
import dev.lanterne.grad.Variant;
import dev.lanterne.runtime.InversionModel;

/**
 * The inversion step of a model, as its sessions: the compiled graph (with the layer column appended
 * when a layer is climbed), or finite differences when the model uses them. Owned by the model.
 */
final class StepModels {
  private StepModels() {}

  /**
   * @param normalize whether the graph's own update divides the gradient by its per-image mean |g|
   *     (only plain SGD uses that update)
   * @param target the layer column, if any, is appended to the graph
   */
  static InversionModel of(LanternModel model, boolean normalize, InversionTarget target) {
    String layer = target.layer();
    String key = "inversion/" + normalize + "/" + (layer == null ? "" : layer + "/" + target.unit());
    if (model.usesFiniteDifferences()) {
      if (layer == null) {
        return model.derivedSession(key + "/fd",
            () -> GradientInversionModel.borrowing(model.saliencyGraph(Variant.STANDARD), normalize));
      }
      return model.derivedSession(key + "/fd", () -> InversionModels.finiteDifferences(bytes(model, target),
          model.name(), normalize, model.runtime(), model.finiteDifferenceOptions()));
    }
    if (layer == null && normalize) {
      return model.inversionGraph();
    }
    return model.derivedSession(key, () -> InversionModels.compile(layer == null ? model.proto().toByteArray()
        : bytes(model, target), normalize, model.runtime()));
  }

  private static byte[] bytes(LanternModel model, InversionTarget target) {
    byte[] plain = model.proto().toByteArray();
    return target.layer() == null ? plain
        : LayerObjective.append(plain, target.layer(), model.inputShape(), target.unit());
  }
}
