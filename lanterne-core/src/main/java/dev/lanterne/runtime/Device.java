package dev.lanterne.runtime;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** Where ONNX Runtime executes: the CPU (default) or the CUDA execution provider. */
public enum Device {
  CPU,
  CUDA;

  public static Device parse(String s) {
    if (s == null) {
      return CPU;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "cpu" -> CPU;
      case "cuda", "gpu" -> CUDA;
      default -> throw LanterneException.usage("device", "unknown device '" + s + "'; use cpu or cuda");
    };
  }
}
