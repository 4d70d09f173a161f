package dev.lanterne.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.metrics.BoxAnnotations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The bounding boxes bundled with the lab (annotated in the main model's 224x224 input coordinates). */
final class Boxes {
  static final String RESOURCE = "/dev/lanterne/lab/boxes.json";

  private Boxes() {}

  static BoxAnnotations read() {
    return BoxAnnotations.parse(json(), RESOURCE);
  }

  static com.fasterxml.jackson.databind.JsonNode json() {
    try (InputStream in = Boxes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
