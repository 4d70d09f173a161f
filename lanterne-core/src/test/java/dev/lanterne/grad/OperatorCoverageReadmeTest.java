package dev.lanterne.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's operator coverage is the rule registry's: the text between its operator markers must be
 * {@link GradientRules#coverageMarkdown()}. Run with -Dlanterne.updateReadme=true to rewrite it.
 */
class OperatorCoverageReadmeTest {
  private static final String BEGIN = "<!-- operators: generated from GradientRules by OperatorCoverageReadmeTest -->\n";
  private static final String END = "<!-- /operators -->";

  @Test
  void readmeListsTheRegistry() throws IOException {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    String expected = GradientRules.coverageMarkdown();
    if (Boolean.getBoolean("lanterne.updateReadme") && b >= 0 && e > b) {
      Files.writeString(readme, text.substring(0, b + BEGIN.length()) + expected + text.substring(e),
          StandardCharsets.UTF_8);
      return;
    }
    assertEquals(true, b >= 0 && e > b, "README.md has no operator markers (" + BEGIN.trim() + " ... " + END + ")");
    assertEquals(expected, text.substring(b + BEGIN.length(), e),
        "README.md's operator list differs from GradientRules; rerun with -Dlanterne.updateReadme=true");
  }
}
