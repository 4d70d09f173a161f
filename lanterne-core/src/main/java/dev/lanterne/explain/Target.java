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
  private final List<String> words;

  private Target(int top, int[] indices, List<String> labels, int[][] perImage) {
    this(top, indices, labels, perImage, null);
  }

  private Target(int top, int[] indices, List<String> labels, int[][] perImage, List<String> words) {
    this.top = top;
    this.indices = indices;
    this.labels = labels;
    this.perImage = perImage;
    this.words = words;
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
    List<String> tokens = new ArrayList<>();
    if (words != null) {
      for (String w : words) {
        // "282,283" and "top3,282" are lists; a label may itself contain commas ("chocolate sauce, chocolate syrup")
        String[] parts = w.split(",");
        boolean list = parts.length > 1
            && Arrays.stream(parts).allMatch(t -> t.strip().matches("-?\\d+|(?i:top\\d*)"));
        for (String t : list ? parts : new String[] {w}) {
          if (!t.isBlank()) {
            tokens.add(t.strip());
          }
        }
      }
    }
    if (tokens.isEmpty()) {
      return predicted();
    }
    return new Target(0, null, null, null, List.copyOf(tokens));
  }

  /** Resolves the classes per image; computes the scores only when the target depends on them. */
  public int[][] resolve(LanternModel model, Images images) {
    boolean needsScores = top > 0 || (words != null && words.stream().anyMatch(Target::isTop));
    float[] scores = needsScores ? model.scores(images.tensor(), images.size()) : null;
    return resolve(images.size(), scores, model.numClasses(), model.labels());
  }

  /**
   * Resolves against given scores [n,K] (may be null unless this is a top-k target).
   *
   * @throws LanterneException (usage) for a class out of range or a label the model does not have
   */
  public int[][] resolve(int n, float[] scores, int numClasses, Labels classLabels) {
    int[][] out = new int[n][];
    if (words != null) {
      for (int i = 0; i < n; i++) {
        java.util.LinkedHashSet<Integer> cls = new java.util.LinkedHashSet<>();
        for (String w : words) {
          if (isTop(w)) {
            String k = w.equalsIgnoreCase("predicted") ? "" : w.substring(3);
            int count = k.isEmpty() ? 1 : Integer.parseInt(k);
            if (count < 1 || count > numClasses) {
              throw LanterneException.usage("class " + w + " asks for " + count + " classes; the model has "
                  + numClasses);
            }
            for (int c : topK(scores, i * numClasses, numClasses, count)) {
              cls.add(c);
            }
          } else if (w.matches("-?\\d+")) {
            cls.add(checked(new int[] {Integer.parseInt(w)}, numClasses)[0]);
          } else {
            cls.add(classLabels.find(w));
          }
        }
        out[i] = cls.stream().mapToInt(Integer::intValue).toArray();
      }
      return out;
    }
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

  private static boolean isTop(String w) {
    String l = w.toLowerCase(Locale.ROOT);
    return l.matches("top\\d*") || l.equals("predicted");
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
    if (words != null) {
      return String.join(" ", words);
    }
    if (perImage != null) {
      return "per-image classes";
    }
    if (top > 0) {
      return top == 1 ? "predicted class" : "top " + top;
    }
    return indices != null ? "classes " + Arrays.toString(indices) : "labels " + new ArrayList<>(labels);
  }
}
