package dev.lanterne.explain.inversion;

import static dev.lanterne.testing.TinyModels.floats;
import static dev.lanterne.testing.TinyModels.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.model.ModelCard;
import dev.lanterne.onnx.Attributes;
import dev.lanterne.onnx.TensorProtos;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.runtime.RuntimeOptions;
import dev.lanterne.testing.TinyModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerObjectiveTest {

  private static final int[] CHW = {3, 4, 4};
  private static final int PER = 48;

  /** input -> act = 2 x (layer "act") -> Relu -> Flatten -> Gemm -> logits [N,2]. */
  private static byte[] tinyModel() {
    float[] w = new float[PER * 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(i) * 0.1f;
    }
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder()
        .addInput(floats("input", -1, 3, 4, 4))
        .addOutput(floats("logits", -1, 2))
        .addInitializer(TensorProtos.scalar("two", 2f))
        .addInitializer(TensorProtos.ofFloats("W", new long[] {PER, 2}, w))
        .addNode(node("Mul", List.of("input", "two"), "act"))
        .addNode(node("Relu", List.of("act"), "relu"))
        .addNode(node("Flatten", List.of("relu"), "flat", Attributes.ofInt("axis", 1)))
        .addNode(node("Gemm", List.of("flat", "W"), "logits"));
    return TinyModels.model(11, g).toByteArray();
  }

  private static float[] input(int n) {
    float[] x = new float[n * PER];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(0.7 * i);
    }
    return x;
  }

  @Test
  void appendedColumnIsHalfTheSquaredNormOfTheLayer() {
    byte[] base = tinyModel();
    byte[] rewritten = LayerObjective.append(base, "act", CHW);
    float[] x = input(2);
    float[] logits = TinyModels.run(base, "input", x, new long[] {2, 3, 4, 4}, "logits");
    float[] out = TinyModels.run(rewritten, "input", x, new long[] {2, 3, 4, 4}, LayerObjective.OUTPUT);
    assertEquals(6, out.length);
    for (int i = 0; i < 2; i++) {
      double energy = 0;
      for (int j = 0; j < PER; j++) {
        double a = 2 * x[i * PER + j];
        energy += 0.5 * a * a;
      }
      assertEquals(logits[2 * i], out[3 * i], 1e-6f);
      assertEquals(logits[2 * i + 1], out[3 * i + 1], 1e-6f);
      assertEquals(energy, out[3 * i + 2], 1e-4 * energy);
    }
  }

  @Test
  void channelAndNeuronColumnsReadTheLayer() {
    byte[] base = tinyModel();
    float[] x = input(2);
    float[] channel = TinyModels.run(LayerObjective.append(base, "act", CHW, LayerObjective.Unit.parse("channel:1")),
        "input", x, new long[] {2, 3, 4, 4}, LayerObjective.OUTPUT);
    float[] neuron = TinyModels.run(LayerObjective.append(base, "act", CHW, LayerObjective.Unit.parse("neuron:2")),
        "input", x, new long[] {2, 3, 4, 4}, LayerObjective.OUTPUT);
    for (int i = 0; i < 2; i++) {
      double mean = 0;
      for (int j = 16; j < 32; j++) {
        mean += 2.0 * x[i * PER + j] / 16;
      }
      assertEquals(mean, channel[3 * i + 2], 1e-5, "channel 1's mean of image " + i);
      // channel 2, centre position (2, 2) of the 4x4 map
      assertEquals(2 * x[i * PER + 32 + 2 * 4 + 2], neuron[3 * i + 2], 1e-5, "neuron of image " + i);
    }
    assertThrows(LanterneException.class,
        () -> LayerObjective.append(base, "act", CHW, LayerObjective.Unit.parse("channel:3")));
  }

  @Test
  void compiledGradientOfTheLayerEnergyIsFourX() {
    // d/dx 0.5 ||2x||^2 = 4x
    byte[] rewritten = LayerObjective.append(tinyModel(), "act", CHW);
    float[] x = input(1);
    float[] seed = {0, 0, 1};
    try (InversionModel m = InversionModels.compile(rewritten, false, RuntimeOptions.DEFAULT.withThreads(1))) {
      assertEquals(3, m.numClasses());
      float[] g = m.step(x, 1, seed, 0, 0).gradient();
      float[] expect = new float[PER];
      for (int j = 0; j < PER; j++) {
        expect[j] = 4 * x[j];
      }
      assertArrayEquals(expect, g, 1e-4f);
    }
  }

  @Test
  void unknownLayerIsAOneLineError() {
    LanterneException e = assertThrows(LanterneException.class, () -> LayerObjective.append(tinyModel(), "nope", CHW));
    assertTrue(e.getMessage().contains("'nope'") && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void deepDreamOverOctavesGrowsTheLayerEnergy() {
    byte[] rewritten = LayerObjective.append(tinyModel(), "act", CHW);
    float[] photo = input(1);
    for (int j = 0; j < PER; j++) {
      photo[j] *= 0.2f;
    }
    DeepDream.Options o = new DeepDream.Options(2, 2.0, DeepDream.Options.defaults().ascent().withSteps(5)
        .withJitter(0, 0, 0).withSnapshotEvery(5));
    try (InversionModel m = InversionModels.compile(rewritten, true, RuntimeOptions.DEFAULT.withThreads(1))) {
      AscentTrace t = DeepDream.run(m, ModelCard.inception(4, 4), photo, new int[] {2}, 2, o, StepListener.NONE);
      assertEquals(11, t.objective()[0].length);
      assertTrue(Float.isNaN(t.finalProbability(0)));
      assertTrue(t.finalObjective(0) > 1.5 * t.objective()[0][0], t.objective()[0][0] + " -> " + t.finalObjective(0));
      assertEquals(PER, t.images().length);
      // snapshots at steps 0, 5 (end of the 2x2 octave, upsampled) and 10
      assertEquals(List.of(0, 5, 10), t.snapshots().stream().map(AscentTrace.Snapshot::step).toList());
    }
  }

  @Test
  void octaveSizesGrowByTheFactorUpToTheInputSize() {
    int[][] s = DeepDream.octaveSizes(224, 224, new DeepDream.Options(4, 1.4, InversionOptions.defaults()));
    assertArrayEquals(new int[] {82, 82}, s[0]);
    assertArrayEquals(new int[] {114, 114}, s[1]);
    assertArrayEquals(new int[] {160, 160}, s[2]);
    assertArrayEquals(new int[] {224, 224}, s[3]);
  }
}
