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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * An HTTP proxy in front of the real DynamoDB (dynalite) that fails chosen calls the way an
 * outage does: a call of the chosen operation whose request matches is answered 500
 * InternalServerError on every attempt the SDK makes (its retries included, told apart by the
 * SDK's invocation id), so the error reaches the caller; only the first {@code calls} such calls
 * fail, and those never reach the server. Everything else passes through to the real server.
 */
public final class DynamoFaultProxy implements AutoCloseable {
  private static final String TARGET_PREFIX = "DynamoDB_20120810.";

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Set<String> failingCalls = ConcurrentHashMap.newKeySet();
  /** How many calls were failed (each counted once, however often the SDK tried it). */
  public final AtomicInteger failed = new AtomicInteger();

  private record Fault(String target, Predicate<JsonObject> matches, AtomicInteger left) { }

  public DynamoFaultProxy(String dynamoEndpoint) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(), URI.create(dynamoEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next {@code calls} calls of {@code operation} ({@code "UpdateItem"}, ...) whose request {@code matches} fail. */
  public DynamoFaultProxy fail(String operation, Predicate<JsonObject> matches, int calls) {
    faults.add(new Fault(TARGET_PREFIX + operation, matches, new AtomicInteger(calls)));
    return this;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      if (failing(request, body)) {
        answer(request, new JsonObject()
            .put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError")
            .put("message", "Internal server error").encode());
        return;
      }
      forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
    });
  }

  private boolean failing(HttpServerRequest request, Buffer body) {
    String call = String.valueOf(request.getHeader("amz-sdk-invocation-id"));
    if (failingCalls.contains(call)) {
      return true;
    }
    String target = String.valueOf(request.getHeader("X-Amz-Target"));
    for (Fault fault : faults) {
      if (fault.target().equals(target) && fault.matches().test(new JsonObject(body))
          && fault.left().getAndDecrement() > 0) {
        failingCalls.add(call);
        failed.incrementAndGet();
        return true;
      }
    }
    return false;
  }

  private static void answer(HttpServerRequest request, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    request.response().setStatusCode(500)
        .putHeader("Content-Type", "application/x-amz-json-1.0")
        .putHeader("x-amz-crc32", Long.toString(crc.getValue()))
        .end(Buffer.buffer(bytes));
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
