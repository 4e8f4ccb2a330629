package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP proxy in front of the SES emulator that refuses every email to one address the way SES
 * refuses an unverified recipient in the sandbox: 400 {@code MessageRejected}, with a message that
 * names the address. Everything else passes through to the emulator.
 */
public final class SesRejectingProxy implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public SesRejectingProxy(String emulatorEndpoint, String refused) throws Exception {
    Forwarder forwarder = new Forwarder(vertx.createHttpClient(), URI.create(emulatorEndpoint));
    this.server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (request.path().contains("/outbound-emails") && body.toString().contains(refused)) {
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .putHeader("x-amzn-ErrorType", "MessageRejected")
            .end(new JsonObject().put("__type", "MessageRejected").put("message", "Email address is not verified."
                + " The following identities failed the check in region EU-WEST-1: " + refused).encode());
        return;
      }
      forwarder.forward(request, body).onFailure(e -> request.response().setStatusCode(502).end());
    })).listen(FreePort.pick(), "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
