package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP wrapper in front of the SES emulator that answers the SES v2 reads the emulator
 * lacks (GetEmailIdentity, GetConfigurationSet, GetConfigurationSetEventDestinations) from JSON
 * the test sets, as SES would (404 NotFoundException for what it was not given). GetAccount is
 * answered from the test's JSON when set; every other call goes on to the emulator.
 */
public final class SesIdentityProxy implements AutoCloseable {
  private static final Pattern IDENTITY = Pattern.compile("/v2/email/identities/([^/?]+)");
  private static final Pattern SET = Pattern.compile("/v2/email/configuration-sets/([^/?]+)");
  private static final Pattern DESTINATIONS = Pattern.compile("/v2/email/configuration-sets/([^/?]+)/event-destinations");

  private final Vertx vertx = Vertx.vertx();
  private final Forwarder forwarder;
  private final HttpServer server;
  public final Map<String, JsonObject> identities = new ConcurrentHashMap<>();
  public final Map<String, JsonObject> configurationSets = new ConcurrentHashMap<>();
  public final Map<String, JsonObject> eventDestinations = new ConcurrentHashMap<>();
  private volatile JsonObject account;
  /** GetAccount calls this wrapper saw (answered by it or by the emulator). */
  public final java.util.concurrent.atomic.AtomicInteger accountCalls = new java.util.concurrent.atomic.AtomicInteger();

  public SesIdentityProxy(String emulatorEndpoint) throws Exception {
    this.forwarder = new Forwarder(vertx.createHttpClient(new HttpClientOptions()), URI.create(emulatorEndpoint));
    this.server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** GetAccount's answer from now on; null to let the emulator answer it. */
  public void account(JsonObject answer) {
    this.account = answer;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      if (path.equals("/v2/email/account")) {
        accountCalls.incrementAndGet();
      }
      if (path.equals("/v2/email/account") && account != null) {
        answer(request, account);
      } else if (matches(DESTINATIONS, path)) {
        answer(request, eventDestinations.get(name(DESTINATIONS, path)));
      } else if (matches(SET, path)) {
        answer(request, configurationSets.get(name(SET, path)));
      } else if (matches(IDENTITY, path)) {
        answer(request, identities.get(name(IDENTITY, path)));
      } else {
        forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end(e.toString()));
      }
    });
  }

  private static boolean matches(Pattern pattern, String path) {
    return pattern.matcher(path).matches();
  }

  private static String name(Pattern pattern, String path) {
    Matcher m = pattern.matcher(path);
    m.matches();
    return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
  }

  private static void answer(HttpServerRequest request, JsonObject json) {
    if (json == null) {
      request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
          .putHeader("x-amzn-ErrorType", "NotFoundException")
          .end(new JsonObject().put("__type", "NotFoundException").put("message", "not found").encode());
      return;
    }
    request.response().putHeader("Content-Type", "application/json").end(json.encode());
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
