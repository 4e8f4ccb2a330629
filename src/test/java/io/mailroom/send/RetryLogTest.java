package io.mailroom.send;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SES error messages can quote the recipient ("Illegal address: kim@example.com"). A node whose
 * every SES call fails that way, with a 500 (transient: retried), logs each retry and the final
 * failure by error code only: no address reaches the log.
 */
@ExtendWith(VertxExtension.class)
class RetryLogTest {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private HttpServer failingSes;
  private TestNode node;

  @BeforeEach
  void capture() {
    appender.start();
    ((Logger) LoggerFactory.getLogger(Outcomes.class)).addAppender(appender);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(Outcomes.class)).detachAppender(appender);
    if (node != null) {
      node.close();
    }
    if (failingSes != null) {
      failingSes.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void retryLinesCarryTheErrorCodeNotSesTextHoldingTheAddress(Vertx vertx) throws Exception {
    failingSes = failingSes(vertx);
    node = TestNode.named("retrylog")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", "http://127.0.0.1:" + failingSes.actualPort());
          json.getJsonObject("sender").put("retryBaseMillis", 10).put("maxAttempts", 3).put("resendAmbiguous", true);
        })
        .customers(2, i -> "kim" + i + "@example.com")
        .start(vertx);
    JsonObject done = node.client().awaitFinished(node.startCampaign(), 180_000);
    assertThat(done.getJsonObject("counts").getLong("failed")).isPositive();

    List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).as("the retries were logged").anyMatch(line -> line.contains("retrying"))
        .anyMatch(line -> line.contains("InternalFailure"));
    assertThat(lines).as("no address in the log").noneMatch(line -> line.contains("@example.com"));
  }

  /**
   * An SES fault the emulator cannot give: every send is answered 500 with the recipient in its
   * message; the other calls (GetAccount) go to the emulator.
   */
  private static HttpServer failingSes(Vertx vertx) throws Exception {
    URI emulator = URI.create(LocalServices.ses().endpoint());
    HttpClient http = vertx.createHttpClient();
    return vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (!request.path().contains("/outbound-emails")) {
        http.request(request.method(), emulator.getPort(), emulator.getHost(), request.uri())
            .compose(out -> {
              out.headers().setAll(request.headers());
              return out.send(body);
            })
            .compose(in -> in.body().onSuccess(answer -> {
              request.response().setStatusCode(in.statusCode()).headers().setAll(in.headers());
              request.response().end(answer);
            }))
            .onFailure(e -> request.response().setStatusCode(502).end());
        return;
      }
      String to = new JsonObject(body).getJsonObject("Destination").getJsonArray("ToAddresses").getString(0);
      request.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .putHeader("x-amzn-ErrorType", "InternalFailure")
          .end(new JsonObject().put("__type", "InternalFailure").put("message", "Failed for " + to).encode());
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }
}
