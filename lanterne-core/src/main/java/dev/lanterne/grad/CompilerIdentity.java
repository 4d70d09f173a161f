package dev.lanterne.grad;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A fingerprint of the gradient compiler: the SHA-256 of its own class files (this package, its rules
 * and the ONNX helpers it uses). Any change to the code that can change a derived graph changes it,
 * so cached graphs are keyed by it, with no version number to bump by hand.
 *
 * <p>Thread-safe.
 */
public final class CompilerIdentity {
  private static final List<String> PACKAGES = List.of("dev/lanterne/grad/", "dev/lanterne/onnx/");
  private static volatile String identity;

  private CompilerIdentity() {}

  /** The fingerprint, in lower-case hex; computed once per JVM. */
  public static String get() {
    String id = identity;
    if (id == null) {
      id = compute();
      identity = id;
    }
    return id;
  }

  private static String compute() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      CodeSource cs = CompilerIdentity.class.getProtectionDomain().getCodeSource();
      boolean hashed = false;
      if (cs != null && cs.getLocation() != null) {
        Path where = Path.of(cs.getLocation().toURI());
        if (Files.isDirectory(where)) {
          hashed = hashFolder(where, md);
        } else if (Files.isRegularFile(where)) {
          hashed = hashJar(where, md);
        }
      }
      if (!hashed) {
        // no access to the class files as a whole: the compiler's main class still changes with it
        try (InputStream in = GradientCompiler.class.getResourceAsStream("GradientCompiler.class")) {
          md.update(in == null ? new byte[0] : in.readAllBytes());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // cannot fingerprint: a fresh identity per JVM means cached graphs are never trusted
      return "unknown-" + Long.toHexString(System.nanoTime());
    }
  }

  private static boolean hashFolder(Path root, MessageDigest md) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String pkg : PACKAGES) {
      Path dir = root.resolve(pkg);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.filter(p -> p.toString().endsWith(".class")).forEach(files::add);
        }
      }
    }
    files.sort(null);
    for (Path f : files) {
      md.update(root.relativize(f).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(Files.readAllBytes(f));
    }
    return !files.isEmpty();
  }

  private static boolean hashJar(Path jar, MessageDigest md) throws IOException {
    try (ZipFile z = new ZipFile(jar.toFile())) {
      List<ZipEntry> entries = new ArrayList<>();
      z.stream().filter(e -> e.getName().endsWith(".class") && PACKAGES.stream().anyMatch(e.getName()::startsWith))
          .forEach(entries::add);
      entries.sort((a, b) -> a.getName().compareTo(b.getName()));
      for (ZipEntry e : entries) {
        md.update(e.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (InputStream in = z.getInputStream(e)) {
          md.update(in.readAllBytes());
        }
      }
      return !entries.isEmpty();
    }
  }
}
