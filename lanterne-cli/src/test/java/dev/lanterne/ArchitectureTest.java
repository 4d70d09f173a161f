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
 * Package layering, read from the sources of both modules (tests run from the repository root): the
 * library (lanterne-core) never reaches up into the CLI module's packages, every package lives in the
 * module its layer says, and no two packages depend on each other (directly or through others). The
 * gradient rules are part of the compiler (grad.rules counts as grad).
 */
class ArchitectureTest {
  private static final Path CORE = Path.of("lanterne-core", "src", "main", "java", "dev", "lanterne");
  private static final Path CLI = Path.of("lanterne-cli", "src", "main", "java", "dev", "lanterne");
  /** The packages of the command-line module: nothing in the library may use them. */
  private static final Set<String> TOP = Set.of("cli", "lab", "bench", "console");
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
  void eachPackageLivesInItsLayersModule() throws IOException {
    assertEquals(TOP, packages(CLI), "the CLI module holds exactly the top layer");
    Set<String> core = packages(CORE);
    core.retainAll(TOP);
    assertEquals(Set.of(), core, "top-layer packages in the library module");
  }

  private static Set<String> packages(Path root) throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = component(root.relativize(f.getParent()).toString().replace('/', '.'));
        if (!pkg.isEmpty() && !pkg.startsWith("onnx.proto")) {
          found.add(pkg.contains(".") ? pkg.substring(0, pkg.indexOf('.')) : pkg);
        }
      }
    }
    return found;
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
    for (Path root : List.of(CORE, CLI)) {
      scan(root, deps);
    }
    return deps;
  }

  private static void scan(Path root, Map<String, Set<String>> deps) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = component(root.relativize(f.getParent()).toString().replace('/', '.'));
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
  }

  private static String component(String pkg) {
    return pkg.equals("grad.rules") ? "grad" : pkg;
  }
}
