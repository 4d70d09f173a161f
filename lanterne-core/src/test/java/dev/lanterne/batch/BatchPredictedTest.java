package dev.lanterne.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.gradient.GradCam;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch run explaining the predicted class with Grad-CAM first (the class found in the CAM pass,
 * no separate forward pass) explains the class `classify` predicts, reports its scores, and writes
 * the maps of Grad-CAM given that class explicitly; RISE after it explains the same classes.
 */
class BatchPredictedTest {
  @TempDir
  Path tmp;

  @Test
  void camFindsTheClassClassifyPredicts() {
    int images = 10;
    try (LanternModel model = LanternModel.demo()) {
      List<BatchInput> inputs = BatchInput.read(DemoImages.write(tmp.resolve("demo"), images, 4));
      BatchConfig config = BatchConfig.of("gradcam,rise", Settings.of(Map.of("masks", "20"), 3)).withCurves(false, 0)
          .withShardSize(6).withBatch(4);
      Path out = tmp.resolve("run");
      BatchRunner.run(model, config, inputs, out, ShardWorker.Options.DEFAULTS);
      Images loaded = model.load(inputs.stream().map(BatchInput::path).toList());
      int k = model.numClasses();
      float[] scores = model.scores(loaded.tensor(), images);
      float[] prob = model.probabilities(scores, images);
      int[][] predicted = new int[images][];
      for (int i = 0; i < images; i++) {
        int best = 0;
        for (int c = 1; c < k; c++) {
          best = scores[i * k + c] > scores[i * k + best] ? c : best;
        }
        predicted[i] = new int[] {best};
      }
      List<Explanation> expected = new GradCam(model).attribute(loaded, predicted);
      ZarrArray maps = ZarrArray.open(out.resolve("maps").resolve("gradcam"));
      List<Map<String, String>> rows = Csv.read(out.resolve(BatchRun.METRICS));
      assertEquals(2 * images, rows.size());
      for (Map<String, String> row : rows) {
        int i = Integer.parseInt(row.get("index"));
        int c = predicted[i][0];
        assertEquals(Integer.toString(c), row.get("class"), row.get("method") + " image " + i);
        assertEquals(Float.toString(scores[i * k + c]), row.get("score"), "image " + i);
        assertEquals(prob[i * k + c], Float.parseFloat(row.get("probability")), 1e-6f, "image " + i);
      }
      for (int i = 0; i < images; i++) {
        assertArrayEquals(expected.get(i).map().data(), maps.read(i), 1e-6f * max(expected.get(i).map().data()),
            "map of image " + i);
      }
    }
  }

  private static float max(float[] v) {
    float m = 0;
    for (float x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return Math.max(m, 1e-30f);
  }
}
