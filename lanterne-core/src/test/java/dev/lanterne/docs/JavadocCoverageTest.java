package dev.lanterne.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public or protected declaration of the library has a Javadoc comment (issue 12: the library
 * is published with its Javadoc). A declaration counts as documented when the line before it,
 * skipping annotations and blank lines, ends a Javadoc comment; overrides inherit their
 * documentation. The generated ONNX protobuf classes are not API and are skipped.
 */
class JavadocCoverageTest {
  private static final Path SOURCES = Path.of("lanterne-core/src/main/java");
  private static final Pattern DECLARATION = Pattern.compile("^\\s*(public|protected)\\b.*");

  @Test
  void everyPublicDeclarationOfTheLibraryHasJavadoc() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "no library sources at " + SOURCES.toAbsolutePath());
    List<String> missing = new ArrayList<>();
    int declarations = 0;
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.toString().replace('\\', '/').contains("/proto/")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        declarations += declarations(lines);
        for (int line : undocumented(lines)) {
          missing.add(SOURCES.relativize(f) + ":" + line + ": " + lines.get(line - 1).strip());
        }
      }
    }
    assertTrue(declarations > 1000,
        "found only " + declarations + " public declarations; is " + SOURCES + " the library's source folder?");
    assertTrue(missing.isEmpty(), missing.size() + " public or protected declarations have no Javadoc comment:\n"
        + String.join("\n", missing));
  }

  @Test
  void theScanFindsUndocumentedDeclarationsAndAcceptsDocumentedOnes() {
    List<String> source = List.of(
        "/** A class. */",
        "public final class A {",
        "  public static final int UNDOCUMENTED = 1;",
        "",
        "  /** Documented, with an annotation between. */",
        "  @Deprecated",
        "  public void documented() {}",
        "",
        "  @Override",
        "  public String toString() { return \"\"; }",
        "",
        "  /*",
        "   * A block comment is not Javadoc.",
        "   */",
        "  protected void commented() {}",
        "  // nor is a line comment",
        "  public void lineCommented() {}",
        "  /**",
        "   * Several lines.",
        "   */",
        "  protected A() {}",
        "}");
    assertEquals(List.of(3, 15, 17), undocumented(source));
    assertEquals(6, declarations(source));
  }

  /** Public or protected declarations that are not overrides. */
  private static int declarations(List<String> lines) {
    int n = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (DECLARATION.matcher(lines.get(i)).matches() && !isOverride(lines, i)) {
        n++;
      }
    }
    return n;
  }

  /** 1-based line numbers of the public or protected declarations without a Javadoc comment before them. */
  private static List<Integer> undocumented(List<String> lines) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!DECLARATION.matcher(lines.get(i)).matches() || isOverride(lines, i)) {
        continue;
      }
      int end = before(lines, i);
      if (end < 0 || !lines.get(end).strip().endsWith("*/")) {
        out.add(i + 1);
        continue;
      }
      int start = end;
      while (start > 0 && !lines.get(start).contains("/*")) {
        start--;
      }
      if (!lines.get(start).contains("/**")) {
        out.add(i + 1);
      }
    }
    return out;
  }

  private static boolean isOverride(List<String> lines, int i) {
    for (int j = i - 1; j >= 0 && isAnnotationOrBlank(lines.get(j)); j--) {
      if (lines.get(j).strip().startsWith("@Override")) {
        return true;
      }
    }
    return false;
  }

  /** The index of the line before declaration i, skipping annotations and blank lines, or -1. */
  private static int before(List<String> lines, int i) {
    int j = i - 1;
    while (j >= 0 && isAnnotationOrBlank(lines.get(j))) {
      j--;
    }
    return j;
  }

  private static boolean isAnnotationOrBlank(String line) {
    String s = line.strip();
    return s.isEmpty() || s.startsWith("@");
  }
}
