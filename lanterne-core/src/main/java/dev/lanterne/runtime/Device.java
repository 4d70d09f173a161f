package dev.lanterne.runtime;

import dev.lanterne.LanterneException;
import java.util.Locale;

/** Where ONNX Runtime executes: the CPU (default) or the CUDA execution provider. */
public enum Device {
  /** The CPU execution provider. */
  CPU,
  /** The CUDA execution provider: needs a build with the cuda profile (onnxruntime_gpu) and an NVIDIA GPU. */
  CUDA;

  /**
   * A device by name: "cpu", or "cuda" (or "gpu"), case-insensitive; null means CPU.
   *
   * @throws dev.lanterne.LanterneException (usage) for any other name
   */
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
