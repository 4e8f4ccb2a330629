package io.mailroom.api;

import io.mailroom.aws.Async;
import io.mailroom.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code GET /health/ready}: whether this node can do its work now — the Users table answers,
 * the send queue answers, and (with the SES transport) SES answers GetAccount with sending
 * enabled; SES's enforcement status shows as it was last read, and SHUTDOWN makes the node not
 * ready. Each check has its own deadline; the answer names the ones that failed. An answer is
 * kept for {@link #CACHE_MILLIS} and callers meanwhile share it, so that a flood of probes makes
 * one round of calls a second, not one per probe.
 */
public final class Readiness {
  private static final long DEADLINE_MILLIS = 2000;
  /** How long an answer is served again (the answer's {@code checkedAt} tells its age). */
  static final long CACHE_MILLIS = 1000;

  private final Vertx vertx;
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
  private final Map<String, State> states = new LinkedHashMap<>();
  /** A state a node already knows (no call): shown as it is, and not ready while {@code ready} says no. */
  private record State(Supplier<String> value, Predicate<String> ready) { }
  private Future<JsonObject> last;
  private long lastStarted;

  public Readiness(Vertx vertx, AwsClients aws, String usersTable, String queueUrl, boolean ses) {
    this.vertx = vertx;
    checks.put("dynamodb", () -> Async.of(aws.dynamo().describeTable(b -> b.tableName(usersTable))));
    checks.put("sqs", () -> Async.of(aws.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl))));
    if (ses) {
      checks.put("ses", () -> Async.of(aws.ses().getAccount(b -> { })).compose(account ->
          Boolean.FALSE.equals(account.sendingEnabled())
              ? Future.failedFuture(new IllegalStateException("sending is disabled on the SES account"))
              : Future.succeededFuture()));
    }
  }

  /** Adds a check (such as the rate limiter's Redis) under {@code name}. */
  public Readiness with(String name, Supplier<Future<?>> check) {
    checks.put(name, check);
    return this;
  }

  /**
   * Adds an entry that shows a state this node keeps (such as SES's enforcement status, which the
   * quota watch reads), under {@code name}; the node is not ready while {@code ready} refuses it.
   */
  public Readiness withState(String name, Supplier<String> value, Predicate<String> ready) {
    states.put(name, new State(value, ready));
    return this;
  }

  /** The last answer if it is fresh (or still coming), else a new round of checks. Call on one context. */
  public Future<JsonObject> check() {
    long now = System.currentTimeMillis();
    if (last == null || now - lastStarted >= CACHE_MILLIS && last.isComplete()) {
      lastStarted = now;
      last = checkNow(now);
    }
    return last;
  }

  private Future<JsonObject> checkNow(long now) {
    JsonObject results = new JsonObject();
    List<Future<?>> all = checks.entrySet().stream().map(e -> deadline(e.getValue().get())
        .onSuccess(v -> results.put(e.getKey(), "up"))
        .onFailure(error -> results.put(e.getKey(), "down: " + error.getClass().getSimpleName())))
        .<Future<?>>map(f -> f).toList();
    return Future.join(all).transform(done -> {
      boolean ready = done.succeeded();
      for (Map.Entry<String, State> state : states.entrySet()) {
        String value = state.getValue().value().get();
        results.put(state.getKey(), value);
        ready &= state.getValue().ready().test(value);
      }
      return Future.succeededFuture(new JsonObject().put("status", ready ? "ready" : "not_ready")
          .put("checks", results).put("checkedAt", java.time.Instant.ofEpochMilli(now).toString()));
    });
  }

  private Future<Object> deadline(Future<?> check) {
    io.vertx.core.Promise<Object> promise = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(DEADLINE_MILLIS, t -> promise.tryFail(new java.util.concurrent.TimeoutException()));
    check.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.succeeded()) {
        promise.tryComplete(done.result());
      } else {
        promise.tryFail(done.cause());
      }
    });
    return promise.future();
  }
}
