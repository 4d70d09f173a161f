package dev.lanterne.metrics;

import dev.lanterne.LanterneException;
import dev.lanterne.model.ModelCard;
import java.util.Arrays;

/**
 * The deletion and insertion games of RISE (Petsiuk, Das, Saenko, BMVC 2018, section 4.1), as the
 * authors' evaluation code ({@code CausalMetric}) plays them: pixels are visited in order of
 * decreasing saliency, a fixed number per step; deletion turns them into the substrate (black by
 * default), insertion copies them from the image into the substrate (the blurred image by default).
 * The score after each step is the softmax probability of the class (or the model's own probability
 * output). A faithful map makes the deletion curve fall fast (low AUC) and the insertion curve rise
 * fast (high AUC). Every step of one image goes through the model in batches.
 */
public final class DeletionInsertion {
  /** The {@link CausalCurve#game()} of a deletion curve. */
  public static final String DELETION = "deletion";
  /** The {@link CausalCurve#game()} of an insertion curve. */
  public static final String INSERTION = "insertion";

  /**
   * Settings of both games.
   *
   * @param pixelsPerStep pixels changed per step; 0 picks H*W/224 rounded up (224 at 224x224, the
   *     authors' setting, so every image size gets about 224 steps)
   * @param deletionSubstrate what deleted pixels become
   * @param insertionSubstrate what insertion starts from
   * @param batch step images per model call
   */
  public record Settings(int pixelsPerStep, Substrate deletionSubstrate, Substrate insertionSubstrate, int batch) {
    /**
     * The authors' setting: about 224 steps per image, deletion to black, insertion from the blur, 32 images
     * per call.
     */
    public static final Settings DEFAULTS = new Settings(0, Substrate.BLACK, Substrate.BLUR, 32);

    /**
     * Checks the values.
     *
     * @throws dev.lanterne.LanterneException (usage) when pixelsPerStep is negative or batch below 1
     * @throws IllegalArgumentException when a substrate is null
     */
    public Settings {
      if (pixelsPerStep < 0) {
        throw LanterneException.usage("pixels per step must be >= 1 (or 0 for the default), got " + pixelsPerStep);
      }
      if (batch < 1) {
        throw LanterneException.usage("the batch size must be >= 1, got " + batch);
      }
      if (deletionSubstrate == null || insertionSubstrate == null) {
        throw new IllegalArgumentException("both substrates are required");
      }
    }

    /** The same settings with another number of pixels per step (0: the default for the image size). */
    public Settings withPixelsPerStep(int p) {
      return new Settings(p, deletionSubstrate, insertionSubstrate, batch);
    }

    /** The same settings with other substrates. */
    public Settings withSubstrates(Substrate deletion, Substrate insertion) {
      return new Settings(pixelsPerStep, deletion, insertion, batch);
    }

    /** The same settings with another number of step images per model call. */
    public Settings withBatch(int b) {
      return new Settings(pixelsPerStep, deletionSubstrate, insertionSubstrate, b);
    }
  }

  /**
   * Both games for one map.
   *
   * @param deletion the deletion curve
   * @param insertion the insertion curve
   */
  public record Result(CausalCurve deletion, CausalCurve insertion) {}

  private final BatchScorer model;
  private final int channels;
  private final int height;
  private final int width;
  private final float[] mean;
  private final float[] std;
  private final boolean outputsProbabilities;
  private final Settings settings;

  /**
   * Games on one model, for input images of one size.
   *
   * @param model normalised images in, raw outputs (logits, or probabilities) out
   * @param chw {channels, height, width} of one input
   * @param mean the model card's per-channel mean (pixel space [0,1])
   * @param std the model card's per-channel std
   * @param outputsProbabilities whether the outputs are already probabilities (no softmax on top)
   */
  public DeletionInsertion(BatchScorer model, int[] chw, float[] mean, float[] std, boolean outputsProbabilities,
      Settings settings) {
    if (chw.length != 3 || mean.length != chw[0] || std.length != chw[0]) {
      throw new IllegalArgumentException("need {C,H,W} and one mean and std per channel");
    }
    this.model = model;
    this.channels = chw[0];
    this.height = chw[1];
    this.width = chw[2];
    this.mean = mean.clone();
    this.std = std.clone();
    this.outputsProbabilities = outputsProbabilities;
    this.settings = settings;
  }

  /** For a model described by its card. */
  public static DeletionInsertion of(BatchScorer model, int[] chw, ModelCard card, Settings settings) {
    return new DeletionInsertion(model, chw, card.mean(), card.std(), card.outputsProbabilities(), settings);
  }

  /** The settings it plays with. */
  public Settings settings() {
    return settings;
  }

  /** Pixels per step actually used at this input size. */
  public int pixelsPerStep() {
    int hw = height * width;
    return settings.pixelsPerStep() > 0 ? Math.min(settings.pixelsPerStep(), hw) : Math.max(1, (hw + 223) / 224);
  }

  /** Plays both games. */
  public Result evaluate(float[] image, float[] saliency, int classIndex) {
    return new Result(deletion(image, saliency, classIndex), insertion(image, saliency, classIndex));
  }

  /** Deletes pixels from the image in order of decreasing saliency. */
  public CausalCurve deletion(float[] image, float[] saliency, int classIndex) {
    check(image, saliency);
    Substrate s = settings.deletionSubstrate();
    float[] substrate = s.image(image, channels, height, width, mean, std);
    return new CausalCurve(DELETION, s, classIndex, pixelsPerStep(),
        play(image.clone(), substrate, saliency, classIndex));
  }

  /** Inserts the image's pixels into the substrate in order of decreasing saliency. */
  public CausalCurve insertion(float[] image, float[] saliency, int classIndex) {
    check(image, saliency);
    Substrate s = settings.insertionSubstrate();
    float[] start = s.image(image, channels, height, width, mean, std);
    return new CausalCurve(INSERTION, s, classIndex, pixelsPerStep(), play(start, image, saliency, classIndex));
  }

  /**
   * Scores start, then moves pixels from finish into start step by step; start is overwritten.
   * Only one batch of step images is held at a time.
   */
  private float[] play(float[] start, float[] finish, float[] saliency, int classIndex) {
    int plane = height * width;
    int per = channels * plane;
    int step = pixelsPerStep();
    int nSteps = (plane + step - 1) / step;
    int[] order = Ranking.decreasingOrder(saliency);
    float[] scores = new float[nSteps + 1];
    int b = Math.min(settings.batch(), nSteps + 1);
    float[] buffer = new float[b * per];
    int filled = 0;
    int first = 0;
    for (int i = 0; i <= nSteps; i++) {
      System.arraycopy(start, 0, buffer, filled * per, per);
      filled++;
      if (filled == b || i == nSteps) {
        float[] x = filled == b ? buffer : Arrays.copyOf(buffer, filled * per);
        scoreBatch(model.run(x, filled), filled, classIndex, scores, first);
        first += filled;
        filled = 0;
      }
      if (i < nSteps) {
        for (int k = step * i, end = Math.min(plane, step * (i + 1)); k < end; k++) {
          int p = order[k];
          for (int c = 0; c < channels; c++) {
            start[c * plane + p] = finish[c * plane + p];
          }
        }
      }
    }
    return scores;
  }

  private void scoreBatch(float[] raw, int n, int classIndex, float[] scores, int offset) {
    if (raw.length % n != 0) {
      throw new LanterneException("the model returned " + raw.length + " values for " + n + " images;"
          + " deletion/insertion need class scores [N, classes]");
    }
    int k = raw.length / n;
    if (classIndex < 0 || classIndex >= k) {
      throw LanterneException.usage("class " + classIndex + " is out of range; the model has classes 0.." + (k - 1));
    }
    for (int r = 0; r < n; r++) {
      scores[offset + r] = outputsProbabilities ? raw[r * k + classIndex] : softmaxAt(raw, r * k, k, classIndex);
    }
  }

  private static float softmaxAt(float[] raw, int offset, int k, int classIndex) {
    return dev.lanterne.tensor.Softmax.at(raw, offset, k, classIndex);
  }

  private void check(float[] image, float[] saliency) {
    if (image.length != channels * height * width) {
      throw new LanterneException("the image has " + image.length + " values but the model takes " + channels + "x"
          + height + "x" + width + "; preprocess it to the model's input size");
    }
    if (saliency.length != height * width) {
      throw new LanterneException("the map has " + saliency.length + " values but deletion/insertion need one per"
          + " input pixel (" + height + "x" + width + "); upsample the map to the model's input size");
    }
  }
}
