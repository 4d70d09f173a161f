package dev.lanterne.explain;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A batch of input images as one model sees them: the normalised tensor [n,C,H,W] every method takes,
 * the pictures at the model's input size (for overlays), and a name per image. Perturbation methods
 * undo the normalisation themselves ({@link LanternModel#pixels(float[])}), so every method takes the
 * same batch. Immutable; obtained from {@link LanternModel#load}, {@link LanternModel#images} or
 * {@link LanternModel#tensors}.
 *
 * @param names one name per image (file name, or "image N")
 * @param shown each image at the model's input size, as shown under the overlays
 * @param tensor normalised inputs [n,C,H,W] in C order
 * @param chw {channels, height, width} of one image
 */
public record Images(List<String> names, List<BufferedImage> shown, float[] tensor, int[] chw) {
  /**
   * Copies the lists and the shape.
   *
   * @throws IllegalArgumentException when the batch is empty or the names, pictures and tensor do not agree
   *     in number
   */
  public Images {
    names = List.copyOf(names);
    shown = List.copyOf(shown);
    chw = chw.clone();
    int per = chw[0] * chw[1] * chw[2];
    if (names.isEmpty() || names.size() != shown.size() || tensor.length != names.size() * per) {
      throw new IllegalArgumentException("an image batch needs one name, picture and [" + chw[0] + "," + chw[1]
          + "," + chw[2] + "] tensor per image; got " + names.size() + " names, " + shown.size() + " pictures and "
          + tensor.length + " values");
    }
  }

  /** Number of images. */
  public int size() {
    return names.size();
  }

  /** Values per image, C*H*W. */
  public int valuesPerImage() {
    return chw[0] * chw[1] * chw[2];
  }

  /** The normalised tensor [C,H,W] of image i (a copy). */
  public float[] tensor(int i) {
    int per = valuesPerImage();
    return java.util.Arrays.copyOfRange(tensor, i * per, (i + 1) * per);
  }

  /** Image i alone, as a batch of one. */
  public Images get(int i) {
    return new Images(List.of(names.get(i)), List.of(shown.get(i)), tensor(i), chw);
  }

  /** Images from..to (exclusive) as a batch. */
  public Images range(int from, int to) {
    int per = valuesPerImage();
    return new Images(names.subList(from, to), shown.subList(from, to),
        java.util.Arrays.copyOfRange(tensor, from * per, to * per), chw);
  }

  /** The same pictures and names with other tensor values (e.g. noisy copies), same layout. */
  public Images withTensor(float[] values) {
    return new Images(names, shown, values, chw);
  }
}
