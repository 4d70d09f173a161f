package dev.lanterne.explain;

import java.util.HashMap;
import java.util.Map;

/**
 * Option values by name, as text (from a command line, a batch run's JSON, a Spark job), read through
 * their {@link Setting}: missing values give the setting's default, present ones are parsed and
 * checked. Immutable.
 */
public final class Settings {
  /** No values: every setting at its default. */
  public static final Settings DEFAULTS = new Settings(Map.of(), 0L);

  private final Map<String, String> values;
  private final long seed;

  private Settings(Map<String, String> values, long seed) {
    this.values = Map.copyOf(values);
    this.seed = seed;
  }

  /** Values by setting name (flags: "true"), and the run's seed. */
  public static Settings of(Map<String, String> values, long seed) {
    return new Settings(values, seed);
  }

  /** The same values with another one set. */
  public Settings with(String name, String value) {
    Map<String, String> m = new HashMap<>(values);
    m.put(name, value);
    return new Settings(m, seed);
  }

  /** The same values with another seed. */
  public Settings withSeed(long s) {
    return new Settings(values, s);
  }

  /** The value of a setting, parsed and checked, or its default. */
  public <T> T get(Setting<T> setting) {
    String v = values.get(setting.name());
    return v == null ? setting.defaultValue() : setting.parse(v);
  }

  /** Whether a value was given for this setting. */
  public boolean has(Setting<?> setting) {
    return values.containsKey(setting.name());
  }

  /** The seed of every random draw of the run. */
  public long seed() {
    return seed;
  }

  /** The raw values, for run records. */
  public Map<String, String> values() {
    return values;
  }
}
