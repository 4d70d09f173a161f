package dev.lanterne.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.metrics.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs, manifests and map chunks without a model. */
class BatchInputTest {
  @TempDir
  Path tmp;

  @Test
  void csvManifestKeepsLabelsWithCommasAndReadsBoxes() throws IOException {
    Files.createDirectories(tmp.resolve("a"));
    Files.write(tmp.resolve("a/cat, tabby.png"), new byte[] {1, 2, 3});
    Files.writeString(tmp.resolve("list.csv"), "path,label,boxes\n\"a/cat, tabby.png\",\"tiger cat, \"\"big\"\"\","
        + "\"1 2 30 40; 5 6 7 8\"\n");
    List<BatchInput> in = BatchInput.read(tmp.resolve("list.csv"));
    assertEquals(1, in.size());
    assertEquals(tmp.resolve("a/cat, tabby.png").toAbsolutePath(), in.get(0).path());
    assertEquals("tiger cat, \"big\"", in.get(0).label());
    assertEquals(List.of(new Box(1, 2, 30, 40), new Box(5, 6, 7, 8)), in.get(0).boxes());
    Manifest m = Manifest.freeze(in, 1);
    m.write(tmp.resolve("manifest.csv"));
    Manifest back = Manifest.read(tmp.resolve("manifest.csv"));
    assertEquals(m.entries().get(0).label(), back.entries().get(0).label());
    assertEquals(3, back.get(0).size());
    assertEquals("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", back.get(0).sha256());
    assertEquals(List.of(new Box(1, 2, 30, 40), new Box(5, 6, 7, 8)), back.get(0).boxes());
  }

  @Test
  void foldersAreReadRecursivelyInPathOrderAndListsRelativeToTheirFolder() throws IOException {
    for (String f : List.of("b/2.png", "a/1.JPG", "a/z/3.webp", "a/notes.txt", "a/.hidden.png")) {
      Files.createDirectories(tmp.resolve(f).getParent());
      Files.write(tmp.resolve(f), new byte[] {0});
    }
    List<Path> paths = BatchInput.read(tmp).stream().map(BatchInput::path).toList();
    assertEquals(List.of(tmp.resolve("a/1.JPG"), tmp.resolve("a/z/3.webp"), tmp.resolve("b/2.png")), paths);
    Files.writeString(tmp.resolve("a/list.txt"), "# images\nz/3.webp\n\n1.JPG\n");
    assertEquals(List.of(tmp.resolve("a/z/3.webp"), tmp.resolve("a/1.JPG")),
        BatchInput.read(tmp.resolve("a/list.txt")).stream().map(BatchInput::path).toList());
  }

  @Test
  void badInputsAreOneLineUsageErrors() throws IOException {
    LanterneException e = assertThrows(LanterneException.class, () -> BatchInput.read(tmp.resolve("missing")));
    assertEquals(LanterneException.USAGE, e.exitCode());
    Files.writeString(tmp.resolve("m.csv"), "file,label\nx.png,cat\n");
    e = assertThrows(LanterneException.class, () -> BatchInput.read(tmp.resolve("m.csv")));
    assertTrue(e.getMessage().contains("'path' column"), e.getMessage());
    Files.writeString(tmp.resolve("b.csv"), "path,boxes\nx.png,1 2 3\n");
    e = assertThrows(LanterneException.class, () -> BatchInput.read(tmp.resolve("b.csv")));
    assertTrue(e.getMessage().contains("x0 y0 x1 y1") && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void zarrChunksRoundTripAndEqualValuesGiveEqualBytes() throws IOException {
    ZarrArray z = ZarrArray.create(tmp.resolve("maps/m"), new int[] {3, 2, 4, 5}, Map.of("method", "m"));
    float[] v = new float[40];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i);
    }
    z.write(1, v);
    assertArrayEquals(v, ZarrArray.open(tmp.resolve("maps/m")).read(1));
    assertTrue(Float.isNaN(z.read(0)[7]), "unwritten chunks read as the fill value");
    assertArrayEquals(Files.readAllBytes(z.chunk(1)), ZarrArray.encode(v.clone(), 40, true));
    String meta = Files.readString(tmp.resolve("maps/m/.zarray"));
    assertTrue(meta.contains("\"zlib\"") && meta.contains("\"<f4\"") && meta.contains("\"NaN\""), meta);
    assertTrue(meta.replaceAll("\\s", "").contains("\"filters\":[{\"id\":\"shuffle\",\"elementsize\":4}]"), meta);
    assertThrows(IllegalArgumentException.class, () -> z.write(2, new float[39]));
  }

  @Test
  void zarrChunksAreByteShuffledAsNumcodecsShuffleReadsThem() throws Exception {
    ZarrArray z = ZarrArray.create(tmp.resolve("maps/s"), new int[] {1, 1, 1, 2}, Map.of());
    z.write(0, new float[] {1.0f, -2.0f});
    // 1.0f is 00 00 80 3f and -2.0f is 00 00 00 c0 (little-endian): first bytes, second bytes, ...
    byte[] expected = {0, 0, 0, 0, (byte) 0x80, 0, 0x3f, (byte) 0xc0};
    java.util.zip.Inflater inf = new java.util.zip.Inflater();
    inf.setInput(Files.readAllBytes(z.chunk(0)));
    byte[] raw = new byte[16];
    int n = inf.inflate(raw);
    inf.end();
    assertArrayEquals(expected, java.util.Arrays.copyOf(raw, n));
  }

  @Test
  void zarrArraysWithoutTheShuffleFilterStillRead() throws Exception {
    // as written before the filter was added: plain little-endian floats under zlib, "filters": null
    Path dir = Files.createDirectories(tmp.resolve("maps/old"));
    Files.writeString(dir.resolve(".zarray"), "{\"zarr_format\":2,\"shape\":[1,1,1,2],\"chunks\":[1,1,1,2],"
        + "\"dtype\":\"<f4\",\"compressor\":{\"id\":\"zlib\",\"level\":1},\"fill_value\":\"NaN\","
        + "\"order\":\"C\",\"filters\":null,\"dimension_separator\":\".\"}");
    java.util.zip.Deflater d = new java.util.zip.Deflater(1);
    d.setInput(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});
    d.finish();
    byte[] buf = new byte[64];
    int n = d.deflate(buf);
    d.end();
    Files.write(dir.resolve("0.0.0.0"), java.util.Arrays.copyOf(buf, n));
    ZarrArray old = ZarrArray.open(dir);
    assertArrayEquals(new float[] {1.0f, -2.0f}, old.read(0));
    old.write(0, new float[] {3.0f, 4.0f});
    assertArrayEquals(new float[] {3.0f, 4.0f}, ZarrArray.open(dir).read(0), "a resumed old run keeps its layout");
  }
}
