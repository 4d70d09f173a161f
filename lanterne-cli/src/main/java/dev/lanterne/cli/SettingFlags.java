package dev.lanterne.cli;

import dev.lanterne.explain.Setting;
import dev.lanterne.explain.Settings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Command-line flags made from the library's {@link Setting}s: one statement of name, help, default and range. */
final class SettingFlags {
  private SettingFlags() {}

  /** Adds a flag per setting (those already present are left as they are). */
  static Options add(Options o, List<Setting<?>> settings) {
    for (Setting<?> s : settings) {
      if (o.hasLongOption(s.name())) {
        continue;
      }
      Option.Builder b = Option.builder().longOpt(s.name()).desc(s.help());
      if (s.hasValue()) {
        b.hasArg().argName(s.argName());
      }
      o.addOption(b.build());
    }
    return o;
  }

  /** The values given on the command line for these settings, checked now (before any model is opened). */
  static Settings read(CommandLine cl, List<Setting<?>> settings, long seed) {
    Map<String, String> values = new HashMap<>();
    for (Setting<?> s : settings) {
      if (cl.hasOption(s.name())) {
        values.put(s.name(), s.hasValue() ? cl.getOptionValue(s.name()) : "true");
      }
    }
    Settings out = Settings.of(values, seed);
    for (Setting<?> s : settings) {
      out.get(s);
    }
    return out;
  }
}
