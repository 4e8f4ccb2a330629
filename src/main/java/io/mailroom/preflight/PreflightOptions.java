package io.mailroom.preflight;

import io.mailroom.config.ConfigException;
import io.mailroom.config.ConfigSource;

/** The preflight command line: the config file, the resolver ({@code --dns}, null for the config's) and {@code --json}. */
record PreflightOptions(String configFile, String dns, boolean json) {
  static final String USAGE = "usage: java -jar mailroom.jar preflight [--config FILE] [--dns HOST:PORT] [--json]";

  static PreflightOptions parse(String[] args) {
    String file = System.getenv().getOrDefault("MAILROOM_CONFIG", ConfigSource.DEFAULT_FILE);
    String dns = null;
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = value(args, ++i, "--config needs a file");
        case "--dns" -> dns = value(args, ++i, "--dns needs HOST:PORT");
        case "--json" -> json = true;
        default -> throw new ConfigException("unknown argument: " + args[i]);
      }
    }
    return new PreflightOptions(file, dns, json);
  }

  private static String value(String[] args, int i, String problem) {
    if (i >= args.length) {
      throw new ConfigException(problem);
    }
    return args[i];
  }
}
