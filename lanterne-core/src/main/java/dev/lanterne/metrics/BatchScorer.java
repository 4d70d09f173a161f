package dev.lanterne.metrics;

/**
 * A model as the metrics see it: normalised images [n,C,H,W] in, raw outputs [n,K] out.
 * {@link dev.lanterne.runtime.Classifier#run} is one ({@code classifier::run}).
 */
@FunctionalInterface
public interface BatchScorer {
  float[] run(float[] x, int n);
}
