package dev.lanterne.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.testing.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's library example compiles as written, stays within 20 lines, and runs. */
class ReadmeExampleTest {
  @TempDir
  Path tmp;

  @Test
  void readmeProgramCompilesAndWritesBothOverlays() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Matcher m = Pattern.compile("```java\\n(import dev\\.lanterne.*?public class (\\w+).*?)```", Pattern.DOTALL)
        .matcher(readme);
    assertTrue(m.find(), "the README has no complete Java program");
    String source = m.group(1);
    String className = m.group(2);
    String body = source.substring(source.indexOf("main(String[] args) {") + 21, source.lastIndexOf('}'));
    body = body.substring(0, body.lastIndexOf('}'));
    long lines = body.lines().filter(l -> !l.isBlank()).count();
    assertTrue(lines <= 20, "main has " + lines + " lines; the README promises at most 20");

    SharedData.root();
    Path out = tmp.resolve("out");
    // run from the project root (where ../shared resolves), writing into the temporary folder
    String runnable = source.replace("Path.of(\"out/cat\")", "Path.of(\"" + out.resolve("cat").toString().replace("\\", "/")
        + "\")");
    Path src = tmp.resolve(className + ".java");
    Files.writeString(src, runnable);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int rc = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"), "-d",
        tmp.toString(), src.toString());
    assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8));

    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()},
        ReadmeExampleTest.class.getClassLoader())) {
      Method main = loader.loadClass(className).getMethod("main", String[].class);
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(stdout);
    }
    // cat.png is a near tie between tiger cat and Egyptian cat: either is right
    String said = printed.toString(StandardCharsets.UTF_8);
    assertTrue(said.contains("cat p="), said);
    try (var files = Files.list(out.resolve("cat"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertTrue(names.stream().anyMatch(n -> n.contains("gradcam") && n.endsWith(".png")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.contains("rise") && n.endsWith(".png")), names.toString());
      assertTrue(names.contains("explanations.json"), names.toString());
    }
  }
}
