package io.mailroom;

import io.mailroom.aws.AwsClients;
import io.mailroom.config.ConfigException;
import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.LocalServerMissing;
import io.mailroom.preflight.Preflight;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar mailroom.jar [serve|demo|preflight] [--config FILE]}: reads the configuration
 * ({@code MAILROOM_CONFIG} or {@code conf/local.json}, environment overrides applied) and starts
 * a node; {@code demo} also runs one campaign end to end and exits; {@code preflight} checks SES and
 * DNS for the From domain ({@link Preflight}) and exits; {@code hash-password} prints the bcrypt hash
 * of a console user's password ({@link HashPassword}).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("hash-password")) {
      System.exit(HashPassword.run(System.console(), System.in, System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("preflight")) {
      System.exit(Preflight.command(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    Args given = Args.parse(args);
    if (given == null) {
      return;
    }
    MailroomConfig config;
    try {
      config = MailroomConfig.load(given.configFile(), System.getenv());
      AwsClients.checkCredentials(config.aws());
    } catch (ConfigException e) {
      System.err.println("mailroom: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = vertx();
    if (given.demo()) {
      System.exit(demo(vertx, config, given.stay() || System.console() != null));
    }
    Mailroom node;
    try {
      node = Mailroom.start(vertx, config).await();
    } catch (LocalServerMissing e) {
      vertx.close().await();
      System.exit(missing(e));
      return;
    } catch (Exception e) {
      System.exit(failedStart(vertx, e));
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, vertx, config.shutdownGraceSeconds()),
        "mailroom-shutdown"));
  }

  /** The command line: {@code demo} or {@code serve}, and the config file; null when only help was asked for. */
  private record Args(boolean demo, String configFile, boolean stay) {
    static Args parse(String[] args) {
      String mode = "serve";
      boolean stay = false;
      String file = System.getenv().getOrDefault("MAILROOM_CONFIG", ConfigSource.DEFAULT_FILE);
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "serve", "demo" -> mode = args[i];
          case "--stay" -> stay = true;
          case "--config" -> file = i + 1 < args.length ? args[++i] : usage("--config needs a file");
          case "-h", "--help", "help" -> {
            usage(null);
            return null;
          }
          default -> usage("unknown argument: " + args[i]);
        }
      }
      return new Args(mode.equals("demo"), file, stay);
    }
  }

  private static Vertx vertx() {
    // no file cache: its JVM shutdown hook would delete it while the Senders drain on SIGTERM
    VertxOptions options = new VertxOptions()
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false))
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .addLabels(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE));
    return Vertx.builder().with(options)
        .withMetrics(new MicrometerMetricsFactory(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))).build();
  }

  /** Runs the demo campaign; its exit code. */
  private static int demo(Vertx vertx, MailroomConfig config, boolean stay) throws Exception {
    try {
      return new Demo(vertx, config, System.out).run(stay);
    } catch (LocalServerMissing e) {
      return missing(e);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * SIGTERM: stop taking messages, finish the ones in hand, flush the counters, within the grace
   * period. What is not finished by then stays on SQS and comes back to another node.
   */
  private static void stop(Mailroom node, Vertx vertx, int graceSeconds) {
    LOG.info("stopping: finishing the messages in hand (at most {} s)", graceSeconds);
    try {
      node.close().await(graceSeconds, TimeUnit.SECONDS);
      LOG.info("stopped cleanly");
    } catch (Exception e) {
      LOG.warn("grace period over before everything finished: {}", e.toString());
    }
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close: {}", e.toString());
    }
  }

  /**
   * A node that cannot start (a port taken, a table or queue out of reach) exits with 1 instead of
   * living on without listening, so that whatever runs it sees the failure and can start another.
   */
  private static int failedStart(Vertx vertx, Exception e) {
    LOG.error("Mailroom did not start: {}", e.toString(), e);
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception notClosed) {
      LOG.warn("Vert.x did not close: {}", notClosed.toString());
    }
    return 1;
  }

  /** An embedded server cannot start here: one line saying what to run, no stack trace. */
  private static int missing(LocalServerMissing e) {
    System.err.println("mailroom: " + e.getMessage());
    return 3;
  }

  private static String usage(String problem) {
    if (problem != null) {
      System.err.println("mailroom: " + problem);
    }
    System.err.println("usage: java -jar mailroom.jar [serve|demo [--stay]] [--config FILE]");
    System.err.println("       java -jar mailroom.jar preflight [--config FILE] [--dns HOST:PORT] [--json]");
    System.err.println("       java -jar mailroom.jar hash-password   (reads a password, prints its bcrypt hash for console.users)");
    if (problem != null) {
      System.exit(2);
    }
    return null;
  }
}
