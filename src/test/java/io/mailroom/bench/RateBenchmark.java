package io.mailroom.bench;

import io.mailroom.Mailroom;
import io.mailroom.audience.UserStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.limit.RateLimiter;
import io.mailroom.limit.RedisRateLimiter;
import io.mailroom.local.FreePort;
import io.mailroom.testing.Audience;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.RateWindows;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How close the shared limiter runs to the SES rate, and what it costs: for 1 and 3 nodes (each
 * its own Vert.x instance in this JVM, sharing one Redis and one SES emulator whose account
 * allows 14, then 100 emails/s), a campaign of {@code seconds × rate} recipients; prints the
 * achieved ÷ configured rate (first arrival to last, at the emulator) and the busiest 1-second
 * window. Then the limiter's own cost: acquires per second against Redis with 64 in flight.
 * Asserts nothing.
 *
 * <pre>mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mailroom.bench.RateBenchmark</pre>
 * Options: {@code -Dbench.seconds=20 -Dbench.rates=14,100 -Dbench.nodes=1,3}.
 */
public final class RateBenchmark {
  private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
  private static final String RATES = System.getProperty("bench.rates", "14,100");
  private static final String NODES = System.getProperty("bench.nodes", "1,3");
  /** The speed goal (achieved ÷ configured, first to last arrival): a figure of this benchmark, asserted by no test. */
  private static final double GOAL = 0.95;

  private RateBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    String redis = TestRedis.url();
    System.out.printf("RateBenchmark: Redis %s, %d s of sending per run%n", redis, SECONDS);
    List<String> rows = new ArrayList<>();
    for (String rate : RATES.split(",")) {
      for (String nodes : NODES.split(",")) {
        RateWindows w = run(redis, Integer.parseInt(rate.trim()), Integer.parseInt(nodes.trim()));
        int limit = Integer.parseInt(rate.trim());
        double ratio = w.averagePerSecond() / limit;
        rows.add(String.format("| %s | %s/s | %d | %.3f | %s | %d | %s |", nodes, rate, w.count(), ratio,
            ratio >= GOAL ? "yes" : "no", w.worstWindow(),
            w.worstWindow() <= limit ? "yes" : "no (+" + (w.worstWindow() - limit) + ")"));
      }
    }
    double acquires = limiterCost(redis);
    System.out.println();
    System.out.println("| nodes | limit | emails | achieved ÷ configured | ≥ " + GOAL + " | worst 1-s window | worst ≤ limit |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
    System.out.printf("limiter cost: %.0f acquires/s against %s (one Lua script call each, 64 in flight)%n", acquires, redis);
    System.exit(0);
  }

  private static RateWindows run(String redis, int rate, int nodeCount) throws Exception {
    int recipients = rate * SECONDS;
    String prefix = LocalServices.uniquePrefix("ratebench");
    List<Vertx> vertxes = new ArrayList<>();
    List<Mailroom> nodes = new ArrayList<>();
    try (SesEmulator ses = SesEmulator.start(SesEmulator.account(rate, 10_000_000), FreePort.pick())) {
      JsonObject json = LocalServices.configJson(prefix);
      json.getJsonObject("ses").put("endpoint", ses.endpoint());
      json.getJsonObject("sender").put("instances", 4);
      json.getJsonObject("limiter").put("kind", "redis").put("redisUrl", redis)
          .put("keyPrefix", TestRedis.prefix("bench")).put("refreshSeconds", 30);
      for (int i = 0; i < nodeCount; i++) {
        Vertx vertx = Vertx.vertx();
        vertxes.add(vertx);
        nodes.add(Mailroom.start(vertx, MailroomConfig.from(json)).await(60, TimeUnit.SECONDS));
      }
      Mailroom first = nodes.get(0);
      Audience.seed(new UserStore(first.aws().dynamo(), first.tables().users()), first.templates(), recipients)
          .await(120, TimeUnit.SECONDS);
      SignedClient client = new SignedClient(first.httpPort(), first.config().webhook().secrets().get(0));
      String id = client.post("/v1/campaigns", "{\"templateId\":\"" + Audience.TEMPLATE_ID + "\"}").json()
          .getString("campaignId");
      JsonObject done = client.awaitFinished(id, recipients * 3000L / rate + 120_000);
      RateWindows windows = RateWindows.of(ses.arrivals());
      System.out.printf("%d node(s) at %d/s: %s, campaign %s; ratio %.3f%n", nodeCount, rate, windows,
          done.getString("status"), windows.averagePerSecond() / rate);
      return windows;
    } finally {
      for (Mailroom node : nodes) {
        node.close().await(60, TimeUnit.SECONDS);
      }
      for (Vertx vertx : vertxes) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Acquires per second through one Redis limiter, 64 in flight, for 5 s (after a 1 s warm-up). */
  private static double limiterCost(String redis) throws Exception {
    Vertx vertx = Vertx.vertx();
    RateLimiter limiter = new RedisRateLimiter(vertx, redis, TestRedis.prefix("cost"), "us-east-1");
    RateLimiter.Quota quota = new RateLimiter.Quota(1_000_000, Long.MAX_VALUE / 4, 0);
    try {
      loop(vertx, limiter, quota, 1000).await(30, TimeUnit.SECONDS);
      long started = System.nanoTime();
      long count = loop(vertx, limiter, quota, 5000).await(60, TimeUnit.SECONDS);
      return count / ((System.nanoTime() - started) / 1e9);
    } finally {
      limiter.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Future<Long> loop(Vertx vertx, RateLimiter limiter, RateLimiter.Quota quota, long millis) {
    Promise<Long> done = Promise.promise();
    AtomicLong count = new AtomicLong();
    long until = System.nanoTime() + millis * 1_000_000;
    vertx.runOnContext(v -> {
      List<Future<?>> lanes = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        lanes.add(lane(limiter, quota, until, count));
      }
      Future.all(lanes).onComplete(x -> done.complete(count.get()));
    });
    return done.future();
  }

  private static Future<Void> lane(RateLimiter limiter, RateLimiter.Quota quota, long until, AtomicLong count) {
    if (System.nanoTime() > until) {
      return Future.succeededFuture();
    }
    return limiter.acquire(quota).compose(p -> {
      count.incrementAndGet();
      return lane(limiter, quota, until, count);
    });
  }
}
