package io.mailroom.limit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The limiter every node shares: one Lua script ({@code limiter/acquire.lua}) run atomically in
 * Redis holds the pace (GCRA on Redis's clock) and the 24-hour ledger, under keys namespaced by
 * the configured prefix and the SES region. Redis errors fail the acquire: the caller stops
 * sending rather than fall back to a limit only this node knows.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final String SCRIPT = load();
  private static final String SHA = sha1(SCRIPT);

  private final Redis redis;
  private final String paceKey;
  private final String ledgerKey;
  private final String pendingKey;

  public RedisRateLimiter(Vertx vertx, String url, String keyPrefix, String namespace) {
    this.redis = Redis.createClient(vertx, options(url));
    String tag = keyPrefix + "{" + namespace + "}";
    this.paceKey = tag + ":pace";
    this.ledgerKey = tag + ":ledger";
    this.pendingKey = tag + ":pending";
  }

  /** A {@code rediss://} URL speaks TLS and checks that the server's certificate names the URL's host. */
  static RedisOptions options(String url) {
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(4).setMaxPoolWaiting(256);
    if (url.startsWith("rediss://")) {
      options.getNetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }

  @Override
  public Future<Permit> acquire(Quota quota) {
    return run(quota, 1, 0).map(r -> new Permit(switch (r.get(0).toInteger()) {
      case 1 -> Permit.Outcome.GRANTED;
      case 2 -> Permit.Outcome.WAIT;
      default -> Permit.Outcome.EXHAUSTED;
    }, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong()));
  }

  @Override
  public Future<Void> giveBack(Quota quota, long slot) {
    return run(quota, -1, slot).mapEmpty();
  }

  @Override
  public Future<Long> usedToday(Quota quota) {
    return run(quota, 0, 0).map(r -> r.get(2).toLong());
  }

  /** EVALSHA, and EVAL when Redis does not have the script (first use, or after a restart). */
  private Future<Response> run(Quota quota, int take, long slot) {
    Object[] args = {3, paceKey, ledgerKey, pendingKey, quota.intervalMicros(), AHEAD_MICROS, quota.daily(),
        quota.sesSentLast24Hours(), take, slot, SETTLE_MICROS};
    return redis.send(Request.cmd(Command.EVALSHA, prepend(SHA, args)))
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? redis.send(Request.cmd(Command.EVAL, prepend(SCRIPT, args)))
            : Future.failedFuture(e));
  }

  private static Object[] prepend(String first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Override
  public Future<Void> check() {
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  @Override
  public String name() {
    return "redis";
  }

  private static String load() {
    try (InputStream in = RedisRateLimiter.class.getClassLoader().getResourceAsStream("limiter/acquire.lua")) {
      if (in == null) {
        throw new IllegalStateException("limiter/acquire.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
