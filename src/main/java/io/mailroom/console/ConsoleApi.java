package io.mailroom.console;

import io.mailroom.api.WebhookSignature;
import io.mailroom.audit.ActorSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The console's way to the node's public API: a signed request over loopback, exactly as an API
 * client makes it, naming the console user as the actor. So every action of the console passes the
 * API's validation, consent checks, limits and idempotency, and is audited under the user's name.
 * Each signature is used once: two identical requests in the same second are signed a second apart,
 * and a replay refusal from another node's identical request is retried once, a second later.
 */
public final class ConsoleApi {
  private static final String LOOPBACK = "127.0.0.1";
  private static final long REMEMBER_SECONDS = 120;

  private final Vertx vertx;
  private final WebClient client;
  private final IntSupplier port;
  private final String secret;
  private final Map<String, Long> used = new LinkedHashMap<>();

  /** The API's answer: its status and its JSON body (an object; {@link #raw()} for anything else). */
  public record ApiReply(int status, JsonObject body, Buffer raw) {
    public boolean ok() {
      return status / 100 == 2;
    }

    /** The refusal's {@code error} object (code, message, field), or an empty one. */
    public JsonObject error() {
      JsonObject error = body == null ? null : body.getJsonObject("error");
      return error == null ? new JsonObject() : error;
    }
  }

  public ConsoleApi(Vertx vertx, IntSupplier port, String secret) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("mailroom-console")
        .setConnectTimeout(5000).setIdleTimeout(60));
    this.port = port;
    this.secret = secret;
  }

  /** One signed call for {@code actor}; {@code bodyOrNull} is sent as JSON. */
  public Future<ApiReply> call(ConsoleUser actor, HttpMethod method, String pathAndQuery, JsonObject bodyOrNull) {
    Buffer body = bodyOrNull == null ? Buffer.buffer() : bodyOrNull.toBuffer();
    return send(actor, method, pathAndQuery, body, bodyOrNull != null)
        .compose(reply -> reply.status() == 409 && "replayed_signature".equals(reply.error().getString("code"))
            ? vertx.timer(1000).compose(t -> send(actor, method, pathAndQuery, body, bodyOrNull != null))
            : Future.succeededFuture(reply));
  }

  private Future<ApiReply> send(ConsoleUser actor, HttpMethod method, String path, Buffer body, boolean json) {
    long now = System.currentTimeMillis() / 1000;
    String signature = unusedSignature(now, method.name(), path, body.getBytes());
    long timestamp = Long.parseLong(signature.substring(0, 10));
    String value = signature.substring(11);
    HttpRequest<Buffer> request = client.request(method, port.getAsInt(), LOOPBACK, path)
        .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
        .putHeader(WebhookSignature.SIGNATURE_HEADER, value)
        .putHeader(ActorSignature.ACTOR_HEADER, actor.name())
        .putHeader(ActorSignature.SIGNATURE_HEADER, ActorSignature.sign(secret, value, actor.name()));
    if (json) {
      request.putHeader("Content-Type", "application/json");
    }
    return request.sendBuffer(body).map(ConsoleApi::reply);
  }

  /** {@code "<timestamp> <signature>"}: now, or a second earlier each time that signature was used already. */
  private synchronized String unusedSignature(long now, String method, String path, byte[] body) {
    for (Iterator<Map.Entry<String, Long>> it = used.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() < now - REMEMBER_SECONDS) {
        it.remove();
      }
    }
    long timestamp = now;
    String signature = WebhookSignature.sign(secret, timestamp, method, path, body);
    while (!"GET".equals(method) && used.containsKey(signature)) {
      timestamp--;
      signature = WebhookSignature.sign(secret, timestamp, method, path, body);
    }
    used.put(signature, now);
    return timestamp + " " + signature;
  }

  private static ApiReply reply(HttpResponse<Buffer> response) {
    Buffer raw = response.body() == null ? Buffer.buffer() : response.body();
    JsonObject body = null;
    String text = raw.toString().trim();
    if (text.startsWith("{")) {
      try {
        body = new JsonObject(raw);
      } catch (RuntimeException ignored) {
        // not JSON after all: raw() keeps it
      }
    }
    return new ApiReply(response.statusCode(), body == null ? new JsonObject() : body, raw);
  }
}
