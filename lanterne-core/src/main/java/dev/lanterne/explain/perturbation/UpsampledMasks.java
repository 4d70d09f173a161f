package dev.lanterne.explain.perturbation;

/**
 * The families drawn on a grid and upsampled by a {@link GridUpsampler} (binary grids, grid-scale
 * noise, stripes): a mask's lines are its grid rows after the horizontal pass, its phase the vertical
 * shift. A family only says how it draws its grid and shifts ({@link #fillLines}).
 */
abstract class UpsampledMasks extends SeparableMasks {
  final GridUpsampler upsampler;

  UpsampledMasks(int height, int width, int rows, int cols) {
    super(height, width);
    this.upsampler = new GridUpsampler(height, width, rows, cols);
  }

  @Override
  public int lineCount() {
    return upsampler.rows();
  }

  @Override
  public int phaseCount() {
    return upsampler.cellHeight();
  }

  @Override
  public int lowLine(int phase, int y) {
    return upsampler.lowLine(phase, y);
  }

  @Override
  public int highLine(int phase, int y) {
    return upsampler.highLine(phase, y);
  }

  @Override
  public float highWeight(int phase, int y) {
    return upsampler.highWeight(phase, y);
  }
}
