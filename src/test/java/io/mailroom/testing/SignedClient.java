package io.mailroom.testing;

import io.mailroom.api.WebhookSignature;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A blocking HTTP client for tests that signs its requests as the webhook's callers do. */
public final class SignedClient {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final String base;
  private final String secret;
  private final java.util.Set<String> signatures = new java.util.HashSet<>();

  public SignedClient(int port, String secret) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
    this.secret = secret;
  }

  public int port() {
    return port;
  }

  /** A response: its status and its body parsed as JSON (or null when it is not JSON). */
  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  public Reply post(String path, String body) {
    return send(signed("POST", path, body.getBytes(StandardCharsets.UTF_8))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Reply put(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return send(signed("PUT", path, bytes).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  public Reply delete(String path) {
    return send(signed("DELETE", path, new byte[0]).DELETE().build());
  }

  public Reply get(String path) {
    return send(signed("GET", path, new byte[0]).GET().build());
  }

  /**
   * A request signed now. The server accepts a POST's signature once, so a POST identical to one
   * this client signed in the same second is signed a second earlier (as a careful caller would).
   */
  public HttpRequest.Builder signed(String method, String path, byte[] body) {
    long now = System.currentTimeMillis() / 1000;
    String signature = WebhookSignature.sign(secret, now, method, path, body);
    while (!"GET".equals(method) && !firstUse(signature)) {
      now--;
      signature = WebhookSignature.sign(secret, now, method, path, body);
    }
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
        .header(WebhookSignature.SIGNATURE_HEADER, signature);
  }

  /** True the first time {@code signature} is seen by this client. */
  private boolean firstUse(String signature) {
    synchronized (signatures) {
      return signatures.add(signature);
    }
  }

  public HttpRequest.Builder unsigned(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
  }

  public Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls the campaign until it leaves queued/running, or fails after {@code timeoutMillis}. */
  public JsonObject awaitFinished(String campaignId, long timeoutMillis) {
    try {
      return Eventually.until("campaign " + campaignId + " finishing", timeoutMillis,
          () -> get("/v1/campaigns/" + campaignId).json(),
          status -> !"queued".equals(status.getString("status")) && !"running".equals(status.getString("status")));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
