package dev.lanterne.explain;

import dev.lanterne.LanterneException;
import dev.lanterne.model.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which classes to explain, as Captum's {@code target}: the predicted class, the top k, fixed class
 * indices or labels for every image, or an explicit list per image. Resolved against the model's
 * scores (only when needed) by {@link #resolve}. Immutable.
 */
public final class Target {
  private final int top;
  private final int[] indices;
  private final List<String> labels;
  private final int[][] perImage;

  private Target(int top, int[] indices, List<String> labels, int[][] perImage) {
    this.top = top;
    this.indices = indices;
    this.labels = labels;
    this.perImage = perImage;
  }

  /** The class the model predicts for each image. */
  public static Target predicted() {
    return top(1);
  }

  /** The k most probable classes of each image, most probable first. */
  public static Target top(int k) {
    if (k < 1) {
      throw LanterneException.usage("top-k needs k >= 1, got " + k);
    }
    return new Target(k, null, null, null);
  }

  /** The same class indices for every image. */
  public static Target classes(int... classIndices) {
    if (classIndices.length == 0) {
      throw LanterneException.usage("name at least one class to explain");
    }
    return new Target(0, classIndices.clone(), null, null);
  }

  /** The same classes for every image, by label (case-insensitive; a unique substring also matches). */
  public static Target labels(String... classLabels) {
    if (classLabels.length == 0) {
      throw LanterneException.usage("name at least one class to explain");
    }
    return new Target(0, null, List.of(classLabels), null);
  }

  /** Explicit classes per image: {@code classes[i]} for image i. */
  public static Target perImage(int[][] classes) {
    int[][] copy = new int[classes.length][];
    for (int i = 0; i < classes.length; i++) {
      copy[i] = classes[i].clone();
    }
    return new Target(0, null, null, copy);
  }

  /**
   * Parses class words as the command line gives them: "top3" (or "top"), class indices ("282"),
   * labels ("tiger cat", "flamingo"); an empty list means the predicted class.
   */
  public static Target parse(List<String> words) {
    if (words == null || words.isEmpty()) {
      return predicted();
    }
    if (words.size() == 1) {
      String w = words.get(0).strip().toLowerCase(Locale.ROOT);
      if (w.equals("top") || w.equals("predicted")) {
        return predicted();
      }
      if (w.matches("top\\d+")) {
        return top(Integer.parseInt(w.substring(3)));
      }
    }
    boolean allNumbers = words.stream().allMatch(w -> w.strip().matches("\\d+"));
    if (allNumbers) {
      return classes(words.stream().mapToInt(w -> Integer.parseInt(w.strip())).toArray());
    }
    return labels(words.toArray(new String[0]));
  }

  /** Resolves the classes per image; computes the scores only when the target depends on them. */
  public int[][] resolve(LanternModel model, Images images) {
    float[] scores = top > 0 ? model.scores(images.tensor(), images.size()) : null;
    return resolve(images.size(), scores, model.numClasses(), model.labels());
  }

  /**
   * Resolves against given scores [n,K] (may be null unless this is a top-k target).
   *
   * @throws LanterneException (usage) for a class out of range or a label the model does not have
   */
  public int[][] resolve(int n, float[] scores, int numClasses, Labels classLabels) {
    int[][] out = new int[n][];
    if (perImage != null) {
      if (perImage.length != n) {
        throw LanterneException.usage("got classes for " + perImage.length + " images but there are " + n);
      }
      for (int i = 0; i < n; i++) {
        out[i] = checked(perImage[i], numClasses);
      }
      return out;
    }
    if (top > 0) {
      int k = Math.min(top, numClasses);
      for (int i = 0; i < n; i++) {
        out[i] = topK(scores, i * numClasses, numClasses, k);
      }
      return out;
    }
    int[] fixed = indices != null ? checked(indices, numClasses) : byLabel(classLabels, numClasses);
    for (int i = 0; i < n; i++) {
      out[i] = fixed.clone();
    }
    return out;
  }

  private int[] byLabel(Labels classLabels, int numClasses) {
    int[] out = new int[labels.size()];
    for (int j = 0; j < labels.size(); j++) {
      out[j] = classLabels.find(labels.get(j));
    }
    return checked(out, numClasses);
  }

  private static int[] checked(int[] classes, int numClasses) {
    if (classes.length == 0) {
      throw LanterneException.usage("an image has no class to explain");
    }
    for (int c : classes) {
      if (c < 0 || c >= numClasses) {
        throw LanterneException.usage("class " + c + " is out of range; the model has classes 0 to "
            + (numClasses - 1));
      }
    }
    return classes.clone();
  }

  /** Indices of the k largest values of scores[offset, offset+count), largest first. */
  public static int[] topK(float[] scores, int offset, int count, int k) {
    Integer[] idx = new Integer[count];
    for (int i = 0; i < count; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Float.compare(scores[offset + b], scores[offset + a]));
    int[] out = new int[Math.min(k, count)];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  @Override
  public String toString() {
    if (perImage != null) {
      return "per-image classes";
    }
    if (top > 0) {
      return top == 1 ? "predicted class" : "top " + top;
    }
    return indices != null ? "classes " + Arrays.toString(indices) : "labels " + new ArrayList<>(labels);
  }
}
