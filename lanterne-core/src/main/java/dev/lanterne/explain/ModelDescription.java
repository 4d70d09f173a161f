package dev.lanterne.explain;

import dev.lanterne.image.Normalization;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Path;

/**
 * A model file resolved but not opened: the parsed graph, its card and labels, and the runtime
 * options, from {@link LanternModel.Builder#describe()}. Cheap to pass around; {@link #open()} opens it.
 *
 * @param path the model file
 * @param name the file name without extension
 * @param sha256 SHA-256 of the file
 * @param proto the parsed model (external data inlined)
 * @param card preprocessing and output reading
 * @param labels class labels
 * @param channels input channels
 * @param runtime device, threads, largest batch
 */
public record ModelDescription(Path path, String name, String sha256, Onnx.ModelProto proto, ModelCard card,
    Labels labels, int channels, RuntimeOptions runtime) {
  /** Opens a plain classifier session on this model (the caller closes it). */
  public Classifier openClassifier() {
    return Classifier.open(proto.toByteArray(), path.getFileName().toString(), runtime);
  }

  /** The card's preprocessing. */
  public Preprocessor preprocessor() {
    return Preprocessor.forCard(card);
  }

  /** The card's normalisation. */
  public Normalization normalization() {
    return Normalization.of(card, channels);
  }

  /** {channels, height, width} of one input. */
  public int[] inputShape() {
    return new int[] {channels, card.height(), card.width()};
  }

  /** Opens the model object on this description. */
  public LanternModel open() {
    return LanternModel.open(this, dev.lanterne.grad.GraphCache.defaultDir());
  }
}
