package dev.lanterne.lab;

import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.inversion.ClassInversion;
import dev.lanterne.explain.inversion.DeepDream;
import dev.lanterne.explain.inversion.HighFrequencyEnergy;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.InversionTarget;
import dev.lanterne.explain.inversion.LayerObjective;
import dev.lanterne.explain.inversion.TransferCheck;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Preprocessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 1: class-model inversion of the course's seven classes: no regularisation, a Gaussian
 * blur every 5 steps, and the full recipe of Yosinski et al.; from noise and from a photo; with the
 * pre-softmax score and the log-probability; on both pretrained models (final probability,
 * high-frequency energy, and whether the other model sees the same class); then deep dream of
 * several classes and of one layer from the same photo.
 */
final class InversionExperiment implements Experiment {
  /** The course's seven classes: flamingo, Labrador, leopard, acoustic guitar, laptop, sports car, banana. */
  static final int[] COURSE_CLASSES = {130, 208, 288, 402, 620, 817, 954};
  static final String DREAM_PHOTO = "cat.png";
  static final int[] DREAM_CLASSES = {130, 288, 954, 817};
  /** The middle layer the layer deep dream climbs (the output of block 8 of MobileNetV2, 64x14x14). */
  static final String DREAM_LAYER = "MobilenetV2/expanded_conv_8/add";
  static final int BLUR_EVERY = 5;
  static final double BLUR_SIGMA = 1.0;
  static final String NONE = "no regularisation";
  static final String BLUR = "blur every " + BLUR_EVERY;
  static final String FULL = "full recipe";

  @Override
  public String id() {
    return "inversion";
  }

  @Override
  public long units(LabSettings s) {
    return 8L * s.inversionSteps() + 3L * s.dreamSteps() * s.dreamOctaves();
  }

  /** Adam on normalised gradients from uniform noise; nothing else (no jitter, decay or clipping). */
  static InversionOptions unregularized(LabSettings s, long seed) {
    return InversionOptions.defaults().unregularized().withSteps(s.inversionSteps()).withSeed(seed)
        .withSnapshotEvery(0);
  }

  static InversionOptions blurred(LabSettings s, long seed) {
    return unregularized(s, seed).withBlur(BLUR_EVERY, BLUR_SIGMA);
  }

  /** Yosinski et al.'s recipe as the library's defaults: blur 1.0 every 4 steps, jitter 2 px, clipping. */
  static InversionOptions full(LabSettings s, long seed) {
    return InversionOptions.defaults().withSteps(s.inversionSteps()).withSeed(seed).withSnapshotEvery(0);
  }

  private static String shortName(LabContext ctx, LabModel m) {
    return m == ctx.main() ? "MobileNetV2" : "MobileNetV1 0.25";
  }

  @Override
  public Section run(LabContext ctx, Progress progress) {
    LabOutput out = ctx.output(id());
    LabSettings s = ctx.settings();
    long seed = ctx.seed(10);
    Map<String, InversionOptions> recipes = new LinkedHashMap<>();
    recipes.put(NONE, unregularized(s, seed));
    recipes.put(BLUR, blurred(s, seed));
    recipes.put(FULL, full(s, seed));
    Table perClass = new Table("classes", "model", "setting", "class", "label", "final p", "HF energy",
        "other model top-1");
    Table perModel = new Table("models", "model", "setting", "mean p", "mean HF energy", "transfer agreement",
        "time (s)");
    Map<LabModel, Map<String, Result>> results = new LinkedHashMap<>();
    for (LabModel m : List.of(ctx.main(), ctx.small())) {
      LabModel other = m == ctx.main() ? ctx.small() : ctx.main();
      Map<String, Result> mine = new LinkedHashMap<>();
      for (Map.Entry<String, InversionOptions> e : recipes.entrySet()) {
        Result r = invert(ctx, m, other, e.getValue(), null, progress);
        mine.put(e.getKey(), r);
        for (int i = 0; i < COURSE_CLASSES.length; i++) {
          perClass.add(m.name(), e.getKey(), COURSE_CLASSES[i], m.label(COURSE_CLASSES[i]),
              (double) r.trace.finalProbability(i), r.hf[i], other.label(r.transfer[i]));
        }
        perModel.add(m.name(), e.getKey(), mean(r.trace), Stats.mean(r.hf), agreement(r.transfer), r.seconds);
      }
      results.put(m, mine);
    }
    out.table(perClass);
    out.table(perModel);
    List<List<PanelGrid.Panel>> rgrid = new ArrayList<>();
    List<String> rlabels = new ArrayList<>();
    for (String recipe : recipes.keySet()) {
      rgrid.add(row(ctx.main(), results.get(ctx.main()).get(recipe)));
      rlabels.add(recipe);
    }
    out.png("recipes.png", Figures.grid(rgrid, rlabels));
    List<List<PanelGrid.Panel>> mgrid = new ArrayList<>();
    List<String> mlabels = new ArrayList<>();
    for (String recipe : List.of(NONE, FULL)) {
      for (LabModel m : List.of(ctx.main(), ctx.small())) {
        mgrid.add(row(m, results.get(m).get(recipe)));
        mlabels.add(shortName(ctx, m) + ", " + recipe);
      }
    }
    out.png("models.png", Figures.grid(mgrid, mlabels));

    // the course's seven classes on the main model with the full recipe, once with the pre-softmax score
    // (above) and once with the log-probability: the quantized model's logits saturate, after which only
    // the probability objective separates classes; then the same from a photo instead of noise
    LabModel main = ctx.main();
    Result logprob = invert(ctx, main, ctx.small(), full(s, seed).withLogProbability(true), null, progress);
    Preprocessor.Prepared startPhoto = main.prepare(ctx.photo(DREAM_PHOTO));
    Result fromPhoto = invert(ctx, main, ctx.small(), full(s, seed).withLogProbability(true)
        .withStart(InversionOptions.Start.IMAGE), startPhoto.tensor(), progress);
    Table course = new Table("course", "objective", "class", "label", "final p", "p above 0.9");
    List<List<PanelGrid.Panel>> cgrid = new ArrayList<>();
    List<String> clabels = new ArrayList<>();
    for (boolean lp : new boolean[] {false, true}) {
      Result r = lp ? logprob : results.get(main).get(FULL);
      String objective = lp ? "log-probability" : "pre-softmax score";
      for (int i = 0; i < COURSE_CLASSES.length; i++) {
        double p = r.trace.finalProbability(i);
        course.add(objective, COURSE_CLASSES[i], main.label(COURSE_CLASSES[i]), p, p > 0.9 ? "yes" : "no");
      }
      cgrid.add(row(main, r));
      clabels.add(objective);
    }
    out.table(course);
    out.png("course.png", Figures.grid(cgrid, clabels));

    float[] pStart = main.probabilities(startPhoto.tensor());
    Table start = new Table("start", "start", "class", "label", "p at the start", "final p", "HF energy",
        "correlation with the photo");
    List<List<PanelGrid.Panel>> sgrid = new ArrayList<>();
    for (Result r : List.of(logprob, fromPhoto)) {
      boolean isPhoto = r == fromPhoto;
      for (int i = 0; i < COURSE_CLASSES.length; i++) {
        int c = COURSE_CLASSES[i];
        start.add(isPhoto ? DREAM_PHOTO : "noise", c, main.label(c), isPhoto ? (double) pStart[c] : Double.NaN,
            (double) r.trace.finalProbability(i), r.hf[i], Stats.pearson(startPhoto.tensor(), r.trace.image(i)));
      }
      List<PanelGrid.Panel> row = new ArrayList<>();
      // the noise start is not drawn (it is mid-gray +-0.1); the photo start is
      row.add(isPhoto ? Figures.panel(startPhoto.shown(), DREAM_PHOTO + " (the start)") : null);
      row.addAll(row(main, r));
      sgrid.add(row);
    }
    out.table(start);
    out.png("start.png", Figures.grid(sgrid, List.of("from noise", "from " + DREAM_PHOTO)));

    Table dream = new Table("deepdream", "model", "class", "label", "p on the photo", "p after deep dream");
    List<List<PanelGrid.Panel>> dgrid = new ArrayList<>();
    List<String> dlabels = new ArrayList<>();
    DeepDream.Options dreamOptions = dreamOptions(s, ctx.seed(11));
    for (LabModel m : List.of(ctx.main(), ctx.small())) {
      Preprocessor.Prepared photo = m.prepare(ctx.photo(DREAM_PHOTO));
      float[] before = m.probabilities(photo.tensor());
      AscentTrace t;
      long t0 = System.nanoTime();
      t = new DeepDream(m.model(), dreamOptions).dream(photo(m, photo), InversionTarget.classes(DREAM_CLASSES),
          (step, o, p) -> progress.step(1));
      ctx.addTime("deep dream (" + m.name() + ")", (System.nanoTime() - t0) / 1e9);
      List<PanelGrid.Panel> row = new ArrayList<>();
      StringBuilder photoTitle = new StringBuilder(DREAM_PHOTO + " (original)");
      for (int c : DREAM_CLASSES) {
        photoTitle.append(String.format(Locale.ROOT, "\np(%s) = %.3f", m.label(c), before[c]));
      }
      row.add(Figures.panel(photo.shown(), photoTitle.toString()));
      for (int i = 0; i < DREAM_CLASSES.length; i++) {
        int c = DREAM_CLASSES[i];
        float after = m.probabilities(t.image(i))[c];
        dream.add(m.name(), c, m.label(c), (double) before[c], (double) after);
        row.add(Figures.stretched(m.preprocessor().toImage(t.image(i)), String.format(Locale.ROOT,
            "%d %s\np = %.3f", c, m.label(c), after)));
      }
      dgrid.add(row);
      dlabels.add(m == ctx.main() ? "MobileNetV2" : "MobileNetV1 0.25");
    }
    // layer deep dream (the classic one): climb 0.5 ||A||^2 of a middle layer of the main model
    Table layerDream = new Table("layerdream", "model", "layer", "objective on the photo", "objective after",
        "top-1 after", "p of the photo's top-1 after");
    {
      LabModel m = ctx.main();
      Preprocessor.Prepared photo = m.prepare(ctx.photo(DREAM_PHOTO));
      long t0 = System.nanoTime();
      AscentTrace t = new DeepDream(m.model(), dreamOptions).dream(photo(m, photo),
          InversionTarget.layer(DREAM_LAYER, LayerObjective.Unit.L2), (step, o, p) -> progress.step(1));
      ctx.addTime("layer deep dream (" + m.name() + ")", (System.nanoTime() - t0) / 1e9);
      float[] before = m.probabilities(photo.tensor());
      float[] after = m.probabilities(t.image(0));
      int top0 = argmax(before);
      int top1 = argmax(after);
      layerDream.add(m.name(), DREAM_LAYER, (double) t.objective()[0][0], (double) t.finalObjective(0),
          top1 + " " + m.label(top1), (double) after[top0]);
      List<PanelGrid.Panel> row = new ArrayList<>();
      row.add(Figures.panel(photo.shown(), String.format(Locale.ROOT, "%s (original)\n%s p = %.3f", DREAM_PHOTO,
          m.label(top0), before[top0])));
      row.add(Figures.stretched(m.preprocessor().toImage(t.image(0)), String.format(Locale.ROOT,
          "layer %s\n0.5 ||A||^2: %.3g -> %.3g\ntop-1 now %s p = %.3f", shortLayer(DREAM_LAYER),
          t.objective()[0][0], t.finalObjective(0), m.label(top1), after[top1])));
      dgrid.add(row);
      dlabels.add("layer dream");
    }
    out.table(dream);
    out.table(layerDream);
    out.png("deepdream.png", Figures.grid(dgrid, dlabels));

    Map<String, Object> params = s.asMap();
    params.put("models", List.of(LabContext.MAIN_MODEL, LabContext.SMALL_MODEL));
    params.put("classes", COURSE_CLASSES);
    params.put("recipes", recipes);
    params.put("highFrequencyCutoff", HighFrequencyEnergy.DEFAULT_CUTOFF);
    params.put("transfer", "each image saved as 8-bit RGB, resized (PIL bilinear) to the other model's input,"
        + " classified by it");
    params.put("startPhoto", DREAM_PHOTO);
    params.put("deepDream", Map.of("photo", DREAM_PHOTO, "classes", DREAM_CLASSES, "octaves",
        dreamOptions.octaves(), "octaveScale", dreamOptions.octaveScale(), "ascent", dreamOptions.ascent(),
        "layer", DREAM_LAYER));
    out.params(params);
    return section(out, s, perClass, perModel, course, start, dream, layerDream);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static String shortLayer(String layer) {
    int semi = layer.indexOf(';');
    return semi > 0 ? layer.substring(0, semi) : layer;
  }

  static DeepDream.Options dreamOptions(LabSettings s, long seed) {
    DeepDream.Options d = DeepDream.Options.defaults();
    return d.toBuilder().octaves(s.dreamOctaves())
        .ascent(d.ascent().toBuilder().steps(s.dreamSteps()).seed(seed).snapshotEvery(0).build()).build();
  }

  /** One image per class from the options' start, on the library's inversion of the model. */
  private static AscentTrace invert(LabModel m, int[] classes, InversionOptions o, Progress progress) {
    return new ClassInversion(m.model(), new ClassInversion.Options(o, ClassInversion.Parameterization.PIXELS))
        .invert(InversionTarget.classes(classes), (step, obj, p) -> progress.step(1));
  }

  /** A prepared photo as the library's images. */
  private static Images photo(LabModel m, Preprocessor.Prepared photo) {
    return m.model().tensors(photo.tensor(), 1, List.of(DREAM_PHOTO));
  }

  private record Result(AscentTrace trace, double[] hf, int[] transfer, double seconds) {}

  private static Result invert(LabContext ctx, LabModel m, LabModel other, InversionOptions o, float[] startImage,
      Progress progress) {
    long t0 = System.nanoTime();
    AscentTrace t;
    if (startImage == null) {
      t = invert(m, COURSE_CLASSES, o, progress);
    } else {
      t = new ClassInversion(m.model(), new ClassInversion.Options(o, ClassInversion.Parameterization.PIXELS))
          .invert(InversionTarget.classes(COURSE_CLASSES), m.model().tensors(startImage, 1, List.of("start")),
              (step, obj, p) -> progress.step(1));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ctx.addTime("inversion (" + m.name() + ")", seconds);
    int[] chw = m.chw();
    double[] hf = new double[COURSE_CLASSES.length];
    for (int i = 0; i < COURSE_CLASSES.length; i++) {
      hf[i] = HighFrequencyEnergy.fraction(HighFrequencyEnergy.toPixels(t.image(i), m.card().mean(), m.card().std()),
          chw[1], chw[2]);
    }
    int[] transfer = TransferCheck.top1(t.images(), COURSE_CLASSES.length, m.card(), other.classifier(),
        other.card());
    ctx.verbose("inversion: %s blur %d, %d steps in %.1f s", m.name(), o.blurEvery(), o.steps(), seconds);
    return new Result(t, hf, transfer, seconds);
  }

  private static List<PanelGrid.Panel> row(LabModel m, Result r) {
    List<PanelGrid.Panel> row = new ArrayList<>();
    for (int i = 0; i < COURSE_CLASSES.length; i++) {
      row.add(Figures.stretched(m.preprocessor().toImage(r.trace.image(i)), String.format(Locale.ROOT,
          "%d %s\np = %.3f, HF %.2f", COURSE_CLASSES[i], m.label(COURSE_CLASSES[i]), r.trace.finalProbability(i),
          r.hf[i])));
    }
    return row;
  }

  private static double mean(AscentTrace t) {
    double sum = 0;
    for (int i = 0; i < t.n(); i++) {
      sum += t.finalProbability(i);
    }
    return sum / t.n();
  }

  private static double agreement(int[] top1) {
    int hits = 0;
    for (int i = 0; i < COURSE_CLASSES.length; i++) {
      hits += top1[i] == COURSE_CLASSES[i] ? 1 : 0;
    }
    return (double) hits / COURSE_CLASSES.length;
  }

  /** {mean p, mean HF, agreement, seconds} of one model and recipe, from the per-model table. */
  private static double[] stats(Table perModel, String model, String setting) {
    for (int i = 0; i < perModel.size(); i++) {
      List<Object> r = perModel.row(i);
      if (r.get(0).equals(model) && r.get(1).equals(setting)) {
        return new double[] {(Double) r.get(2), (Double) r.get(3), (Double) r.get(4), (Double) r.get(5)};
      }
    }
    return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
  }

  private static Section section(LabOutput out, LabSettings s, Table perClass, Table perModel, Table course,
      Table start, Table dream, Table layerDream) {
    String mainName = LabContext.MAIN_MODEL.replace(".onnx", "");
    String smallName = LabContext.SMALL_MODEL.replace(".onnx", "");
    Section sec = new Section("1. Class-model inversion and deep dream");
    sec.text("> **The course asks:** what does the network imagine a class to be? Start from noise and climb the"
        + " class score by gradient ascent, without regularisation, with blur, then with the full recipe of"
        + " Yosinski et al.; start from a photo instead of noise; do it for the course's seven classes and on both"
        + " models; then dream from a photo, towards a class and towards a layer. What changes from one model to"
        + " the other?");
    sec.text("Every generated image is shown with a per-image 1-99% percentile display stretch (said under"
        + " each picture, with the class's final probability; the PNG files and every number are the unstretched"
        + " images the model scored). Classes " + java.util.Arrays.toString(COURSE_CLASSES) + ", Adam on"
        + " mean-|g|-normalised gradients for " + s.inversionSteps() + " steps from the same uniform noise"
        + " (mid-gray +-0.1). HF energy is the fraction of the luminance's spectral energy above 0.25 cycles per"
        + " pixel (white noise: about 0.80). Transfer: the image is saved as 8-bit RGB, resized to the other"
        + " model's input and classified by it.");
    sec.heading("No regularisation, blur, and the full recipe");
    sec.text("No regularisation: nothing but the gradient step touches the image (lr 0.1). Blur: a Gaussian blur"
        + " (sigma " + BLUR_SIGMA + " px) every " + BLUR_EVERY + " steps, nothing else. Full recipe (Yosinski et"
        + " al. 2015): blur (sigma 1.0) every 4 steps, a random jitter of up to 2 px before each step, and"
        + " clipping to the valid pixel range. All three climb the pre-softmax score; the main model.");
    sec.figure("the main model's inversions: no regularisation, blur, full recipe", out.link("recipes.png"));
    sec.table(perModel.where(0, mainName), out.link("models.csv"));
    double[] none = stats(perModel, mainName, NONE);
    double[] blur = stats(perModel, mainName, BLUR);
    double[] full = stats(perModel, mainName, FULL);
    sec.text(String.format(Locale.ROOT, "**Answer.** Without regularisation the images reach mean p %.3f with HF"
        + " energy %.3f (white noise: about 0.80): %s. Blur brings the HF energy to %.3f (mean p %.3f), the full"
        + " recipe to %.3f (mean p %.3f). The other model recognises the target in %.0f%%, %.0f%% and %.0f%% of"
        + " the images%s.", none[0], none[1], none[1] > 0.5 ? "the score is maximised by pixel-level patterns,"
            + " an adversarial texture rather than an object" : "already smoother than noise", blur[1], blur[0],
        full[1], full[0], 100 * none[2], 100 * blur[2], 100 * full[2],
        Math.max(none[2], Math.max(blur[2], full[2])) < 0.5 ? ": what one network imagines is mostly its own"
            : ""));
    sec.heading("Starting from noise or from a photo");
    sec.text("The full recipe with the log-probability objective (see the next subsection), once from uniform noise"
        + " and once from " + DREAM_PHOTO + ". Correlation: Pearson correlation of the final image with the photo"
        + " (pixels of the normalised input).");
    sec.figure("inversion from noise and from a photo", out.link("start.png"));
    sec.table(start, out.link("start.csv"));
    sec.text(startComment(start));
    sec.heading("The course's seven classes: score or log-probability");
    int scoreHits = 0;
    int logHits = 0;
    for (int i = 0; i < course.size(); i++) {
      List<Object> r = course.row(i);
      if (r.get(4).equals("yes")) {
        if (r.get(0).equals("log-probability")) {
          logHits++;
        } else {
          scoreHits++;
        }
      }
    }
    sec.text("The main model with the full recipe, climbing the pre-softmax score (the course's objective) and the"
        + " log-probability.");
    sec.figure("the course's classes, both objectives", out.link("course.png"));
    sec.table(course, out.link("course.csv"));
    sec.text("**Answer.** Above p 0.9: " + scoreHits + "/" + COURSE_CLASSES.length + " with the score, " + logHits
        + "/" + COURSE_CLASSES.length + " with the log-probability." + (logHits > scoreHits
            ? " The quantized logits saturate at the top of their range, after which a higher score no longer"
                + " separates the target from the other classes; the log-probability keeps pushing the others down."
            : logHits == scoreHits ? " Both objectives reach the same count." : ""));
    sec.heading("Two models");
    sec.text("The same recipes on " + smallName + " (128x128 input, a quarter of the channels, about 41% top-1)"
        + " and " + mainName + " (224x224, about 71% top-1). Rows of the figure: each model without"
        + " regularisation, then with the full recipe.");
    sec.figure("inversions of both models", out.link("models.png"));
    sec.table(perModel, out.link("models.csv"));
    sec.table(perClass, out.link("classes.csv"));
    sec.text(modelComment(perModel, mainName, smallName));
    sec.heading("Deep dream from one photo: towards a class and towards a layer");
    sec.text("Each class image starts from " + DREAM_PHOTO + " and climbs one class score over " + s.dreamOctaves()
        + " octaves (scale 1.4) of " + s.dreamSteps() + " normalised gradient-ascent steps each (lr 0.01,"
        + " jitter 4 px). The last row is the classic (layer) deep dream from the same photo: the main model"
        + " climbs 0.5 ||A||^2 of the activation A of layer `" + DREAM_LAYER + "`, with the same octaves and steps,"
        + " amplifying whatever that layer already sees in the photo.");
    sec.figure("deep dream of several classes and of one layer", out.link("deepdream.png"));
    sec.table(dream, out.link("deepdream.csv"));
    sec.table(layerDream, out.link("layerdream.csv"));
    sec.text(dreamComment(dream, layerDream));
    return sec;
  }

  private static String startComment(Table start) {
    List<Double> pNoise = new ArrayList<>();
    List<Double> pPhoto = new ArrayList<>();
    List<Double> corr = new ArrayList<>();
    List<Double> hfNoise = new ArrayList<>();
    List<Double> hfPhoto = new ArrayList<>();
    for (int i = 0; i < start.size(); i++) {
      List<Object> r = start.row(i);
      boolean photo = !r.get(0).equals("noise");
      (photo ? pPhoto : pNoise).add((Double) r.get(4));
      (photo ? hfPhoto : hfNoise).add((Double) r.get(5));
      if (photo) {
        corr.add((Double) r.get(6));
      }
    }
    double c = Stats.mean(corr);
    return String.format(Locale.ROOT, "**Answer.** Mean final p %.3f from noise and %.3f from the photo; HF energy"
        + " %.3f and %.3f. The images grown from the photo keep a correlation of %.2f with it on average: %s",
        Stats.mean(pNoise), Stats.mean(pPhoto), Stats.mean(hfNoise), Stats.mean(hfPhoto), c, c > 0.5
            ? "the photo's layout survives and the class's features are painted into it, as in deep dream."
            : "the ascent overwrites most of the photo, and the start matters less than the objective.");
  }

  private static String modelComment(Table perModel, String mainName, String smallName) {
    double[] mNone = stats(perModel, mainName, NONE);
    double[] sNone = stats(perModel, smallName, NONE);
    double[] mFull = stats(perModel, mainName, FULL);
    double[] sFull = stats(perModel, smallName, FULL);
    return String.format(Locale.ROOT, "**Answer.** Without regularisation the small model's images keep HF energy"
        + " %.3f against %.3f for the main model, with mean p %.3f against %.3f; with the full recipe, mean p %.3f"
        + " against %.3f and HF energy %.3f against %.3f. One run of the seven classes costs %.1f s on the small"
        + " model and %.1f s on the main one (%.0fx). %s The other model recognises the target in %.0f%% (small ->"
        + " main) and %.0f%% (main -> small) of the full-recipe images.", sNone[1], mNone[1], sNone[0], mNone[0],
        sFull[0], mFull[0], sFull[1], mFull[1], sFull[3], mFull[3], mFull[3] / Math.max(1e-9, sFull[3]),
        sFull[0] >= mFull[0] ? "The small model is the easier one to satisfy: fewer channels and a 128-pixel input"
            + " leave fewer constraints on what scores as the class."
            : "The main model reaches higher probabilities in the same number of steps.",
        100 * sFull[2], 100 * mFull[2]);
  }

  private static String dreamComment(Table dream, Table layerDream) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < dream.size(); i++) {
      List<Object> r = dream.row(i);
      parts.add(String.format(Locale.ROOT, "%s %s %.4f -> %.3f", r.get(0), r.get(2), (Double) r.get(3),
          (Double) r.get(4)));
    }
    String layer = "";
    if (layerDream.size() > 0) {
      List<Object> r = layerDream.row(0);
      layer = String.format(Locale.ROOT, " The layer dream raises its objective from %.3g to %.3g; afterwards the"
          + " main model's top-1 is %s and the photo's original top-1 keeps p %.3f: a class dream paints one"
          + " class's features into the photo, a layer dream amplifies what the layer already responds to,"
          + " whatever the class.", (Double) r.get(2), (Double) r.get(3), r.get(4), (Double) r.get(5));
    }
    return "**Answer.** Probability of each class on the photo before and after the class dream: "
        + String.join("; ", parts) + "." + layer;
  }
}
