package dev.lanterne.cli;

import dev.lanterne.explain.Images;

import dev.lanterne.explain.ModelDescription;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanterne.runtime.Classifier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne classify`: the top K classes with label, probability and logit. */
public final class ClassifyCommand implements Command {
  @Override
  public String name() {
    return "classify";
  }

  @Override
  public String summary() {
    return "print the top K classes of each image, with label, probability and logit";
  }

  @Override
  public Options options() {
    Options o = CommonOptions.model(new Options());
    CommonOptions.inputs(o);
    o.addOption(Option.builder().longOpt("top").hasArg().argName("K").desc("how many classes (default 5)").build());
    o.addOption(Option.builder().longOpt("json").desc("print one JSON array, one object per image").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) throws Exception {
    ModelDescription spec = CliSupport.model(cl);
    Images inputs = CliSupport.inputs(cl, spec);
    float[] scores;
    int k;
    try (Classifier model = spec.openClassifier()) {
      scores = model.run(inputs.tensor(), inputs.size());
      k = model.numClasses();
    }
    int top = CliSupport.intOption(cl, "top", 5, 1, k);
    boolean probs = spec.card().outputsProbabilities();
    ObjectMapper json = new ObjectMapper();
    ArrayNode all = json.createArrayNode();
    for (int i = 0; i < inputs.size(); i++) {
      float[] p = CliSupport.probabilities(scores, i * k, k, probs);
      int[] best = CliSupport.topK(scores, i * k, k, top);
      ObjectNode img = all.addObject();
      img.put("image", inputs.names().get(i));
      ArrayNode rows = img.putArray("top");
      if (!cl.hasOption("json")) {
        System.out.println(inputs.names().get(i));
      }
      for (int r = 0; r < best.length; r++) {
        int c = best[r];
        ObjectNode row = rows.addObject();
        row.put("class", c);
        row.put("label", spec.labels().get(c));
        row.put("probability", p[c]);
        row.put(probs ? "score" : "logit", scores[i * k + c]);
        if (!cl.hasOption("json")) {
          System.out.printf("  %d. %4d  %-32s p=%.4f  %s=%.3f%n", r + 1, c, spec.labels().get(c), p[c],
              probs ? "score" : "logit", scores[i * k + c]);
        }
      }
    }
    if (cl.hasOption("json")) {
      System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(all));
    }
    return 0;
  }
}
