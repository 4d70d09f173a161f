package dev.lanterne.lab;

import dev.lanterne.explain.inversion.AscentTrace;
import dev.lanterne.explain.inversion.ClassModelInversion;
import dev.lanterne.explain.inversion.DeepDream;
import dev.lanterne.explain.inversion.HighFrequencyEnergy;
import dev.lanterne.explain.inversion.InversionModels;
import dev.lanterne.explain.inversion.InversionOptions;
import dev.lanterne.explain.inversion.LayerObjective;
import dev.lanterne.explain.inversion.TransferCheck;
import dev.lanterne.image.PanelGrid;
import dev.lanterne.image.Preprocessor;
import dev.lanterne.runtime.InversionModel;
import dev.lanterne.grad.InversionSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment 1: class-model inversion from noise without regularisation and with a Gaussian blur
 * every 5 steps, for five classes, on both pretrained models (final probability, high-frequency
 * energy, and whether the other model sees the same class); then deep dream of several classes
 * from one photo.
 */
final class InversionExperiment implements Experiment {
  /** flamingo, leopard, acoustic guitar, sports car, banana: animal, animal, object, vehicle, fruit. */
  static final int[] CLASSES = {130, 288, 402, 817, 954};
  /** The course's seven classes, for the acceptance run on the main model. */
  static final int[] COURSE_CLASSES = {130, 208, 288, 402, 620, 817, 954};
  static final String DREAM_PHOTO = "cat.png";
  static final int[] DREAM_CLASSES = {130, 288, 954, 817};
  /** The middle layer the layer deep dream climbs (the output of block 8 of MobileNetV2, 64x14x14). */
  static final String DREAM_LAYER = "MobilenetV2/expanded_conv_8/add";
  static final int BLUR_EVERY = 5;
  static final double BLUR_SIGMA = 1.0;

  @Override
  public String id() {
    return "inversion";
  }

  @Override
  public long units(LabSettings s) {
    return 2L * 2 * s.inversionSteps() + 2L * s.inversionSteps() + 3L * s.dreamSteps() * s.dreamOctaves();
  }

  /** Adam on normalised gradients from uniform noise; nothing else (no jitter, decay or clipping). */
  static InversionOptions unregularized(LabSettings s, long seed) {
    return InversionOptions.defaults().unregularized().withSteps(s.inversionSteps()).withSeed(seed)
        .withSnapshotEvery(0);
  }

  static InversionOptions blurred(LabSettings s, long seed) {
    return unregularized(s, seed).withBlur(BLUR_EVERY, BLUR_SIGMA);
  }

  @Override
  public Section run(LabContext ctx, Progress progress) {
    LabOutput out = ctx.output(id());
    LabSettings s = ctx.settings();
    long seed = ctx.seed(10);
    InversionOptions plain = unregularized(s, seed);
    InversionOptions blur = blurred(s, seed);
    Table perClass = new Table("classes", "model", "class", "label", "p (no reg.)", "p (blur)", "HF energy (no reg.)",
        "HF energy (blur)", "HF ratio blur/no reg.", "other model top-1 (no reg.)", "other model top-1 (blur)");
    Table perModel = new Table("models", "model", "setting", "mean p", "mean HF energy", "transfer agreement",
        "time (s)");
    List<List<PanelGrid.Panel>> grid = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (LabModel m : List.of(ctx.main(), ctx.small())) {
      LabModel other = m == ctx.main() ? ctx.small() : ctx.main();
      Result a = invert(ctx, m, other, plain, progress);
      Result b = invert(ctx, m, other, blur, progress);
      for (int i = 0; i < CLASSES.length; i++) {
        perClass.add(m.name(), CLASSES[i], m.label(CLASSES[i]), (double) a.trace.finalProbability(i),
            (double) b.trace.finalProbability(i), a.hf[i], b.hf[i], b.hf[i] / a.hf[i], other.label(a.transfer[i]),
            other.label(b.transfer[i]));
      }
      perModel.add(m.name(), "no regularisation", mean(a.trace), avg(a.hf), agreement(a.transfer), a.seconds);
      perModel.add(m.name(), "blur every " + BLUR_EVERY, mean(b.trace), avg(b.hf), agreement(b.transfer), b.seconds);
      String shortName = m == ctx.main() ? "MobileNetV2" : "MobileNetV1 0.25";
      grid.add(row(m, a));
      labels.add(shortName + ", no reg.");
      grid.add(row(m, b));
      labels.add(shortName + ", blur/" + BLUR_EVERY);
    }
    out.table(perClass);
    out.table(perModel);
    out.png("inversion.png", Figures.grid(grid, labels));

    // The course's seven classes on the main model with Yosinski et al.'s regularisation (blur 1.0 every
    // 4 steps, jitter, clipping), once with the pre-softmax score and once with the log-probability:
    // the quantized model's logits saturate, after which only the probability objective separates classes.
    Table course = new Table("course", "objective", "class", "label", "final p", "p above 0.9");
    List<List<PanelGrid.Panel>> cgrid = new ArrayList<>();
    List<String> clabels = new ArrayList<>();
    for (boolean logprob : new boolean[] {false, true}) {
      InversionOptions o = InversionOptions.defaults().withSteps(s.inversionSteps()).withSeed(seed)
          .withSnapshotEvery(0).withLogProbability(logprob);
      long t0 = System.nanoTime();
      AscentTrace t;
      try (InversionModel im = session(ctx, ctx.main())) {
        t = ClassModelInversion.run(im, ctx.main().card(), COURSE_CLASSES, null, o, (step, obj, p) -> progress.step(1));
      }
      ctx.addTime("inversion, course classes (" + ctx.main().name() + ")", (System.nanoTime() - t0) / 1e9);
      String objective = logprob ? "log-probability" : "pre-softmax score";
      List<PanelGrid.Panel> row = new ArrayList<>();
      for (int i = 0; i < COURSE_CLASSES.length; i++) {
        int c = COURSE_CLASSES[i];
        double p = t.finalProbability(i);
        course.add(objective, c, ctx.main().label(c), p, p > 0.9 ? "yes" : "no");
        row.add(Figures.stretched(ctx.main().preprocessor().toImage(t.image(i)),
            String.format(Locale.ROOT, "%d %s\np = %.3f", c, ctx.main().label(c), p)));
      }
      cgrid.add(row);
      clabels.add(objective);
    }
    out.table(course);
    out.png("course.png", Figures.grid(cgrid, clabels));

    Table dream = new Table("deepdream", "model", "class", "label", "p on the photo", "p after deep dream");
    List<List<PanelGrid.Panel>> dgrid = new ArrayList<>();
    List<String> dlabels = new ArrayList<>();
    DeepDream.Options dreamOptions = dreamOptions(s, ctx.seed(11));
    for (LabModel m : List.of(ctx.main(), ctx.small())) {
      Preprocessor.Prepared photo = m.prepare(ctx.photo(DREAM_PHOTO));
      float[] before = m.probabilities(photo.tensor());
      AscentTrace t;
      long t0 = System.nanoTime();
      try (InversionModel im = session(ctx, m)) {
        t = DeepDream.run(im, m.card(), photo.tensor(), DREAM_CLASSES, m.classifier().numClasses(), dreamOptions,
            (step, o, p) -> progress.step(1));
      }
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
      int k = m.classifier().numClasses();
      byte[] layered = LayerObjective.append(m.proto().toByteArray(), DREAM_LAYER, m.chw());
      AscentTrace t;
      long t0 = System.nanoTime();
      try (InversionModel im = InversionModels.compile(layered, dreamOptions.ascent().normalizeGradient(),
          m.runtime())) {
        t = DeepDream.run(im, m.card(), photo.tensor(), new int[] {k}, k, dreamOptions,
            (step, o, p) -> progress.step(1));
      }
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
    params.put("classes", CLASSES);
    params.put("unregularized", plain);
    params.put("blurred", blur);
    params.put("highFrequencyCutoff", HighFrequencyEnergy.DEFAULT_CUTOFF);
    params.put("transfer", "each image saved as 8-bit RGB, resized (PIL bilinear) to the other model's input,"
        + " classified by it");
    params.put("deepDream", Map.of("photo", DREAM_PHOTO, "classes", DREAM_CLASSES, "octaves",
        dreamOptions.octaves(), "octaveScale", dreamOptions.octaveScale(), "ascent", dreamOptions.ascent()));
    out.params(params);
    params.put("courseClasses", COURSE_CLASSES);
    params.put("courseRun", "main model, InversionOptions.defaults(): Adam on normalised gradients, blur 1.0 every 4"
        + " steps, jitter, clipping; objectives: pre-softmax score and log-probability");
    return section(out, s, perClass, perModel, dream, course, layerDream);
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
    return new DeepDream.Options(s.dreamOctaves(), d.octaveScale(),
        d.ascent().withSteps(s.dreamSteps()).withSeed(seed).withSnapshotEvery(0));
  }

  /** The inversion step of a model, from the lab's compiled graphs. */
  private static InversionModel session(LabContext ctx, LabModel m) {
    return new InversionSession(ctx.graphs().standard(m.proto()).inversion(), m.runtime());
  }

  private record Result(AscentTrace trace, double[] hf, int[] transfer, double seconds) {}

  private static Result invert(LabContext ctx, LabModel m, LabModel other, InversionOptions o, Progress progress) {
    long t0 = System.nanoTime();
    AscentTrace t;
    try (InversionModel im = session(ctx, m)) {
      t = ClassModelInversion.run(im, m.card(), CLASSES, null, o, (step, obj, p) -> progress.step(1));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    ctx.addTime("inversion (" + m.name() + ")", seconds);
    int[] chw = m.chw();
    double[] hf = new double[CLASSES.length];
    for (int i = 0; i < CLASSES.length; i++) {
      hf[i] = HighFrequencyEnergy.fraction(HighFrequencyEnergy.toPixels(t.image(i), m.card().mean(), m.card().std()),
          chw[1], chw[2]);
    }
    int[] transfer = TransferCheck.top1(t.images(), CLASSES.length, m.card(), other.classifier(), other.card());
    ctx.verbose("inversion: %s blur %d, %d steps in %.1f s", m.name(), o.blurEvery(), o.steps(), seconds);
    return new Result(t, hf, transfer, seconds);
  }

  private static List<PanelGrid.Panel> row(LabModel m, Result r) {
    List<PanelGrid.Panel> row = new ArrayList<>();
    for (int i = 0; i < CLASSES.length; i++) {
      row.add(Figures.stretched(m.preprocessor().toImage(r.trace.image(i)), String.format(Locale.ROOT,
          "%d %s\np = %.3f, HF %.2f", CLASSES[i], m.label(CLASSES[i]), r.trace.finalProbability(i), r.hf[i])));
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

  private static double avg(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  private static double agreement(int[] top1) {
    int hits = 0;
    for (int i = 0; i < CLASSES.length; i++) {
      hits += top1[i] == CLASSES[i] ? 1 : 0;
    }
    return (double) hits / CLASSES.length;
  }

  private static Section section(LabOutput out, LabSettings s, Table perClass, Table perModel, Table dream,
      Table course, Table layerDream) {
    Section sec = new Section("1. Class-model inversion and deep dream");
    sec.text("> **The course asks:** what does the network imagine a class to be? Start from noise and climb the"
        + " class score by gradient ascent, without regularisation and with blur (then the full recipe of Yosinski"
        + " et al.), on the course's classes and on both models; then dream from a photo. What changes from one"
        + " model to the other?");
    sec.text("Every generated image is shown with a per-image 1-99% percentile display stretch (said under"
        + " each picture; the PNG files and every number are the unstretched images the model scored). Both models"
        + " climb the pre-softmax score of classes " + java.util.Arrays.toString(CLASSES)
        + " (flamingo, leopard, acoustic guitar, sports car, banana) from the same uniform noise (mid-gray"
        + " +-0.1), with Adam (lr 0.05) on mean-|g|-normalised gradients for " + s.inversionSteps() + " steps."
        + " Without regularisation nothing else touches the image; the regularised run only adds a Gaussian blur"
        + " (sigma " + BLUR_SIGMA + " px) every " + BLUR_EVERY + " steps. HF energy is the fraction of the"
        + " luminance's spectral energy above 0.25 cycles per pixel (white noise: about 0.80). Transfer: the"
        + " image is saved as 8-bit RGB, resized to the other model's input and classified by it.");
    sec.figure("inversions of both models, without and with blur", out.link("inversion.png"));
    sec.table(perModel, out.link("models.csv"));
    sec.table(perClass, out.link("classes.csv"));
    sec.text(inversionComment(perModel, perClass));
    sec.heading("The course's seven classes, with Yosinski et al.'s regularisation");
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
    sec.text("The main model, classes " + java.util.Arrays.toString(COURSE_CLASSES) + ", " + s.inversionSteps()
        + " Adam steps from noise with a Gaussian blur (sigma 1.0) every 4 steps, random jitter and clipping to the"
        + " valid pixel range, once climbing the pre-softmax score and once the log-probability. Above p 0.9: "
        + scoreHits + "/" + COURSE_CLASSES.length + " with the score, " + logHits + "/" + COURSE_CLASSES.length
        + " with the log-probability. The quantized logits saturate at the top of their range, after which a higher"
        + " score no longer separates the target from the other classes; the log-probability keeps pushing the"
        + " others down.");
    sec.figure("the course's classes, both objectives", out.link("course.png"));
    sec.table(course, out.link("course.csv"));
    sec.heading("Deep dream from one photo");
    sec.text("Each image starts from " + DREAM_PHOTO + " and climbs one class score over " + s.dreamOctaves()
        + " octaves (scale 1.4) of " + s.dreamSteps() + " normalised gradient-ascent steps each (lr 0.01,"
        + " jitter 4 px).");
    sec.text("The last row is the classic (layer) deep dream from the same photo: the main model climbs 0.5 ||A||^2"
        + " of the activation A of layer `" + DREAM_LAYER + "`, with the same octaves and steps, amplifying"
        + " whatever that layer already sees in the photo.");
    sec.figure("deep dream of several classes and of one layer", out.link("deepdream.png"));
    sec.table(dream, out.link("deepdream.csv"));
    sec.table(layerDream, out.link("layerdream.csv"));
    sec.text(dreamComment(dream));
    return sec;
  }

  private static String inversionComment(Table perModel, Table perClass) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i + 1 < perModel.size(); i += 2) {
      List<Object> a = perModel.row(i);
      List<Object> b = perModel.row(i + 1);
      parts.add(String.format(Locale.ROOT, "%s: mean final probability %.3f without and %.3f with blur; mean HF"
          + " energy %.3f vs %.3f (ratio %.2f); the other model agrees on %.0f%% vs %.0f%% of the images.",
          a.get(0), (Double) a.get(2), (Double) b.get(2), (Double) a.get(3), (Double) b.get(3),
          (Double) b.get(3) / (Double) a.get(3), 100 * (Double) a.get(4), 100 * (Double) b.get(4)));
    }
    if (perModel.size() >= 4) {
      double hfMain = (Double) perModel.row(0).get(3);
      double hfSmall = (Double) perModel.row(2).get(3);
      double agree = ((Double) perModel.row(0).get(4) + (Double) perModel.row(1).get(4)
          + (Double) perModel.row(2).get(4) + (Double) perModel.row(3).get(4)) / 4;
      double hfBlur = ((Double) perModel.row(1).get(3) + (Double) perModel.row(3).get(3)) / 2;
      parts.add(String.format(Locale.ROOT, "**Answer.** Without regularisation the images' HF energy is %.3f (%s)"
          + " and %.3f (%s), against about 0.80 for white noise; with blur it falls to %.3f on average, %s. The"
          + " other model agrees with the target on %.0f%% of all images: %s.", hfMain, perModel.row(0).get(0),
          hfSmall, perModel.row(2).get(0), hfBlur,
          hfBlur < 0.5 * Math.min(hfMain, hfSmall) ? "less than half: the blur removes the pixel-level patterns"
              + " that maximise a score without looking like anything" : "a modest change",
          100 * agree, agree < 0.5 ? "what one network imagines is mostly its own, not the class's"
              : "the images carry features both networks read as the class"));
    }
    return String.join(" ", parts);
  }

  private static String dreamComment(Table dream) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < dream.size(); i++) {
      List<Object> r = dream.row(i);
      parts.add(String.format(Locale.ROOT, "%s %s %.4f -> %.3f", r.get(0), r.get(2), (Double) r.get(3),
          (Double) r.get(4)));
    }
    return "Probability of each class on the photo before and after: " + String.join("; ", parts) + ".";
  }
}
