package dev.lanterne.cli;

import dev.lanterne.console.Progress;

import dev.lanterne.LanterneException;
import dev.lanterne.model.ModelCard;
import dev.lanterne.model.ModelFetcher;
import dev.lanterne.model.ModelRegistry;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** `lanterne fetch NAME`: downloads a model-zoo classifier listed in onnx/ into the user's cache. */
public final class FetchCommand implements Command, Main.TakesArguments {
  @Override
  public String name() {
    return "fetch";
  }

  @Override
  public String summary() {
    return "download a model listed in onnx/ (lanterne fetch --list) into ~/.cache/lanterne/models";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("list").desc("list the models that can be fetched").build());
    CommonOptions.out(o, false);
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print stack traces").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    if (cl.hasOption("list") || cl.getArgList().isEmpty()) {
      for (ModelCard c : ModelRegistry.cards()) {
        if (c.url() != null) {
          System.out.printf("%-24s %s%n", c.name(), c.source());
        }
      }
      if (!cl.hasOption("list")) {
        System.err.println("lanterne fetch: give a NAME from the list above");
        return LanterneException.USAGE;
      }
      return 0;
    }
    String name = cl.getArgList().get(0);
    ModelCard card = ModelRegistry.byName(name).or(() -> ModelRegistry.byName("zoo-" + name))
        .orElseThrow(() -> LanterneException.usage("unknown model '" + name + "'; lanterne fetch --list shows the"
            + " models that can be fetched"));
    Path dir = Path.of(cl.getOptionValue(CommonOptions.OUT, dev.lanterne.model.CacheRoot.dir().resolve("models").toString()));
    Path file;
    try (Progress bar = Progress.start("fetch " + card.name(), -1, "B")) {
      file = ModelFetcher.fetch(card, dir, bar::stepTo);
    }
    System.out.println(file);
    return 0;
  }
}
