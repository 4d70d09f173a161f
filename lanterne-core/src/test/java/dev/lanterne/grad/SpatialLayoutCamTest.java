package dev.lanterne.grad;

import static dev.lanterne.onnx.Attributes.ofInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.runtime.CamModel;
import dev.lanterne.grad.GradCamSession;
import dev.lanterne.runtime.RuntimeOptions;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Token and channels-last layers read as [N,C,h,w] by Grad-CAM, checked in closed form on tiny graphs:
 * a 4x4 patch embedding (Conv, 6 channels, 2x2 patches) whose output is laid out as tokens (with one
 * leading class token) or channels last and flattened into the scores. The Grad-CAM activation must
 * equal the patch embedding itself, and its gradient the seed laid out the same way (the scores are
 * the layer's own values).
 */
class SpatialLayoutCamTest {
  private static final int N = 2;

  @Test
  void recognisesLayouts() {
    assertEquals(Optional.of(new SpatialLayout(SpatialLayout.Kind.TOKENS, 1, 64, 14, 14)),
        SpatialLayout.of(new long[] {1, 197, 64}, 224, 224));
    assertEquals(Optional.of(new SpatialLayout(SpatialLayout.Kind.TOKENS, 2, 192, 14, 14)),
        SpatialLayout.of(new long[] {1, 198, 192}, 224, 224), "DeiT: class and distillation tokens");
    assertEquals(Optional.of(new SpatialLayout(SpatialLayout.Kind.NHWC, 0, 256, 7, 7)),
        SpatialLayout.of(new long[] {1, 7, 7, 256}, 224, 224), "Swin");
    assertEquals(Optional.of(new SpatialLayout(SpatialLayout.Kind.NCHW, 0, 512, 7, 7)),
        SpatialLayout.of(new long[] {1, 512, 7, 7}, 224, 224));
    assertEquals(Optional.of(new SpatialLayout(SpatialLayout.Kind.NCHW, 0, 7, 7, 7)),
        SpatialLayout.of(new long[] {1, 7, 7, 7}, 224, 224), "ambiguous shapes stay channels first");
    assertEquals(Optional.empty(), SpatialLayout.of(new long[] {1, 1, 1, 128}, 224, 224), "a layer norm's row");
    assertEquals(Optional.empty(), SpatialLayout.of(new long[] {1, 14, 14, 1}, 224, 224), "a per-position mean");
    assertEquals(Optional.empty(), SpatialLayout.of(new long[] {4, 197, 197}, 224, 224), "attention, heads first");
    assertEquals(Optional.empty(), SpatialLayout.of(new long[] {197, 1, 64}, 224, 224), "sequence first");
  }

  @Test
  void tokenLayerDropsTheClassTokenAndReshapesPatches() {
    TinyModel m = new TinyModel(13, 3, 8, 8);
    String patches = patchEmbedding(m);
    String tokens = m.node("Transpose", m.node("Reshape", new String[] {patches, m.ints(0, 6, 4)}),
        ofInts("perm", 0, 2, 1));
    String withClass = m.node("Pad", new String[] {tokens, m.ints(0, 1, 0, 0, 0, 0), m.scalar(0.5f)});
    check(m.build(withClass), patches, 30, "tokens 1+2x2", (c, i, j) -> (1 + i * 2 + j) * 6 + c);
  }

  @Test
  void channelsLastLayerIsTransposed() {
    TinyModel m = new TinyModel(13, 3, 8, 8);
    String patches = patchEmbedding(m);
    String nhwc = m.node("Transpose", patches, ofInts("perm", 0, 2, 3, 1));
    check(m.build(nhwc), patches, 24, "NHWC", (c, i, j) -> (i * 2 + j) * 6 + c);
  }

  @Test
  void layerByIndexOrSubstring() {
    TinyModel m = new TinyModel(13, 3, 8, 8);
    String patches = patchEmbedding(m);
    String nhwc = m.node("Transpose", patches, ofInts("perm", 0, 2, 3, 1));
    GradientCompiler.Prepared p = GradientCompiler.prepare(m.build(nhwc));
    assertEquals(patches, p.resolveLayer("0"));
    assertEquals(nhwc, p.resolveLayer("1"));
    assertEquals(nhwc, p.resolveLayer("TRANSPOSE"));
    assertEquals(patches, p.resolveLayer(patches));
    LanterneException e = assertThrows(LanterneException.class, () -> p.resolveLayer("_"));
    assertTrue(e.getMessage().contains("matches 2 layers"), e.getMessage());
    assertThrows(LanterneException.class, () -> p.resolveLayer("7"));
    assertThrows(LanterneException.class, () -> p.resolveLayer("nothing-like-it"));
  }

  /** Position in the scores of channel c at patch (i, j). */
  private interface Index {
    int of(int c, int i, int j);
  }

  private static String patchEmbedding(TinyModel m) {
    return m.node("Conv", new String[] {"x", m.random(6, 3, 4, 4), m.random(6)}, ofInts("strides", 4, 4));
  }

  private static void check(Onnx.ModelProto model, String patches, int k, String layout, Index index) {
    GradientCompiler.Graphs dflt = GradientCompiler.compile(model, GradientOptions.DEFAULT);
    GradientCompiler.Graphs direct = GradientCompiler.compile(model, GradientOptions.DEFAULT.withLayer(patches));
    assertEquals(layout, dflt.gradcam().getMetadataPropsList().stream()
        .filter(e -> e.getKey().equals(GradientCompiler.LAYOUT_KEY)).findFirst().orElseThrow().getValue());
    SplittableRandom rnd = new SplittableRandom(3);
    float[] x = new float[N * 3 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    float[] seed = new float[N * k];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (float) rnd.nextDouble(-1, 1);
    }
    try (CamModel a = new GradCamSession(dflt.gradcam(), dflt.layer(), RuntimeOptions.DEFAULT);
        CamModel b = new GradCamSession(direct.gradcam(), direct.layer(), RuntimeOptions.DEFAULT)) {
      CamModel.Result ra = a.run(x, N, seed);
      CamModel.Result rb = b.run(x, N, seed);
      assertArrayEquals(new int[] {N, 6, 2, 2}, ra.activationShape());
      assertArrayEquals(rb.activation(), ra.activation(), 1e-6f, "the layer's map is the patch embedding");
      for (int n = 0; n < N; n++) {
        for (int c = 0; c < 6; c++) {
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
              assertEquals(seed[n * k + index.of(c, i, j)], ra.activationGradient()[((n * 6 + c) * 2 + i) * 2 + j],
                  1e-6f, "gradient at n=" + n + " c=" + c + " (" + i + "," + j + ")");
            }
          }
        }
      }
    }
  }
}
