package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An HTTP proxy in front of the SES emulator that makes SES misbehave the way it does in
 * production: throttling (429 TooManyRequestsException), internal errors (500) and requests that
 * never answer, for a share of calls; MessageRejected (400) for chosen recipients; and an
 * optional delay. Faulty calls never reach the emulator, so SES never accepted them. It can
 * also be slow the other way ({@link #holdAnswers}): the emulator accepts the email, and its
 * answer is held past the client's deadline. It tells a listener of every email the emulator
 * accepted, with its tags ({@link #onAccepted}), as SES's Send events would. The SDK in the node
 * talks real HTTP to it, parses the real error responses and times out for real.
 */
public final class SesFaultProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final Random random = new Random(20261125);
  private final double faultRate;
  private final Set<String> rejected;
  private final long delayMillis;
  private final HttpServer server;
  public final AtomicInteger throttled = new AtomicInteger();
  public final AtomicInteger errors = new AtomicInteger();
  public final AtomicInteger hung = new AtomicInteger();
  public final Map<String, AtomicInteger> callsPerRecipient = new ConcurrentHashMap<>();
  public final AtomicInteger held = new AtomicInteger();
  /** Recipients whose every call is answered 500 InternalFailure (transient) while they are in it. */
  public final Set<String> failing = ConcurrentHashMap.newKeySet();
  private volatile double holdShare;
  private volatile long holdMillis;
  private volatile Consumer<Accepted> accepted = a -> { };

  /** An email the emulator accepted: its recipient, its tags and the message id it answered with. */
  public record Accepted(String to, Map<String, String> tags, String messageId) { }

  public SesFaultProxy(String emulatorEndpoint, double faultRate, Set<String> rejected, long delayMillis)
      throws Exception {
    this.faultRate = faultRate;
    this.rejected = rejected;
    this.delayMillis = delayMillis;
    this.forwarder = new Forwarder(vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(200)),
        URI.create(emulatorEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  /** A {@code share} of the accepted emails get their answer {@code millis} late. */
  public SesFaultProxy holdAnswers(double share, long millis) {
    this.holdShare = share;
    this.holdMillis = millis;
    return this;
  }

  public SesFaultProxy onAccepted(Consumer<Accepted> listener) {
    this.accepted = listener;
    return this;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String recipient = recipient(body);
      if (recipient != null) {
        callsPerRecipient.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
      }
      if (recipient != null && rejected.contains(recipient)) {
        error(request, 400, "MessageRejected", "Email address is on the account-level suppression list");
        return;
      }
      if (recipient != null && failing.contains(recipient)) {
        errors.incrementAndGet();
        error(request, 500, "InternalFailure", "The request processing has failed because of an unknown error.");
        return;
      }
      double roll;
      synchronized (random) {
        roll = random.nextDouble();
      }
      if (recipient != null && roll < faultRate / 3) {
        throttled.incrementAndGet();
        error(request, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
      } else if (recipient != null && roll < 2 * faultRate / 3) {
        errors.incrementAndGet();
        error(request, 500, "InternalFailure", "The request processing has failed because of an unknown error.");
      } else if (recipient != null && roll < faultRate) {
        hung.incrementAndGet(); // never answered, never forwarded: the client's deadline runs out
      } else if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> forward(request, body));
      } else {
        forward(request, body);
      }
    });
  }

  private static String recipient(Buffer body) {
    try {
      JsonArray to = new JsonObject(body).getJsonObject("Destination").getJsonArray("ToAddresses");
      return to.getString(0);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void error(HttpServerRequest request, int status, String type, String message) {
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("x-amzn-ErrorType", type)
        .end(new JsonObject().put("__type", type).put("message", message).encode());
  }

  private void forward(HttpServerRequest request, Buffer body) {
    String recipient = recipient(body);
    boolean hold;
    synchronized (random) {
      hold = recipient != null && random.nextDouble() < holdShare;
    }
    Forwarder.Answer answer = hold ? later -> {
      held.incrementAndGet();
      vertx.setTimer(holdMillis, t -> later.run());
    } : Runnable::run;
    forwarder.forward(request, body, answer, answered -> {
      if (recipient != null && answered.statusCode() == 200) {
        accepted.accept(new Accepted(recipient, tags(body), new JsonObject(answered.body()).getString("MessageId")));
      }
    }).onFailure(e -> error(request, 502, "InternalFailure", e.toString()));
  }

  private static Map<String, String> tags(Buffer body) {
    Map<String, String> tags = new java.util.HashMap<>();
    JsonArray list = new JsonObject(body).getJsonArray("EmailTags", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      tags.put(list.getJsonObject(i).getString("Name"), list.getJsonObject(i).getString("Value"));
    }
    return tags;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
