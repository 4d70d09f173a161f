package dev.lanterne.batch;

import dev.lanterne.demo.ShapeKind;
import dev.lanterne.demo.ShapeSample;
import dev.lanterne.demo.Shapes;
import dev.lanterne.image.Png;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder of generated demo pictures for batch runs: {@code images/NNNNN.png} (64x64, the demo
 * model's input size) and {@code manifest.csv} with each picture's label and its object's exact box,
 * so the pointing game has ground truth.
 */
public final class DemoImages {
  private DemoImages() {}

  /** Writes n pictures of set seed; returns the manifest file. */
  public static Path write(Path dir, int n, long seed) {
    Shapes shapes = new Shapes();
    long[] seeds = Shapes.seeds(seed, n);
    List<Map<String, String>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ShapeSample s = shapes.sample(seeds[i]);
      String name = String.format("images/%05d.png", i);
      Png.write(dir.resolve(name), s.image());
      Map<String, String> r = new LinkedHashMap<>();
      r.put("path", name);
      r.put("label", ShapeKind.labels().get(s.label()));
      ShapeSample.Box b = s.box();
      r.put("boxes", b.x0() + " " + b.y0() + " " + b.x1() + " " + b.y1());
      rows.add(r);
    }
    Path manifest = dir.resolve("manifest.csv");
    AtomicFiles.write(manifest, Csv.bytes(List.of("path", "label", "boxes"), rows, true));
    return manifest;
  }
}
