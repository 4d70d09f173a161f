package dev.lanterne.cli;

import dev.lanterne.LanterneException;
import dev.lanterne.onnx.BatchRewrite;
import dev.lanterne.onnx.Dequantize;
import dev.lanterne.onnx.OnnxModels;
import dev.lanterne.onnx.Outputs;
import dev.lanterne.onnx.proto.Onnx;
import dev.lanterne.tensor.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * `lanterne convert`: writes a transformed copy of a model: dequantized to plain float32, with a
 * dynamic batch, with intermediate tensors exposed as outputs; external data is always inlined.
 */
public final class ConvertCommand implements Command {
  @Override
  public String name() {
    return "convert";
  }

  @Override
  public String summary() {
    return "write a float32 (--dequantize), batch-dynamic or layer-exposing copy of a model";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt(CommonOptions.MODEL).hasArg().argName("FILE").required()
        .desc("ONNX model to convert").build());
    o.addOption(Option.builder().longOpt(CommonOptions.OUT).hasArg().argName("FILE").required()
        .desc("the converted .onnx file to write").build());
    o.addOption(Option.builder().longOpt("dequantize")
        .desc("fold quantized weights and remove QuantizeLinear/DequantizeLinear pairs: a plain float32 model").build());
    o.addOption(Option.builder().longOpt("dynamic-batch")
        .desc("make a fixed batch of 1 dynamic (fails if the graph does not allow it)").build());
    o.addOption(Option.builder().longOpt("expose").hasArgs().argName("TENSOR...")
        .desc("add intermediate tensors as graph outputs").build());
    o.addOption(Option.builder().longOpt(CommonOptions.VERBOSE).desc("print stack traces and details").build());
    o.addOption(Option.builder("h").longOpt(CommonOptions.HELP).desc("show this help").build());
    return o;
  }

  @Override
  public int run(CommandLine cl) {
    Path in = Path.of(cl.getOptionValue(CommonOptions.MODEL));
    Path out = Path.of(cl.getOptionValue(CommonOptions.OUT));
    if (Files.isDirectory(out)) {
      throw LanterneException.usage("--out " + out + " is a folder; pass the name of the .onnx file to write");
    }
    if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      throw LanterneException.usage("--out is the input model itself; write the converted model to another file");
    }
    Onnx.ModelProto model = OnnxModels.load(in);
    if (cl.hasOption("dequantize")) {
      model = Dequantize.apply(model);
    }
    if (cl.hasOption("expose")) {
      model = Outputs.expose(model, cl.getOptionValues("expose"));
    }
    byte[] bytes = OnnxModels.toBytes(model);
    if (cl.hasOption("dynamic-batch")) {
      bytes = BatchRewrite.makeBatchDynamic(bytes).orElseThrow(() -> new LanterneException(
          "cannot make the batch of " + in.getFileName() + " dynamic: the graph mixes the batch axis with others;"
              + " Lanterne will run it one image at a time"));
    }
    AtomicFiles.write(out, bytes);
    System.out.println("wrote " + out + " (" + OnnxModels.parse(bytes, out.toString()).getGraph().getNodeCount()
        + " nodes)");
    return 0;
  }
}
