package dev.lanterne.lab;

import dev.lanterne.LanterneException;
import dev.lanterne.explain.LanternModel;
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

/**
 * One pretrained model of the lab: the library's {@link LanternModel} (graph, card, labels, open
 * classifier, the inversion step), with the lab's shorthands.
 */
final class LabModel implements AutoCloseable {
  private final String name;
  private final Onnx.ModelProto proto;
  private final ModelCard card;
  private final Labels labels;
  private final Classifier classifier;
  private final RuntimeOptions runtime;
  private final LanternModel model;

  private LabModel(String name, LanternModel model) {
    this.name = name;
    this.model = model;
    this.proto = model.proto();
    this.card = model.card();
    this.labels = model.labels();
    this.runtime = model.runtime();
    this.classifier = model.classifier();
  }

  /** Opens a model file with its bundled card (the inception preset at its input size if none is bundled). */
  static LabModel open(Path file, Labels labels, RuntimeOptions runtime) {
    requireFile(file, "model");
    byte[] bytes = dev.lanterne.onnx.OnnxModels.readBytes(file);
    String fileName = file.getFileName().toString();
    ModelCard card = ModelRegistry.find(OnnxModels.sha256(bytes), fileName).orElseGet(() -> {
      var dims = OnnxModels.parse(bytes, fileName).getGraph().getInput(0).getType().getTensorType().getShape()
          .getDimList();
      return ModelCard.inception((int) dims.get(2).getDimValue(), (int) dims.get(3).getDimValue());
    });
    LanternModel model = LanternModel.builder(file).card(card).labels(labels).runtime(runtime).open();
    return new LabModel(fileName.replaceFirst("\\.[^.]+$", ""), model);
  }

  String name() {
    return name;
  }

  /** The library's model, for the methods that take one (inversion, deep dream). */
  LanternModel model() {
    return model;
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
    model.close();
  }
}
