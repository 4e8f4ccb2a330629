package io.mailroom;

import io.mailroom.api.WebhookSignature;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.DemoData;
import io.mailroom.local.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code java -jar mailroom.jar demo}: starts a node on the embedded default, starts one campaign
 * through the real signed webhook, prints its progress each second and a summary at the end.
 * Runs on the main thread and blocks it; exits non-zero if the campaign did not complete cleanly.
 */
public final class Demo {
  private static final long TIMEOUT_MILLIS = 5 * 60 * 1000;

  private final Vertx vertx;
  private final MailroomConfig config;
  private final PrintStream out;
  /** The random password of the demo's console admin; null when the console is disabled. */
  private final String adminPassword;

  public Demo(Vertx vertx, MailroomConfig config, PrintStream out) {
    this.vertx = vertx;
    this.adminPassword = config.console().enabled() ? DemoConsole.password() : null;
    MailroomConfig moved = config.listeningOn(FreePort.pick(), false);
    this.config = adminPassword == null ? moved : DemoConsole.withAdmin(moved, adminPassword);
    this.out = out;
  }

  /**
   * Runs the demo; with {@code stay}, the node then serves its console until the process is stopped
   * (Ctrl-C), else it stops. Its exit code: 0 when the campaign completed cleanly.
   */
  public int run(boolean stay) throws Exception {
    long started = System.currentTimeMillis();
    Mailroom node = Mailroom.start(vertx, config).await();
    try {
      node.users().putAll(DemoData.customers(config.demo().customers())).await();
      out.printf("Mailroom demo: %d customers (%d consenting), transport %s%n", config.demo().customers(),
          DemoData.consenting(config.demo().customers()), node.transport().name());
      out.printf("node started in %.1f s on http://127.0.0.1:%d%n", (System.currentTimeMillis() - started) / 1000.0,
          node.httpPort());
      if (adminPassword != null) {
        out.printf("console: http://127.0.0.1:%d/console/  (sign in as %s / %s)%n", node.httpPort(), DemoConsole.ADMIN,
            adminPassword);
      }
      WebClient client = WebClient.create(vertx);
      int port = node.httpPort();
      author(client, port);
      JsonObject campaign = call(client, port, "POST", "/v1/campaigns",
          new JsonObject().put("templateId", DemoData.TEMPLATE_ID), 202);
      String id = campaign.getString("campaignId");
      out.printf("campaign %s accepted (status %s)%n", id, campaign.getString("status"));
      long sentAt = System.currentTimeMillis();
      JsonObject status = follow(client, port, id, sentAt);
      double seconds = (System.currentTimeMillis() - sentAt) / 1000.0;
      int exit = summary(status, seconds);
      if (stay && adminPassword != null) {
        DemoConsole.stayOpen(node, out);
      }
      return exit;
    } finally {
      node.close().await();
    }
  }

  /** What a marketer does before sending: the template through the API, a preview, one test send. */
  private void author(WebClient client, int port) {
    JsonObject template = call(client, port, "PUT", "/v1/templates/" + DemoData.TEMPLATE_ID,
        DemoData.templateJson(), 0);
    out.printf("template %s saved through the API (version %d)%n", DemoData.TEMPLATE_ID,
        template.getLong("version"));
    String first = DemoData.email(0);
    JsonObject preview = call(client, port, "POST", "/v1/templates/" + DemoData.TEMPLATE_ID + "/preview",
        new JsonObject().put("email", first), 200);
    // sizes only: what a customer reads stays out of the output, as it stays out of the logs
    out.printf("preview for customer 1: a subject of %d characters, %d KB of HTML, %d headers%n",
        preview.getString("subject").length(), preview.getString("html").length() / 1024,
        preview.getJsonArray("headers").size());
    JsonObject test = call(client, port, "POST", "/v1/templates/" + DemoData.TEMPLATE_ID + "/test",
        new JsonObject().put("to", new io.vertx.core.json.JsonArray().add(first)), 202);
    out.printf("test email sent to customer 1 (%d message)%n", test.getJsonArray("messages").size());
  }

  /** A signed JSON call; {@code expected} 0: any 2xx. Anything else stops the demo with the answer. */
  private JsonObject call(WebClient client, int port, String method, String path, JsonObject json, int expected) {
    Buffer body = json.toBuffer();
    HttpResponse<Buffer> response = signed(client.request(io.vertx.core.http.HttpMethod.valueOf(method), port,
        "127.0.0.1", path), method, path, body)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body).await();
    int status = response.statusCode();
    if (expected == 0 ? status / 100 != 2 : status != expected) {
      throw new IllegalStateException(method + " " + path + " answered " + status + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  private JsonObject follow(WebClient client, int port, String id, long since) throws InterruptedException {
    String path = "/v1/campaigns/" + id;
    while (true) {
      Thread.sleep(1000);
      HttpResponse<Buffer> response = signed(client.get(port, "127.0.0.1", path), "GET", path, Buffer.buffer())
          .send().await();
      JsonObject status = response.bodyAsJsonObject();
      if (System.getenv("MAILROOM_DEMO_DEBUG") != null) {
        out.println(status.encode());
      }
      JsonObject counts = status.getJsonObject("counts");
      out.printf("[%4.0fs] %-9s queued %d / sent %d / failed %d / skipped %d%n",
          (System.currentTimeMillis() - since) / 1000.0, status.getString("status"), counts.getLong("queued"),
          counts.getLong("sent"), counts.getLong("failed"), counts.getLong("skipped"));
      String state = status.getString("status");
      if (!"running".equals(state) && !"queued".equals(state)) {
        return status;
      }
      if (System.currentTimeMillis() - since > TIMEOUT_MILLIS) {
        out.println("the campaign did not finish within 5 minutes");
        return status;
      }
    }
  }

  private io.vertx.ext.web.client.HttpRequest<Buffer> signed(io.vertx.ext.web.client.HttpRequest<Buffer> request,
                                                              String method, String path, Buffer body) {
    long now = System.currentTimeMillis() / 1000;
    return request
        .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now))
        .putHeader(WebhookSignature.SIGNATURE_HEADER,
            WebhookSignature.sign(config.webhook().secrets().get(0), now, method, path, body.getBytes()));
  }

  private int summary(JsonObject status, double seconds) throws IOException {
    JsonObject counts = status.getJsonObject("counts");
    String id = status.getString("campaignId");
    out.println();
    out.printf("Summary: campaign %s %s in %.1f s: %d sent, %d failed, %d skipped (not consenting)%n", id,
        status.getString("status"), seconds, counts.getLong("sent"), counts.getLong("failed"),
        counts.getLong("skipped"));
    if (config.transport() == MailroomConfig.TransportKind.OUTBOX) {
      Path dir = Path.of(config.outboxDir()).toAbsolutePath().resolve(id);
      long files = 0;
      if (Files.isDirectory(dir)) {
        try (Stream<Path> list = Files.list(dir)) {
          files = list.filter(p -> p.toString().endsWith(".eml")).count();
        }
      }
      out.printf("Outbox: %d .eml files in %s%n", files, dir);
    }
    boolean clean = "completed".equals(status.getString("status")) && counts.getLong("failed") == 0
        && counts.getLong("sent") == DemoData.consenting(config.demo().customers());
    return clean ? 0 : 1;
  }
}
