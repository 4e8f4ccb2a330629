package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of the real DynamoDB (dynalite) that holds each call of the chosen
 * operations ({@code "GetItem"}, {@code "PutItem"}, ...) for a delay before passing it on: a slow or
 * throttled store. A held call whose client went away meanwhile (its node was killed) is dropped,
 * never passed on. Delays change while it runs; everything else passes through at once.
 */
public final class SlowDynamoProxy implements AutoCloseable {
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final Map<String, Long> delays = new ConcurrentHashMap<>();

  public SlowDynamoProxy(String dynamoEndpoint) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(), URI.create(dynamoEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** From now on, each call of {@code operation} is held {@code millis} (0: passed at once). */
  public SlowDynamoProxy delay(String operation, long millis) {
    delays.put(TARGET_PREFIX + operation, millis);
    return this;
  }

  /** Every operation passes at once again. */
  public void fast() {
    delays.clear();
  }

  private void handle(HttpServerRequest request) {
    boolean[] gone = {false};
    request.connection().closeHandler(v -> gone[0] = true);
    request.body().onSuccess(body -> {
      long delay = delays.getOrDefault(String.valueOf(request.getHeader("X-Amz-Target")), 0L);
      Runnable pass = () -> {
        if (!gone[0]) {
          forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
        }
      };
      if (delay <= 0) {
        pass.run();
      } else {
        vertx.setTimer(delay, t -> pass.run());
      }
    });
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
