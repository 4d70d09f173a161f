package dev.lanterne.explain;

import java.util.List;

/**
 * One explanation method, called the same way for every method (Captum's
 * {@code attribute(inputs, target)}): a batch of images and the classes to explain, one
 * {@link Explanation} per (image, class) back, image-major, each map at the model's input size.
 * Methods are created on a {@link LanternModel} with their immutable options
 * ({@code new GradCam(model)}, {@code new Rise(model, RiseOptions.builder().masks(2000).build())}).
 *
 * <p>Thread-safety: implementations hold no per-call state and are safe for concurrent calls when
 * their model is.
 */
public interface Attribution {
  /** The method name in titles, file names and explanations.json ("saliency", "gradcam", "rise", ...). */
  String name();

  /** The model this method explains. */
  LanternModel model();

  /**
   * Explains the given classes of each image.
   *
   * @param images the batch, as loaded by the model
   * @param classes {@code classes[i]}: the classes to explain for image i
   */
  List<Explanation> attribute(Images images, int[][] classes);

  /** Explains the classes the target names (the predicted class, the top k, indices or labels). */
  default List<Explanation> attribute(Images images, Target target) {
    return attribute(images, target.resolve(model(), images));
  }
}
