package io.mailroom;

import io.mailroom.config.ConfigException;
import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.Demo;
import io.vertx.core.Vertx;

/**
 * {@code java -jar mailroom.jar [serve|demo] [--config FILE]}: reads the configuration
 * ({@code MAILROOM_CONFIG} or {@code conf/local.json}, environment overrides applied) and starts
 * a node; {@code demo} also runs one campaign end to end and exits.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    String mode = "serve";
    String file = System.getenv().getOrDefault("MAILROOM_CONFIG", ConfigSource.DEFAULT_FILE);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "serve", "demo" -> mode = args[i];
        case "--config" -> file = i + 1 < args.length ? args[++i] : usage("--config needs a file");
        case "-h", "--help", "help" -> {
          usage(null);
          return;
        }
        default -> usage("unknown argument: " + args[i]);
      }
    }
    MailroomConfig config;
    try {
      config = MailroomConfig.load(file, System.getenv());
    } catch (ConfigException e) {
      System.err.println("mailroom: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    if (mode.equals("demo")) {
      int code;
      try {
        code = new Demo(vertx, config, System.out).run();
      } finally {
        vertx.close().await();
      }
      System.exit(code);
    }
    Mailroom node = Mailroom.start(vertx, config).await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close().eventually(vertx::close).await();
    }, "mailroom-shutdown"));
  }

  private static String usage(String problem) {
    if (problem != null) {
      System.err.println("mailroom: " + problem);
    }
    System.err.println("usage: java -jar mailroom.jar [serve|demo] [--config FILE]");
    if (problem != null) {
      System.exit(2);
    }
    return null;
  }
}
