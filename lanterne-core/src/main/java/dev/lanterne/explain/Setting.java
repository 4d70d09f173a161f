package dev.lanterne.explain;

import dev.lanterne.LanterneException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One option of a method, stated once: name, help text, default and allowed range. The library's
 * option records take their defaults from here, the CLI builds its flags and help text from here, and
 * {@link Settings} parses and checks values against it before any model is opened.
 *
 * @param name the option's name ("masks"); the CLI flag is {@code --name}
 * @param argName the value's placeholder in help ("N"), null for a flag without value
 * @param description one line of help, without the default
 * @param defaultValue the default
 * @param parser parses and checks one value, throwing a usage error that names the option
 * @param <T> the value type
 */
public record Setting<T>(String name, String argName, String description, T defaultValue, Function<String, T> parser) {
  /** An integer in [min, max]. */
  public static Setting<Integer> integer(String name, String description, int defaultValue, int min, int max) {
    return new Setting<>(name, "N", description + " (" + min + " to " + max + ")", defaultValue, v -> {
      int x;
      try {
        x = Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw LanterneException.usage(name + " must be a whole number, got '" + v + "'");
      }
      if (x < min || x > max) {
        throw LanterneException.usage(name + " must be between " + min + " and " + max + ", got " + x);
      }
      return x;
    });
  }

  /** A finite real number in [min, max]. */
  public static Setting<Double> real(String name, String description, double defaultValue, double min, double max) {
    return new Setting<>(name, "X", description + " (" + fmt(min) + " to " + fmt(max) + ")", defaultValue, v -> {
      double x;
      try {
        x = Double.parseDouble(v.strip());
      } catch (NumberFormatException e) {
        throw LanterneException.usage(name + " must be a number, got '" + v + "'");
      }
      if (!(x >= min && x <= max)) {
        throw LanterneException.usage(name + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + v);
      }
      return x;
    });
  }

  /** An on/off switch (present means on). */
  public static Setting<Boolean> flag(String name, String description) {
    return new Setting<>(name, null, description, false, v -> v == null || v.isEmpty() || Boolean.parseBoolean(v));
  }

  /** One word from a fixed list (case-insensitive). */
  public static Setting<String> choice(String name, String description, String defaultValue, List<String> values) {
    return new Setting<>(name, "WORD", description + ": " + String.join(", ", values), defaultValue, v -> {
      String w = v.strip().toLowerCase(Locale.ROOT);
      if (!values.contains(w)) {
        throw LanterneException.usage(name + " must be one of " + String.join(", ", values) + ", got '" + v + "'");
      }
      return w;
    });
  }

  /** Free text (a layer name, a file). */
  public static Setting<String> text(String name, String argName, String description, String defaultValue) {
    return new Setting<>(name, argName, description, defaultValue, v -> v);
  }

  /** Whether the option takes a value. */
  public boolean hasValue() {
    return argName != null;
  }

  /** The help line: description and default. */
  public String help() {
    if (!hasValue()) {
      return description;
    }
    return description + (defaultValue == null ? "" : "; default " + defaultValue);
  }

  /** Parses and checks a value. */
  public T parse(String value) {
    return parser.apply(value);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
