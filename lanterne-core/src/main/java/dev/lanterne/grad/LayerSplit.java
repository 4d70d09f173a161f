package dev.lanterne.grad;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of a classifier after a layer, as a graph of its own: the layer tensor becomes a graph
 * input (its producing node is dropped) and only the nodes the scores still need are kept. When some
 * path from the image to the scores bypasses the layer (a layer inside a residual block), the image
 * stays an input too. Used by Ablation-CAM to run the network on edited activations.
 */
public final class LayerSplit {
  private LayerSplit() {}

  /**
   * The tail graph and whether it still reads the image.
   *
   * @param model the tail graph, whose inputs are the layer tensor (and the image if needed)
   * @param layer the layer tensor's name
   * @param needsImage whether some path to the scores bypasses the layer, so the image is an input too
   * @param image the image input's name
   */
  public record Tail(Onnx.ModelProto model, String layer, boolean needsImage, String image) {}

  /**
   * The part of a classifier after a layer.
   *
   * @param model a classifier (any batch; a batch of 1 is made dynamic where possible)
   * @param layer the layer tensor, or null for the default CAM layer
   */
  public static Tail tail(Onnx.ModelProto model, String layer) {
    GradientCompiler.Prepared p = GradientCompiler.prepare(model);
    String l = layer != null ? layer : p.defaultLayer();
    if (!p.shapes().has(l)) {
      throw LanterneException.usage("layer", "the model has no tensor named '" + l
          + "'; list the candidates with 'lanterne layers'");
    }
    if (!p.paths().onPath(l)) {
      throw LanterneException.usage("layer", "tensor '" + l + "' does not lie on a path from the input to the scores;"
          + " pick another layer (see 'lanterne layers')");
    }
    Onnx.GraphProto g = p.model().getGraph();
    List<Onnx.NodeProto> nodes = TopologicalOrder.sort(g);
    Set<String> needed = new HashSet<>(Set.of(p.output()));
    List<Onnx.NodeProto> kept = new ArrayList<>();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Onnx.NodeProto n = nodes.get(i);
      boolean used = n.getOutputList().stream().anyMatch(needed::contains);
      if (!used) {
        continue;
      }
      if (n.getOutputList().contains(l)) {
        for (String o : n.getOutputList()) {
          if (!o.equals(l) && needed.contains(o)) {
            throw LanterneException.usage("layer", "layer '" + l + "' is one output of node '" + n.getName()
                + "' whose other outputs the scores also read; pick another layer");
          }
        }
        continue;
      }
      kept.add(0, n);
      needed.addAll(n.getInputList());
    }
    boolean needsImage = !l.equals(p.input()) && needed.contains(p.input());
    Onnx.GraphProto.Builder tail = g.toBuilder().clearNode().addAllNode(kept).clearInput();
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!v.getName().equals(p.input()) || needsImage) {
        tail.addInput(v);
      }
    }
    tail.addInput(GradientCompiler.valueInfo(l, p.shapes().dims(l), p.shapes().followsBatch(l)));
    // drop the initializers the tail no longer reads (keeps the session small)
    List<Onnx.TensorProto> inits = new ArrayList<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      if (needed.contains(t.getName())) {
        inits.add(t);
      }
    }
    tail.clearInitializer().addAllInitializer(inits);
    List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
    for (Onnx.ValueInfoProto v : tail.getInputList()) {
      if (needed.contains(v.getName()) || v.getName().equals(l)
          || g.getInitializerList().stream().noneMatch(t -> t.getName().equals(v.getName()))) {
        inputs.add(v);
      }
    }
    tail.clearInput().addAllInput(inputs);
    return new Tail(p.model().toBuilder().setGraph(tail).build(), l, needsImage, p.input());
  }
}
