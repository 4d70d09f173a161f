package dev.lanterne.model;

import java.nio.file.Path;

/**
 * The one folder Lanterne caches into (derived graphs, the extracted demo model, fetched models,
 * labels): the system property {@code lanterne.cache}, else the environment variable
 * {@code LANTERNE_CACHE}, else {@code ~/.cache/lanterne}.
 */
public final class CacheRoot {
  private CacheRoot() {}

  /** The cache folder (not created here). */
  public static Path dir() {
    String root = System.getProperty("lanterne.cache");
    if (root == null || root.isBlank()) {
      root = System.getenv("LANTERNE_CACHE");
    }
    return root != null && !root.isBlank() ? Path.of(root)
        : Path.of(System.getProperty("user.home"), ".cache", "lanterne");
  }
}
