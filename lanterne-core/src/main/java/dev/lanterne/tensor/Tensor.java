package dev.lanterne.tensor;

import java.util.Arrays;

/**
 * A dense float32 array in C order with its shape. The data array is shared, not copied.
 *
 * @param data the values, last axis fastest; its length is the product of the shape
 * @param shape the dimensions, such as [N,C,H,W] for a batch of images
 */
public record Tensor(float[] data, int[] shape) {
  /**
   * Checks that the shape has no negative dimension and matches the number of values.
   *
   * @throws IllegalArgumentException when it does not
   */
  public Tensor {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  /** A tensor of zeros with this shape (the shape array is copied). */
  public static Tensor zeros(int... shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return new Tensor(new float[Math.toIntExact(n)], shape.clone());
  }

  /** Number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.length;
  }

  /** The size of one dimension; a negative axis counts from the end (-1 is the last). */
  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  /** Number of values in one slice along axis 0. */
  public int sliceSize() {
    return shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]);
  }

  /** Copy of slice i along axis 0, with the leading axis dropped. */
  public Tensor slice(int i) {
    int s = sliceSize();
    return new Tensor(Arrays.copyOfRange(data, i * s, (i + 1) * s), Arrays.copyOfRange(shape, 1, shape.length));
  }

  /**
   * A view with another shape over the same data (not copied).
   *
   * @throws IllegalArgumentException when the new shape does not hold the same number of values
   */
  public Tensor reshape(int... newShape) {
    return new Tensor(data, newShape.clone());
  }

  /** Stacks tensors of equal shape along a new leading axis. */
  public static Tensor stack(java.util.List<Tensor> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to stack");
    }
    int[] inner = parts.get(0).shape();
    int s = parts.get(0).data().length;
    float[] out = new float[s * parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      Tensor t = parts.get(i);
      if (!Arrays.equals(t.shape(), inner)) {
        throw new IllegalArgumentException(
            "cannot stack shapes " + Arrays.toString(inner) + " and " + Arrays.toString(t.shape()));
      }
      System.arraycopy(t.data(), 0, out, i * s, s);
    }
    int[] shape = new int[inner.length + 1];
    shape[0] = parts.size();
    System.arraycopy(inner, 0, shape, 1, inner.length);
    return new Tensor(out, shape);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }
}
