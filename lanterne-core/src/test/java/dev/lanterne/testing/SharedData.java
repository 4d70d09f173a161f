package dev.lanterne.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates ../shared (models, photos, PyTorch references). When it is missing, tests that need it
 * are skipped with a message, except under CI (LANTERNE_REQUIRE_SHARED=1, set by .ci/run), where they fail.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    String prop = System.getProperty("lanterne.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
    p = p.toAbsolutePath().normalize();
    boolean present = Files.isDirectory(p.resolve("models"));
    if (!present) {
      String why = "shared data not found at " + p + " (set -Dlanterne.shared=DIR)";
      if (Boolean.getBoolean("lanterne.requireShared") || "1".equals(System.getenv("LANTERNE_REQUIRE_SHARED"))) {
        Assertions.fail(why + "; CI requires it");
      }
      Assumptions.abort(why + "; skipping test that needs the shared models and references");
    }
    return p;
  }

  public static Path model(String name) {
    return root().resolve("models").resolve(name);
  }

  public static Path torchvision(String name) {
    return root().resolve("models").resolve("torchvision").resolve(name + ".onnx");
  }

  public static Path image(String name) {
    return root().resolve("images").resolve(name);
  }

  public static Path ref(String name) {
    return root().resolve("refs").resolve(name);
  }

  public static Path labels() {
    return root().resolve("models").resolve("imagenet-classes.txt");
  }
}
