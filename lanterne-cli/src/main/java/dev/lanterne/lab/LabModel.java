package dev.lanterne.lab;

import dev.lanterne.LanterneException;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.metrics.DeletionInsertion;
import dev.lanterne.model.Labels;
import dev.lanterne.model.ModelCard;
import dev.lanterne.model.ModelRegistry;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Path;

/** One pretrained model of the lab: its bytes, graph, card, labels and an open classifier. */
final class LabModel implements AutoCloseable {
  private final String name;
  private final byte[] bytes;
  private final Onnx.ModelProto proto;
  private final ModelCard card;
  private final Labels labels;
  private final Classifier classifier;
  private final RuntimeOptions runtime;

  private LabModel(String name, byte[] bytes, Onnx.ModelProto proto, ModelCard card, Labels labels,
      RuntimeOptions runtime) {
    this.name = name;
    this.bytes = bytes;
    this.proto = proto;
    this.card = card;
    this.labels = labels;
    this.runtime = runtime;
    this.classifier = Classifier.open(bytes, name, runtime);
  }

  /** Opens a model file with its bundled card (the inception preset at its input size if none is bundled). */
  static LabModel open(Path file, Labels labels, RuntimeOptions runtime) {
    requireFile(file, "model");
    byte[] bytes = dev.lanterne.onnx.OnnxModels.readBytes(file);
    String fileName = file.getFileName().toString();
    Onnx.ModelProto proto = OnnxModels.parse(bytes, fileName);
    ModelCard card = ModelRegistry.find(OnnxModels.sha256(bytes), fileName).orElseGet(() -> {
      var dims = proto.getGraph().getInput(0).getType().getTensorType().getShape().getDimList();
      return ModelCard.inception((int) dims.get(2).getDimValue(), (int) dims.get(3).getDimValue());
    });
    return new LabModel(fileName.replaceFirst("\\.[^.]+$", ""), bytes, proto, card, labels, runtime);
  }

  String name() {
    return name;
  }

  byte[] bytes() {
    return bytes;
  }

  Onnx.ModelProto proto() {
    return proto;
  }

  ModelCard card() {
    return card;
  }

  Labels labels() {
    return labels;
  }

  Classifier classifier() {
    return classifier;
  }

  RuntimeOptions runtime() {
    return runtime;
  }

  /** {channels, height, width} of one input. */
  int[] chw() {
    return classifier.inputShape();
  }

  Preprocessor preprocessor() {
    return Preprocessor.forCard(card);
  }

  Preprocessor.Prepared prepare(Path image) {
    return preprocessor().prepare(image);
  }

  /** Softmax probabilities [K] of one normalised input. */
  float[] probabilities(float[] tensor) {
    float[] raw = classifier.run(tensor, 1);
    return card.outputsProbabilities() ? raw.clone() : dev.lanterne.tensor.Softmax.of(raw, 0, raw.length);
  }

  /** The deletion/insertion games (black deletion, blurred insertion), on this model. */
  DeletionInsertion curves(int pixelsPerStep) {
    return DeletionInsertion.of(classifier::run, chw(), card,
        DeletionInsertion.Settings.DEFAULTS.withPixelsPerStep(pixelsPerStep).withBatch(runtime.maxBatch()));
  }

  String label(int c) {
    return labels.get(c);
  }

  static void requireFile(Path file, String what) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw new LanterneException(what + " " + file + " is missing; the lab needs the shared data folder"
          + " (pass --shared DIR)");
    }
  }

  @Override
  public void close() {
    classifier.close();
  }
}
