package dev.lanterne;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Package layering, read from the sources: the library never reaches up into the CLI, the lab or the
 * console helpers, and no two packages depend on each other (directly or through others), so the
 * library can be its own artifact. The gradient rules are part of the compiler (grad.rules counts as grad).
 */
class ArchitectureTest {
  private static final Path SOURCES = Path.of("src", "main", "java", "dev", "lanterne");
  private static final Set<String> TOP = Set.of("cli", "lab", "bench", "console", "batch");
  private static final Pattern REFERENCE = Pattern.compile("dev\\.lanterne\\.([a-z][a-z0-9.]*?)\\.[A-Z]");

  @Test
  void libraryPackagesNeverDependOnTheCliOrTheLab() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    List<String> violations = new ArrayList<>();
    deps.forEach((pkg, uses) -> {
      if (!TOP.contains(pkg)) {
        for (String u : uses) {
          if (TOP.contains(u)) {
            violations.add(pkg + " -> " + u);
          }
        }
      }
    });
    assertEquals(List.of(), violations, "library packages must not import the command line, the lab or bench");
    assertTrue(deps.containsKey("explain") && deps.containsKey("cli"), "the scan found no sources");
  }

  @Test
  void noPackageCycles() throws IOException {
    Map<String, Set<String>> deps = dependencies();
    List<String> cycles = new ArrayList<>();
    for (String a : deps.keySet()) {
      for (String b : deps.get(a)) {
        if (a.compareTo(b) < 0 && reaches(deps, b, a)) {
          cycles.add(a + " <-> " + b);
        }
      }
    }
    assertEquals(List.of(), cycles, "packages that depend on each other");
  }

  private static boolean reaches(Map<String, Set<String>> deps, String from, String to) {
    Set<String> seen = new TreeSet<>();
    List<String> stack = new ArrayList<>(List.of(from));
    while (!stack.isEmpty()) {
      String p = stack.remove(stack.size() - 1);
      if (p.equals(to)) {
        return true;
      }
      if (seen.add(p)) {
        stack.addAll(deps.getOrDefault(p, Set.of()));
      }
    }
    return false;
  }

  /** Package -> packages its sources name (imports and fully qualified names). */
  static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = component(SOURCES.relativize(f.getParent()).toString().replace('/', '.'));
        if (pkg.isEmpty() || pkg.startsWith("onnx.proto")) {
          continue;
        }
        Set<String> uses = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          String used = component(m.group(1));
          if (!used.equals(pkg) && !used.startsWith("onnx.proto")) {
            uses.add(used);
          }
        }
      }
    }
    return deps;
  }

  private static String component(String pkg) {
    return pkg.equals("grad.rules") ? "grad" : pkg;
  }
}
