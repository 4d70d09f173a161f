package dev.lanterne.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.runtime.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Library errors speak the library's language: no string in the library's sources names a command-line
 * flag (the CLI adds the flag from {@link LanterneException#setting()}).
 */
class LibraryMessagesTest {
  private static final Path SOURCES = Path.of("lanterne-core", "src", "main", "java");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern FLAG = Pattern.compile("(^|[^-a-z])--[a-z]");

  @Test
  void noLibraryStringNamesAFlag() throws IOException {
    List<String> found = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(SOURCES)) {
      for (Path f : all.filter(p -> p.toString().endsWith(".java")).toList()) {
        files++;
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          String code = lines.get(i).strip();
          if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
            continue;
          }
          Matcher m = STRING.matcher(code);
          while (m.find()) {
            if (FLAG.matcher(m.group(1)).find()) {
              found.add(SOURCES.relativize(f) + ":" + (i + 1) + " " + m.group(1));
            }
          }
        }
      }
    }
    assertTrue(files > 100, "the scan found the library's sources");
    assertEquals(List.of(), found, "library strings that name command-line flags");
  }

  @Test
  void aBadValueNamesItsSetting() {
    LanterneException e = org.junit.jupiter.api.Assertions.assertThrows(LanterneException.class,
        () -> Device.parse("tpu"));
    assertEquals("device", e.setting());
    assertEquals(LanterneException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("'tpu'") && !e.getMessage().contains("--"), e.getMessage());
  }
}
