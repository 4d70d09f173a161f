package dev.lanterne.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.perturbation.BlackBox;
import dev.lanterne.explain.perturbation.Fill;
import dev.lanterne.explain.perturbation.MaskSheet;
import dev.lanterne.explain.perturbation.MaskType;
import dev.lanterne.explain.perturbation.ProgressListener;
import dev.lanterne.explain.perturbation.Rise;
import dev.lanterne.explain.perturbation.RiseOptions;
import dev.lanterne.explain.perturbation.ScoreKind;
import dev.lanterne.model.ModelCard;
import dev.lanterne.runtime.Classifier;
import dev.lanterne.tensor.AtomicFiles;
import dev.lanterne.tensor.Npy;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne rise`: RISE saliency maps from masked forward passes (black box). */
public final class RiseCommand implements Command {
  @Override
  public String name() {
    return "rise";
  }

  @Override
  public String summary() {
    return "RISE: saliency from thousands of randomly masked copies of the image (any model)";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.standard(true);
    o.addOption(Option.builder().longOpt("masks").hasArg().argName("N")
        .desc("number of masks (default 4000; the most used with --until-stable)").build());
    o.addOption(Option.builder().longOpt("grid").hasArg().argName("S").desc("grid cells per side (default 7)").build());
    o.addOption(Option.builder().longOpt("p").hasArg().argName("P")
        .desc("probability of keeping a cell (default 0.5)").build());
    o.addOption(Option.builder().longOpt("score").hasArg().argName("KIND")
        .desc("probability (default, the paper's) or logit").build());
    o.addOption(Option.builder().longOpt("mask-type").hasArg().argName("TYPE")
        .desc("binary (default, the paper's), stripes, hstripes, grid (checkerboard) or noise").build());
    Outputs.fillOptions(o);
    o.addOption(Option.builder().longOpt("until-stable").optionalArg(true).hasArg().argName("TOL")
        .desc("stop when the map changes by less than TOL (default 0.01) three checks in a row").build());
    o.addOption(Option.builder().longOpt("check-every").hasArg().argName("N")
        .desc("with --until-stable, check after every N masks (default 100)").build());
    o.addOption(Option.builder().longOpt("save-masks").optionalArg(true).hasArg().argName("K")
        .desc("write the first K masks (default 32) as masks.png").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    CliSupport.ModelSpec spec = CliSupport.model(cl);
    RiseOptions ro = options(cl, spec.runtime().maxBatch());
    Path out = CliSupport.outDir(cl, null);
    List<CliSupport.Input> inputs = CliSupport.inputs(cl, spec);
    List<Explanation> all = new ArrayList<>();
    try (Classifier classifier = spec.openClassifier()) {
      BlackBox model = BlackBox.of(classifier, spec.card(), spec.labels());
      float[] scores = classifier.run(CliSupport.stack(inputs), inputs.size());
      int[][] classes = CliSupport.classes(cl, scores, inputs.size(), classifier.numClasses());
      Rise rise = new Rise(ro);
      for (int i = 0; i < inputs.size(); i++) {
        float[] pixels = Outputs.pixels(inputs.get(i).tensor(), spec.card());
        try (ProgressBar bar = CliSupport.progress("rise " + inputs.get(i).name(), ro.masks(), "masks")) {
          all.addAll(rise.explain(model, pixels, classes[i], i, Outputs.listener(bar)));
        }
      }
    }
    if (cl.hasOption("save-masks")) {
      int k = Integer.parseInt(cl.getOptionValue("save-masks", "32"));
      int[] hw = {spec.card().height(), spec.card().width()};
      MaskSheet.write(out.resolve("masks.png"), ro.generator(hw[0], hw[1]), ro.seed(), Math.max(1, Math.min(k, 256)),
          hw[0], hw[1], 8);
    }
    Outputs.write(out, inputs, all);
    return 0;
  }

  static RiseOptions options(CommandLine cl, int batch) {
    RiseOptions d = RiseOptions.DEFAULTS;
    RiseOptions o = d.withMasks(CliSupport.intOption(cl, "masks", d.masks(), 1, 10_000_000))
        .withGrid(CliSupport.intOption(cl, "grid", d.grid(), 1, 1024))
        .withP(CliSupport.doubleOption(cl, "p", d.p(), 1e-6, 1))
        .withBatch(batch)
        .withSeed(CliSupport.seed(cl))
        .withScore(ScoreKind.parse(cl.getOptionValue("score", "probability")))
        .withMaskType(MaskType.parse(cl.getOptionValue("mask-type", "binary")))
        .withFill(Fill.parse(cl.getOptionValue("fill", "black")))
        .withBlurSigma(CliSupport.doubleOption(cl, "blur-sigma", d.blurSigma(), 0, 1000));
    if (cl.hasOption("until-stable")) {
      double tol = cl.getOptionValue("until-stable") == null ? d.tolerance()
          : CliSupport.doubleOption(cl, "until-stable", d.tolerance(), 1e-9, 10);
      o = o.withUntilStable(tol, CliSupport.intOption(cl, "check-every", d.checkEvery(), 1, 1_000_000));
    }
    return o;
  }

  /**
   * Writing perturbation results: per explanation a .npy map and a PNG overlay, and one
   * explanations.json. (Replace with the shared explanation writer once it exists.)
   */
  static final class Outputs {
    private Outputs() {}

    static void fillOptions(Options o) {
      o.addOption(Option.builder().longOpt("fill").hasArg().argName("FILL")
          .desc("what replaces masked pixels: black, gray, mean (colour) or blur").build());
      o.addOption(Option.builder().longOpt("blur-sigma").hasArg().argName("PX")
          .desc("blur standard deviation in pixels for --fill blur (default 10)").build());
    }

    /** Undoes the card's normalisation: pixels in [0,1], where masks act. */
    static float[] pixels(float[] normalised, ModelCard card) {
      int plane = card.height() * card.width();
      float[] px = new float[normalised.length];
      for (int i = 0; i < px.length; i++) {
        int c = i / plane;
        px[i] = normalised[i] * card.std()[c] + card.mean()[c];
      }
      return px;
    }

    static ProgressListener listener(ProgressBar bar) {
      return (done, total) -> bar.stepTo(done);
    }

    static void write(Path out, List<CliSupport.Input> inputs, List<Explanation> all) throws Exception {
      ObjectMapper json = new ObjectMapper();
      ArrayNode list = json.createArrayNode();
      for (Explanation e : all) {
        CliSupport.Input in = inputs.get(e.image());
        String base = CliSupport.stem(in.name()) + "_" + e.method() + "_c" + e.classIndex();
        Npy.write(out.resolve(base + ".npy"), e.map());
        BufferedImage overlay = overlay(in.shown(), e.map().data(), e.height(), e.width());
        AtomicFiles.write(out.resolve(base + ".png"), o -> ImageIO.write(overlay, "png", o));
        ObjectNode n = list.addObject();
        n.put("image", in.name());
        n.put("method", e.method());
        n.put("class", e.classIndex());
        n.put("label", e.label());
        n.put("score", e.score());
        n.put("probability", e.probability());
        n.put("map", base + ".npy");
        n.put("overlay", base + ".png");
        ObjectNode d = n.putObject("details");
        for (Map.Entry<String, Object> kv : e.details().entrySet()) {
          d.putPOJO(kv.getKey(), kv.getValue());
        }
      }
      byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(list);
      AtomicFiles.write(out.resolve("explanations.json"), bytes);
      System.out.println("wrote " + all.size() + " explanation(s) to " + out);
    }

    /** The min-max normalised map over the image: half image, half a black-red-yellow-white ramp. */
    static BufferedImage overlay(BufferedImage shown, float[] map, int h, int w) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (float v : map) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      float range = max > min ? max - min : 1;
      BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float t = (map[y * w + x] - min) / range;
          int r = Math.round(255 * Math.min(1, 3 * t));
          int g = Math.round(255 * Math.min(1, Math.max(0, 3 * t - 1)));
          int b = Math.round(255 * Math.min(1, Math.max(0, 3 * t - 2)));
          int rgb = shown != null && shown.getWidth() == w && shown.getHeight() == h ? shown.getRGB(x, y) : 0;
          int pr = (((rgb >> 16) & 255) + r) / 2;
          int pg = (((rgb >> 8) & 255) + g) / 2;
          int pb = ((rgb & 255) + b) / 2;
          out.setRGB(x, y, (pr << 16) | (pg << 8) | pb);
        }
      }
      return out;
    }
  }
}
