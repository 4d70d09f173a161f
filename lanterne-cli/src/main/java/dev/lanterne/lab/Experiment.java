package dev.lanterne.lab;

/** One of the course's experiments: runs, writes its folder of results, and returns its README section. */
interface Experiment {
  /** The folder under results/ and the name in progress messages. */
  String id();

  /** Units of work for the progress bar (maps, runs or steps). */
  long units(LabSettings settings);

  Section run(LabContext ctx, Progress progress);

  /** Told after each unit of work. */
  @FunctionalInterface
  interface Progress {
    void step(long units);

    Progress NONE = u -> {};
  }
}
