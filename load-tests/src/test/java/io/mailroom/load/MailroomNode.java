package io.mailroom.load;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The node a simulation loads: the one at {@code -DbaseUrl} when given, or else a fresh
 * {@code mailroom.jar} on the embedded default, started on a loopback port before the
 * simulation and stopped after it. Load only ever goes to loopback.
 */
final class MailroomNode {
  static final String SECRET = System.getProperty("webhookSecret", "local-webhook-secret-change-me");

  private final String baseUrl;
  private Process process;

  MailroomNode() {
    String given = System.getProperty("baseUrl");
    int port = Integer.getInteger("port", 18080);
    this.baseUrl = given != null ? given : "http://127.0.0.1:" + port;
    String host = URI.create(baseUrl).getHost();
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      throw new IllegalArgumentException("load only ever targets loopback, not " + host);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** The started node's management port ({@code /health/ready}, {@code /metrics}): {@code -DmanagementPort}, 18081. */
  static int managementPort() {
    return Integer.getInteger("managementPort", 18081);
  }

  /** Waits a quarter of a second; false when interrupted. */
  private static boolean pause() {
    try {
      Thread.sleep(250);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts the jar unless a base URL was given; {@code customers} demo customers are loaded. */
  void start(int customers) {
    if (System.getProperty("baseUrl") != null) {
      return;
    }
    String jar = System.getProperty("mailroom.jar", "../target/mailroom.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException(jar + " is missing: run 'mvn -q package -DskipTests' in the project first");
    }
    try {
      java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("java"));
      String jvmArgs = System.getProperty("nodeJvmArgs", "").trim();
      if (!jvmArgs.isEmpty()) {
        command.addAll(java.util.List.of(jvmArgs.split("\\s+")));
      }
      command.addAll(java.util.List.of("-jar", jar, "serve"));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(new File("target/mailroom-node.log"));
      builder.environment().put("MAILROOM_HTTP_PORT", Integer.toString(URI.create(baseUrl).getPort()));
      builder.environment().put("MAILROOM_MANAGEMENT_PORT", Integer.toString(managementPort()));
      builder.environment().put("MAILROOM_DEMO_CUSTOMERS", Integer.toString(customers));
      builder.environment().put("MAILROOM_OUTBOX_DIR", "target/outbox");
      builder.environment().put("MAILROOM_WEBHOOK_SECRETS", SECRET);
      builder.environment().put("MAILROOM_SUBSCRIPTION_TOKEN_SECRETS",
          System.getProperty("unsubscribeSecret", "local-unsubscribe-secret-change-me"));
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + jar, e);
    }
    awaitReady();
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline && process.isAlive()) {
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (!pause()) {
        return;
      }
    }
    throw new IllegalStateException("the node did not become ready; see target/mailroom-node.log");
  }

  /**
   * Sends {@code count} requests (made by {@code request} from their index), 32 at a time, so that
   * the JIT has compiled the paths a simulation measures; fails if any is refused.
   */
  void warm(int count, java.util.function.IntFunction<HttpRequest> request) {
    HttpClient http = HttpClient.newHttpClient();
    java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(32);
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    try {
      for (int i = 0; i < count; i++) {
        slots.acquire();
        http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
          if (error != null || response.statusCode() >= 400) {
            refused.incrementAndGet();
          }
          slots.release();
        });
      }
      slots.acquire(32);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (refused.get() > 0) {
      throw new IllegalStateException(refused.get() + " of " + count + " warm-up requests were refused");
    }
  }

  /**
   * Waits until the node has finished what earlier requests left it (the follow-ups of the
   * warm-up's one-clicks): the count of follow-ups done stays the same for two seconds, or a
   * minute has passed.
   */
  void awaitQuiet() {
    long deadline = System.currentTimeMillis() + 60_000;
    double last = -1;
    long stableSince = System.currentTimeMillis();
    while (System.currentTimeMillis() < deadline) {
      double now = followUps();
      if (now != last) {
        last = now;
        stableSince = System.currentTimeMillis();
      } else if (System.currentTimeMillis() - stableSince >= 2000) {
        return;
      }
      if (!pause()) {
        return;
      }
    }
  }

  /** The node's metric lines whose name starts with one of {@code names} (Prometheus text); none when unreadable. */
  static java.util.List<String> metrics(String... names) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build();
    try {
      String metrics = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines().filter(l -> java.util.Arrays.stream(names).anyMatch(l::startsWith)).toList();
    } catch (IOException e) {
      return java.util.List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.List.of();
    }
  }

  /** The node's {@code mailroom_unsubscribe_follow_ups_total}, summed over outcomes. */
  private static double followUps() {
    return metrics("mailroom_unsubscribe_follow_ups_total").stream()
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
