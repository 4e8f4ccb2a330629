package io.mailroom;

import io.mailroom.http.HealthProbe;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The API port and the management port: what each serves, and that a stalled request is closed. */
@ExtendWith(VertxExtension.class)
class HttpServersTest {
  private static TestNode node;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("servers")
        .config(json -> json.getJsonObject("http").put("idleTimeoutSeconds", 2).put("requestTimeoutSeconds", 1))
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void metricsAndReadinessAreOnTheManagementPortOnly() {
    SignedClient api = node.client();
    SignedClient management = node.management();
    assertThat(management.port()).isNotEqualTo(api.port());
    for (String path : new String[] {"/metrics", "/health/ready"}) {
      SignedClient.Reply reply = api.send(api.unsigned(path).GET().build());
      assertThat(reply.status()).as(path + " on the API port").isEqualTo(404);
      assertThat(reply.json().getJsonObject("error").getString("message")).isEqualTo("no such route");
    }
    SignedClient.Reply ready = management.send(management.unsigned("/health/ready").GET().build());
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().getJsonObject("checks").getMap()).containsEntry("dynamodb", "up");
    SignedClient.Reply metrics = management.send(management.unsigned("/metrics").GET().build());
    assertThat(metrics.body()).as("the route is there, exported or not").doesNotContain("no such route");
    assertThat(api.send(api.unsigned("/health/live").GET().build()).status()).isEqualTo(200);
    assertThat(management.send(management.unsigned("/health/live").GET().build()).status()).isEqualTo(200);
  }

  @Test
  void probesInABurstShareOneReadinessAnswer() {
    SignedClient management = node.management();
    Set<String> answers = new HashSet<>();
    int probes = 20;
    for (int i = 0; i < probes; i++) {
      answers.add(management.send(management.unsigned("/health/ready").GET().build()).json().getString("checkedAt"));
    }
    assertThat(answers).as("checkedAt of %d probes in a row", probes).doesNotContainNull().hasSizeLessThan(probes);
  }

  @Test
  void theContainerHealthCheckAsksTheManagementPort() throws IOException {
    assertThat(HealthProbe.live(node.mailroom().managementPort())).isTrue();
    int closed;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      closed = free.getLocalPort();
    }
    assertThat(HealthProbe.live(closed)).as("nothing listens on " + closed).isFalse();
  }

  @Test
  void theManagementPortClosesAStalledRequestToo() throws IOException {
    assertClosedAfter("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", node.mailroom().managementPort());
  }

  @Test
  void halfTheHeadersAndAStallIsClosed() throws IOException {
    assertClosedAfter("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", node.port());
  }

  @Test
  void aBodyThatDoesNotArriveIsClosed() throws IOException {
    assertClosedAfter("POST /v1/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"templateId\"", node.port());
  }

  @Test
  void aFailedRequestIsLoggedByItsRouteNotItsPath(Vertx vertx) throws Exception {
    ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(io.mailroom.api.HttpApi.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try (TestNode broken = TestNode.named("brokenstore").start(vertx)) {
      // a real fault: the Campaigns table is gone, so reading a campaign fails inside the store
      broken.mailroom().aws().dynamo().deleteTable(b -> b.tableName(broken.mailroom().tables().campaigns())).join();
      SignedClient.Reply reply = broken.client().get("/v1/campaigns/c_secretlookingid42");
      assertThat(reply.status()).isEqualTo(500);
      assertThat(reply.body()).doesNotContain("c_secretlookingid42").doesNotContain("Exception");
    } finally {
      log.detachAppender(lines);
    }
    assertThat(lines.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("/v1/campaigns/:id"))
        .allSatisfy(line -> assertThat(line).doesNotContain("c_secretlookingid42"));
  }

  /** Sends {@code text}, then nothing: the server must close the connection (a read sees its end). */
  @Test
  void aKeptAliveConnectionTricklingItsNextRequestIsClosed() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(400);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          + "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // one byte every 400 ms of a second request that never ends: the request deadline, re-armed after the
      // first response, closes it (so does the idle timeout, which bytes of unfinished headers do not reset)
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < giveUp) {
        try {
          if (in.read(new byte[4096]) == -1) {
            return;
          }
        } catch (SocketTimeoutException quiet) {
          // nothing to read yet
        } catch (IOException reset) {
          return;
        }
        try {
          out.write('a');
          out.flush();
        } catch (IOException closed) {
          return;
        }
      }
      throw new AssertionError("the server kept a trickling second request open for 60 s");
    }
  }

  private static void assertClosedAfter(String text, int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      try {
        while (in.read() != -1) {
          // a 408 or any bytes before the close are fine; only an open connection is wrong
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server kept a stalled request open for 60 s", e);
      } catch (IOException reset) {
        // a reset is a close too
      }
    }
  }
}
