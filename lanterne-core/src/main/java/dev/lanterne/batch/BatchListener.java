package dev.lanterne.batch;

/**
 * What a batch run reports while it works. Calls come from the runner's threads; implementations
 * must be quick and thread-safe.
 */
public interface BatchListener {
  /** Reports nothing. */
  BatchListener NONE = new BatchListener() {};

  /** The run starts: images in the manifest, and how many of them are still to do. */
  default void started(int total, int todo) {}

  /** One image has its outputs written (ok) or its error recorded. */
  default void imageDone(int index, boolean ok) {}

  /** One line per stage (manifest frozen, shard done with rate and time left, tables written). */
  default void stage(String line) {}
}
