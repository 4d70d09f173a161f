package dev.lanterne.explain.gradient;

import dev.lanterne.LanterneException;
import java.util.Arrays;

/**
 * The (image, class) pairs of one call, in order: image 0's classes, then image 1's, ... Builds the
 * repeated input batch and the one-hot seed rows so every pair is computed in one batched run.
 */
public final class Targets {
  private final int[] image;
  private final int[] classIndex;
  private final int numClasses;

  private Targets(int[] image, int[] classIndex, int numClasses) {
    this.image = image;
    this.classIndex = classIndex;
    this.numClasses = numClasses;
  }

  /**
   * @param n number of images
   * @param classes classes per image ({@code classes.length == n}), one or more each
   * @param numClasses the model's number of classes, to check the indices against
   */
  public static Targets of(int n, int[][] classes, int numClasses) {
    if (classes == null || classes.length != n) {
      throw new IllegalArgumentException(
          "need a class list for each of the " + n + " images, got " + (classes == null ? 0 : classes.length));
    }
    int total = Arrays.stream(classes).mapToInt(c -> c.length).sum();
    int[] image = new int[total];
    int[] cls = new int[total];
    int t = 0;
    for (int i = 0; i < n; i++) {
      if (classes[i].length == 0) {
        throw new IllegalArgumentException("image " + i + " has no class to explain");
      }
      for (int k : classes[i]) {
        if (k < 0 || k >= numClasses) {
          throw LanterneException.usage(
              "class " + k + " is out of range; the model has classes 0 to " + (numClasses - 1));
        }
        image[t] = i;
        cls[t++] = k;
      }
    }
    return new Targets(image, cls, numClasses);
  }

  /** Number of (image, class) pairs. */
  public int size() {
    return image.length;
  }

  /** The image of pair t. */
  public int image(int t) {
    return image[t];
  }

  /** The class of pair t. */
  public int classIndex(int t) {
    return classIndex[t];
  }

  /** Input rows [size, per]: target t's image at row t. */
  public float[] repeatImages(float[] images, int per) {
    float[] x = new float[size() * per];
    for (int t = 0; t < size(); t++) {
      System.arraycopy(images, image[t] * per, x, t * per, per);
    }
    return x;
  }

  /** One-hot seed rows [size, K]: row t selects target t's class. */
  public float[] seed() {
    float[] seed = new float[size() * numClasses];
    for (int t = 0; t < size(); t++) {
      seed[t * numClasses + classIndex[t]] = 1f;
    }
    return seed;
  }

  /** Sets row {@code row} of a seed [rows, K] to the one-hot vector of target t's class. */
  public void setSeedRow(float[] seed, int row, int t) {
    seed[row * numClasses + classIndex[t]] = 1f;
  }
}
