package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * An HTTP proxy in front of the real DynamoDB (dynalite) that refuses chosen calls as DynamoDB
 * refuses a call the credentials may not make: 400 {@code AccessDeniedException}, which the SDK
 * does not retry, so the caller sees the failure at once. Which calls: the next few of one
 * operation whose request carries every given string (a table name, a value). Everything else
 * passes through to the real server.
 */
public final class DynamoFaultProxy implements AutoCloseable {
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final AtomicReference<Rule> rule = new AtomicReference<>();
  /** Calls this proxy refused. */
  public final AtomicInteger refused = new AtomicInteger();

  private record Rule(String target, List<String> marks, AtomicInteger left) { }

  public DynamoFaultProxy(String dynamoEndpoint) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(), URI.create(dynamoEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** From now on, refuses the next {@code times} calls of {@code operation} ("Scan", ...) carrying all {@code marks}. */
  public void refuse(String operation, int times, String... marks) {
    rule.set(new Rule(TARGET_PREFIX + operation, List.of(marks), new AtomicInteger(times)));
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      if (refuses(request.getHeader("X-Amz-Target"), body.toString(StandardCharsets.UTF_8))) {
        refused.incrementAndGet();
        answer(request, new JsonObject()
            .put("__type", "com.amazonaws.dynamodb.v20120810#AccessDeniedException")
            .put("message", "User is not authorized to perform this operation").encode());
        return;
      }
      forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
    });
  }

  private boolean refuses(String target, String body) {
    Rule now = rule.get();
    return now != null && now.target().equals(target) && now.marks().stream().allMatch(body::contains)
        && now.left().getAndDecrement() > 0;
  }

  private static void answer(HttpServerRequest request, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    request.response().setStatusCode(400)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amz-crc32", Long.toString(crc.getValue()))
        .end(Buffer.buffer(bytes));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
