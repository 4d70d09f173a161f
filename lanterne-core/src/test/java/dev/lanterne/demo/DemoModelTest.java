package dev.lanterne.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.model.ModelCard;
import dev.lanterne.model.ModelRegistry;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.runtime.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed demo model (onnx/demo), checked against freshly generated pictures it never saw. */
class DemoModelTest {
  private static final Path DIR = Path.of("onnx", "demo");
  private static final Path MODEL = DIR.resolve("shapes.onnx");
  private static final Path CARD = DIR.resolve("shapes.card.json");
  /** Set seeds 1 and 2 are the training and test sets of tools/train_demo.sh; this one is new. */
  private static final long FRESH_SET = 2024;
  private static final int PICTURES = 300;
  private static final Set<String> GRADIENT_FRIENDLY_OPS =
      Set.of("Conv", "Relu", "MaxPool", "BatchNormalization", "Add", "GlobalAveragePool", "Flatten", "Gemm");

  private static ModelCard card;
  private static Classifier classifier;

  @BeforeAll
  static void open() {
    card = ModelCard.read(CARD);
    classifier = Classifier.open(MODEL, RuntimeOptions.DEFAULT.withThreads(1));
  }

  @AfterAll
  static void close() {
    classifier.close();
  }

  @Test
  void cardDescribesTheCommittedFile() throws Exception {
    byte[] bytes = Files.readAllBytes(MODEL);
    assertTrue(bytes.length < 1 << 20, "demo model stays under 1 MB: " + bytes.length);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(sha, card.sha256(), "card sha256 matches shapes.onnx; retrain with tools/train_demo.sh");
    assertEquals("shapes.onnx", card.file());
    assertArrayEquals(new int[] {Shapes.DEFAULT_SIZE, Shapes.DEFAULT_SIZE}, card.inputSize());
    assertEquals(Shapes.DEFAULT_SIZE, card.resizeShorter(), "a generated picture passes resizing unchanged");
    assertEquals(ShapeKind.labels(), Files.readAllLines(DIR.resolve(card.labels())));
    assertEquals("logits", card.output());
  }

  @Test
  void theJarBundlesTheModelAndItsCard() throws Exception {
    ModelCard bundled = ModelRegistry.find(card.sha256(), "shapes.onnx").orElseThrow();
    assertEquals("shapes", bundled.name(), "lanterne finds the demo model's card by its SHA-256");
    assertArrayEquals(Files.readAllBytes(MODEL), ModelRegistry.readResource("demo/shapes.onnx"));
  }

  @Test
  void graphUsesOnlyOperatorsTheGradientCompilerHandles() throws Exception {
    Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(MODEL));
    Set<String> ops = new TreeSet<>();
    model.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
    assertTrue(GRADIENT_FRIENDLY_OPS.containsAll(ops), ops.toString());
    assertEquals(13, model.getOpsetImport(0).getVersion());
    assertEquals("input", model.getGraph().getInput(0).getName());
    assertEquals("logits", model.getGraph().getOutput(0).getName());
    assertTrue(classifier.batched(), "dynamic batch axis");
    assertEquals(ShapeKind.values().length, classifier.numClasses());
  }

  @Test
  void classifiesFreshPicturesAsAccuratelyAsClaimed() {
    List<ShapeSample> set = new Shapes().samples(FRESH_SET, PICTURES);
    double accuracy = accuracy(set, true);
    System.out.printf("demo model: top-1 accuracy %.3f on %d fresh pictures%n", accuracy, PICTURES);
    // tools/train_demo.py reports its held-out accuracy; allow a margin for a different sample
    assertTrue(accuracy >= 0.95, "accuracy on fresh pictures " + accuracy);
  }

  @Test
  void withoutTheObjectThePredictionIsNoBetterThanAGuess() {
    List<ShapeSample> set = new Shapes().samples(FRESH_SET, PICTURES);
    double accuracy = accuracy(set, false);
    System.out.printf("demo model: top-1 accuracy %.3f on the same pictures without objects%n", accuracy);
    // six classes: chance is 1/6; the model must look at the object, not at the background
    assertTrue(accuracy < 0.35, "accuracy on backgrounds alone " + accuracy);
  }

  /** Top-1 accuracy on the set, rendered with or without its objects, normalised as the card says. */
  private static double accuracy(List<ShapeSample> set, boolean withObjects) {
    Shapes shapes = new Shapes();
    int plane = Shapes.DEFAULT_SIZE * Shapes.DEFAULT_SIZE;
    float[] x = new float[set.size() * 3 * plane];
    for (int k = 0; k < set.size(); k++) {
      float[] chw = shapes.render(set.get(k).seed(), withObjects).toChw01();
      for (int i = 0; i < chw.length; i++) {
        int c = i / plane;
        x[k * 3 * plane + i] = (chw[i] - card.mean()[c]) / card.std()[c];
      }
    }
    float[] scores = classifier.run(x, set.size());
    int k = ShapeKind.values().length;
    int correct = 0;
    for (int n = 0; n < set.size(); n++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (scores[n * k + j] > scores[n * k + best]) {
          best = j;
        }
      }
      if (best == set.get(n).label()) {
        correct++;
      }
    }
    return correct / (double) set.size();
  }
}
