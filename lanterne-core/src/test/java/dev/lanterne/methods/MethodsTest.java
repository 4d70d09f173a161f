package dev.lanterne.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanterne.LanterneException;
import dev.lanterne.demo.Shapes;
import dev.lanterne.explain.Explanation;
import dev.lanterne.explain.Images;
import dev.lanterne.explain.LanternModel;
import dev.lanterne.explain.Settings;
import dev.lanterne.explain.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The name registry opens every method on a model with text settings, checked before any work. */
class MethodsTest {
  @Test
  void everyRegisteredMethodExplainsTheDemoModel() {
    Methods methods = Methods.standard();
    Settings small = Settings.of(Map.of("masks", "64", "grid", "4", "samples", "2", "steps", "4", "window", "16",
        "stride", "16",
        "segments", "16", "coalitions", "32", "iterations", "8"), 3L);
    try (LanternModel model = LanternModel.demo()) {
      Images images = model.images(new Shapes().sample(9L).image());
      for (MethodInfo m : methods.all()) {
        if (m.family().equals("attention")) {
          // a CNN has no attention to roll out: one clear error, before any work
          LanterneException e = assertThrows(LanterneException.class, () -> m.open(model, small));
          assertTrue(e.getMessage().contains("transformer"), e.getMessage());
          continue;
        }
        List<Explanation> maps = m.open(model, small).attribute(images, Target.top(2));
        assertEquals(2, maps.size(), m.name());
        for (Explanation e : maps) {
          float max = Float.NEGATIVE_INFINITY;
          for (float v : e.map().data()) {
            assertTrue(Float.isFinite(v), m.name());
            max = Math.max(max, Math.abs(v));
          }
          assertTrue(max > 0, m.name() + " gave an all-zero map");
        }
      }
    }
  }

  @Test
  void badNamesAndValuesAreUsageErrorsNamingTheOption() {
    Methods methods = Methods.standard();
    LanterneException unknown = assertThrows(LanterneException.class, () -> methods.parse("saliency,bogus"));
    assertEquals(LanterneException.USAGE, unknown.exitCode());
    assertTrue(unknown.getMessage().contains("bogus"));
    LanterneException range = assertThrows(LanterneException.class,
        () -> methods.get("rise").check(Settings.of(Map.of("grid", "0"), 0)));
    assertTrue(range.getMessage().startsWith("grid must be between 1 and"), range.getMessage());
    assertEquals("integrated-gradients", methods.get("integrated").name());
  }
}
