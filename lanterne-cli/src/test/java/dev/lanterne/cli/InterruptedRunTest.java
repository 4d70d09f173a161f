package dev.lanterne.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanterne.tensor.OutputFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 (1): a run killed half way (kill -9 of a child JVM) into an --out folder that holds an
 * earlier run leaves that earlier run whole; the next run removes the leftovers and leaves exactly
 * its own files.
 */
class InterruptedRunTest {
  @TempDir Path dir;

  @Test
  void killedRiseLeavesTheEarlierRunWhole() throws Exception {
    List<String> images = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      BufferedImage im = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 48; x++) {
          im.setRGB(x, y, ((x * (i + 3)) & 255) << 16 | ((y * 5 + i * 40) & 255) << 8 | (i * 60));
        }
      }
      Path p = dir.resolve("img" + i + ".png");
      ImageIO.write(im, "png", p.toFile());
      images.add(p.toString());
    }
    Path out = dir.resolve("out");
    // an earlier complete run over three images
    List<String> first = new ArrayList<>(List.of("rise", "--masks", "200", "--seed", "1", "--out", out.toString(),
        "--image"));
    first.addAll(images.subList(0, 3));
    assertEquals(0, Main.run(first.toArray(new String[0])));
    Map<String, byte[]> before = snapshot(out);
    assertSelfConsistent(out, 3);

    // the second run (six images) is killed while it writes: as soon as the first file of its fourth
    // image appears, in --out or anywhere beside it
    List<String> second = new ArrayList<>(List.of("rise", "--masks", "100", "--seed", "2", "--out",
        out.toString(), "--image"));
    second.addAll(images);
    Process p = child(second);
    boolean killed = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && System.nanoTime() < deadline) {
      if (writing(dir, "img3_")) {
        p.destroyForcibly();
        killed = true;
        break;
      }
      Thread.sleep(1);
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(killed, "the child was killed half way");
    assertEquals(137, p.exitValue(), "killed by SIGKILL");
    // exactly the earlier run, byte for byte (the new one was not complete), and a staging folder beside it
    Map<String, byte[]> after = snapshot(out);
    assertEquals(before.keySet(), after.keySet());
    after.forEach((k, v) -> assertTrue(java.util.Arrays.equals(before.get(k), v), k));
    assertSelfConsistent(out, 3);
    assertTrue(siblings(out).size() > 0, "the killed run's staging folder is left beside --out");

    // the next run (two images) removes the leftovers and leaves only its own files
    List<String> third = new ArrayList<>(List.of("rise", "--masks", "200", "--seed", "3", "--out", out.toString(),
        "--image"));
    third.addAll(images.subList(2, 4));
    assertEquals(0, Main.run(third.toArray(new String[0])));
    assertSelfConsistent(out, 2);
    assertEquals(List.of(), siblings(out), "no leftovers beside --out");
  }

  /** Whether a file whose name starts with the prefix exists anywhere under the folder. */
  private static boolean writing(Path root, String prefix) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.anyMatch(q -> q.getFileName().toString().startsWith(prefix)
          || q.getFileName().toString().startsWith("." + prefix));
    } catch (java.io.UncheckedIOException e) {
      return false; // a file vanished while we listed: look again
    }
  }

  /** Runs the CLI in a child JVM with this test's class path. */
  private static Process child(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        "dev.lanterne.cli.Main"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    String cache = System.getProperty("lanterne.cache", System.getenv("LANTERNE_CACHE"));
    if (cache != null) {
      pb.environment().put("LANTERNE_CACHE", cache);
    }
    return pb.start();
  }

  private List<Path> siblings(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.filter(q -> q.getFileName().toString().startsWith(".out.")).toList();
    }
  }

  /** explanations.json lists every map file, every listed file exists, and nothing else is there. */
  static void assertSelfConsistent(Path out, int images) throws IOException {
    JsonNode entries = new ObjectMapper().readTree(out.resolve("explanations.json").toFile());
    assertEquals(images, entries.size());
    TreeSet<String> listed = new TreeSet<>(List.of("explanations.json", "grid.png", OutputFolder.MANIFEST));
    for (JsonNode e : entries) {
      e.get("files").fields().forEachRemaining(f -> listed.add(f.getValue().asText()));
    }
    TreeSet<String> present = new TreeSet<>(snapshot(out).keySet());
    assertEquals(listed, present, "the folder holds exactly the files of one run");
    TreeSet<String> manifest = new TreeSet<>(OutputFolder.readManifest(out));
    manifest.add(OutputFolder.MANIFEST);
    assertEquals(present, manifest);
    assertFalse(present.stream().anyMatch(n -> n.endsWith(".tmp")));
  }

  private static Map<String, byte[]> snapshot(Path out) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        m.put(out.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return m;
  }
}
