package io.mailroom.bench;

import io.mailroom.Mailroom;
import io.mailroom.audience.UserStore;
import io.mailroom.campaign.Template;
import io.mailroom.local.DemoData;
import io.mailroom.render.HtmlText;
import io.mailroom.render.RenderedEmail;
import io.mailroom.send.SesTransport;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * 500 recipients × the ~100 KB demo template, sent through a whole node to the SES emulator with
 * no rate limit, against a plain SesV2AsyncClient loop blasting the same emulator with the same
 * emails. Prints each run and the medians, with the node's CPU seconds per 1,000 emails (this JVM,
 * which runs the node and ElasticMQ, plus its child processes but the SES emulator: the embedded
 * DynamoDB), which holds across machines; asserts nothing.
 *
 * <pre>mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mailroom.bench.SendBenchmark</pre>
 * Options (system properties): {@code -Dbench.recipients=500 -Dbench.runs=3 -Dbench.senders=16}.
 */
public final class SendBenchmark {
  private static final int RECIPIENTS = Integer.getInteger("bench.recipients", 500);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final int SENDERS = Integer.getInteger("bench.senders", 16);
  private static final int BASELINE_IN_FLIGHT = SENDERS * 10;

  private SendBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    SesEmulator ses = LocalServices.ses();
    List<double[]> results = new ArrayList<>();
    System.out.printf("SendBenchmark: %d recipients x ~100 KB, %d runs, %d senders, no rate limit%n",
        RECIPIENTS, RUNS, SENDERS);
    System.out.println("warm-up run (not counted)...");
    mailroomRun();
    baselineRun(ses.endpoint());
    ses.clear();
    for (int run = 1; run <= RUNS; run++) {
      ses.clear();
      double cpuBefore = nodeCpuSeconds();
      double dynamoBefore = embeddedDynamoCpuSeconds();
      double seconds = mailroomRun();
      double cpuPerThousand = (nodeCpuSeconds() - cpuBefore) * 1000 / RECIPIENTS;
      double dynamoPerThousand = (embeddedDynamoCpuSeconds() - dynamoBefore) * 1000 / RECIPIENTS;
      int received = ses.emails().size();
      ses.clear();
      double baseline = baselineRun(ses.endpoint());
      ses.clear();
      double rate = RECIPIENTS / seconds;
      double ratio = rate / baseline;
      results.add(new double[] {seconds, rate, baseline, ratio, cpuPerThousand});
      System.out.printf("run %d: webhook->last accepted %.2f s, %.1f emails/s (emulator received %d); "
          + "plain SesV2AsyncClient %.1f emails/s; ratio %.2f; node CPU %.2f s per 1,000 emails"
          + " (of which the embedded DynamoDB %.2f s)%n",
          run, seconds, rate, received, baseline, ratio, cpuPerThousand, dynamoPerThousand);
    }
    System.out.printf("MEDIAN of %d: %.2f s, %.1f emails/s, baseline %.1f emails/s, ratio %.2f, "
        + "node CPU %.2f s per 1,000 emails%n", RUNS,
        median(results, 0), median(results, 1), median(results, 2), median(results, 3), median(results, 4));
    System.exit(0);
  }

  /** CPU seconds so far of this JVM and of its child processes, the SES emulator's left out. */
  /** The embedded DynamoDB's process (dynalite) alone: what the node's table round trips cost it. */
  private static double embeddedDynamoCpuSeconds() {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("dynalite"))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
        .sum();
  }

  private static double nodeCpuSeconds() {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double children = ProcessHandle.current().descendants()
        .filter(p -> !p.info().commandLine().orElse("").contains("aws-ses-v2-local"))
        .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0))
        .sum();
    return os.getProcessCpuTime() / 1e9 + children;
  }

  private static double mailroomRun() throws Exception {
    Vertx vertx = Vertx.vertx();
    JsonObject json = LocalServices.configJson(LocalServices.uniquePrefix("bench"));
    json.getJsonObject("sender").put("instances", SENDERS);
    Mailroom node = Mailroom.start(vertx, io.mailroom.config.MailroomConfig.from(json)).await(60, TimeUnit.SECONDS);
    try {
      node.templates().put(DemoData.template()).await(30, TimeUnit.SECONDS);
      List<Map<String, AttributeValue>> customers = new ArrayList<>();
      for (int i = 0; i < RECIPIENTS; i++) {
        Map<String, AttributeValue> item = new HashMap<>(DemoData.customers(1).get(0));
        item.put("Email", AttributeValue.fromS(DemoData.email(i)));
        customers.add(item);
      }
      new UserStore(node.aws().dynamo(), node.tables().users()).putAll(customers).await(60, TimeUnit.SECONDS);
      SignedClient client = new SignedClient(node.httpPort(), node.config().webhook().secrets().get(0));
      long start = System.nanoTime();
      String id = client.post("/v1/campaigns", "{\"templateId\":\"" + DemoData.TEMPLATE_ID + "\"}")
          .json().getString("campaignId");
      while (true) {
        JsonObject counts = client.get("/v1/campaigns/" + id).json().getJsonObject("counts");
        if (counts.getLong("sent") + counts.getLong("failed") >= RECIPIENTS) {
          if (counts.getLong("failed") > 0) {
            System.out.println("  (" + counts.getLong("failed") + " failed)");
          }
          return (System.nanoTime() - start) / 1e9;
        }
        Thread.sleep(20);
      }
    } finally {
      node.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The same emails, from one SesV2AsyncClient, as fast as the emulator takes them: the same
   * request the node makes (SesTransport: subject, html, text part, unsubscribe headers, tags),
   * rendered once beforehand, so that only the node's own work is missing.
   */
  private static double baselineRun(String endpoint) throws Exception {
    Template template = DemoData.template();
    String html = template.html().replace("{{ Name }}", "Customer");
    String text = template.text() != null ? template.text() : HtmlText.of(html);
    String link = "https://shop.example.com/u/" + "t".repeat(120);
    List<RenderedEmail.Header> headers = List.of(
        new RenderedEmail.Header("List-Unsubscribe", "<" + link + ">, <mailto:unsubscribe@shop.example.com>"),
        new RenderedEmail.Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    try (NettyNioAsyncHttpClient http = (NettyNioAsyncHttpClient) NettyNioAsyncHttpClient.builder()
        .maxConcurrency(BASELINE_IN_FLIGHT).build();
         SesV2AsyncClient ses = SesV2AsyncClient.builder().httpClient(http).region(Region.US_EAST_1)
             .endpointOverride(URI.create(endpoint))
             .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
             .build()) {
      SesTransport transport = new SesTransport(ses, "");
      Semaphore inFlight = new Semaphore(BASELINE_IN_FLIGHT);
      List<CompletableFuture<?>> all = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < RECIPIENTS; i++) {
        RenderedEmail email = new RenderedEmail("c_baseline", "Shop <news@shop.example.com>", DemoData.email(i),
            "Customer, our autumn collection is here", html, text, headers);
        inFlight.acquire();
        all.add(transport.send(email, "1-" + i).toCompletionStage().toCompletableFuture()
            .whenComplete((r, e) -> inFlight.release()));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      return RECIPIENTS / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double median(List<double[]> results, int column) {
    List<Double> values = new ArrayList<>();
    results.forEach(r -> values.add(r[column]));
    Collections.sort(values);
    return values.get(values.size() / 2);
  }
}
