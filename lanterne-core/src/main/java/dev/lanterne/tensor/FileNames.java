package dev.lanterne.tensor;

/**
 * One rule for file names made from image, method and label names: letters, digits, '.', '_', '+'
 * and '-' are kept, so a method's file names carry its name ("gradcam++", "integrated-gradients"),
 * anything else becomes '_'.
 */
public final class FileNames {
  private FileNames() {}

  /** The name with every other character replaced by '_'; "x" for an empty or null name. */
  public static String safe(String name) {
    String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9._+-]", "_");
    return cleaned.isEmpty() ? "x" : cleaned;
  }
}
