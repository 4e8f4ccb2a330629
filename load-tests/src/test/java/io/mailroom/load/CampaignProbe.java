package io.mailroom.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A campaign sent while a simulation loads the node: started through the signed webhook
 * {@code startAfterMillis} into the run, then its sent count read once a second, so that the
 * report can show the emails sent per second beside the load (campaign sending should go on
 * undisturbed while the unsubscribe routes are overloaded).
 */
final class CampaignProbe {
  private static final Pattern CAMPAIGN_ID = Pattern.compile("\"campaignId\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern SENT = Pattern.compile("\"sent\"\\s*:\\s*(\\d+)");
  private final String baseUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Milliseconds since the run's start → emails sent by then. */
  private final ConcurrentSkipListMap<Long, Long> sent = new ConcurrentSkipListMap<>();
  private volatile boolean stopped;

  CampaignProbe(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Starts the probe's thread: the campaign {@code startAfterMillis} after {@code runStart}, then a read a second. */
  void start(long runStart, long startAfterMillis) {
    Thread thread = new Thread(() -> run(runStart, startAfterMillis), "campaign-probe");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() {
    stopped = true;
  }

  /** Emails sent between {@code fromMillis} and {@code toMillis} of the run, per second (-1: not measured). */
  double ratePerSecond(long fromMillis, long toMillis) {
    var first = sent.ceilingEntry(fromMillis);
    var last = sent.floorEntry(toMillis);
    if (first == null || last == null || last.getKey() <= first.getKey()) {
      return -1;
    }
    return (last.getValue() - first.getValue()) * 1000.0 / (last.getKey() - first.getKey());
  }

  private void run(long runStart, long startAfterMillis) {
    try {
      Thread.sleep(Math.max(0, runStart + startAfterMillis - System.currentTimeMillis()));
      String body = "{\"templateId\":\"promo-autumn\",\"idempotencyKey\":\"probe-" + runStart + "\"}";
      HttpResponse<String> started = http.send(signed("POST", "/v1/campaigns", body), HttpResponse.BodyHandlers.ofString());
      String target = "/v1/campaigns/" + field(CAMPAIGN_ID, started.body());
      while (!stopped) {
        HttpResponse<String> status = http.send(signed("GET", target, ""), HttpResponse.BodyHandlers.ofString());
        if (status.statusCode() == 200) {
          sent.put(System.currentTimeMillis() - runStart, Long.parseLong(field(SENT, status.body())));
        }
        Thread.sleep(1000);
      }
    } catch (IOException | RuntimeException e) {
      System.out.println("the campaign probe stopped: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String field(Pattern pattern, String json) {
    Matcher matcher = pattern.matcher(json);
    if (!matcher.find()) {
      throw new IllegalStateException("unexpected answer: " + json);
    }
    return matcher.group(1);
  }

  private HttpRequest signed(String method, String target, String body) {
    long now = System.currentTimeMillis() / 1000;
    return HttpRequest.newBuilder(URI.create(baseUrl + target)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-Mailroom-Timestamp", Long.toString(now))
        .header("X-Mailroom-Signature", Signatures.sign(MailroomNode.SECRET, now, method, target, body))
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
