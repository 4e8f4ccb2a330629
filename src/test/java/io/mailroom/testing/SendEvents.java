package io.mailroom.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Plays the configuration set's event destination: for each email the SES proxy saw accepted, an
 * SES Send event in a signed SNS notification to the node's {@code POST /v1/ses/events}, retried
 * every half second until a node answers 200 (SNS retries too), for up to five minutes.
 */
public final class SendEvents implements Consumer<SesFaultProxy.Accepted>, AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final long GIVE_UP_MILLIS = 300_000;

  private final SnsPublisher sns;
  private final URI target;
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
  public final AtomicInteger delivered = new AtomicInteger();
  public final AtomicInteger recorded = new AtomicInteger();
  public final AtomicInteger abandoned = new AtomicInteger();

  public SendEvents(SnsPublisher sns, int nodePort) {
    this.sns = sns;
    this.target = URI.create("http://127.0.0.1:" + nodePort + "/v1/ses/events");
  }

  /** The SES event for one accepted email, as SES publishes it for a configuration set. */
  public static JsonObject sendEvent(SesFaultProxy.Accepted email) {
    JsonObject tags = new JsonObject();
    email.tags().forEach((name, value) -> tags.put(name, new JsonArray().add(value)));
    return new JsonObject().put("eventType", "Send")
        .put("mail", new JsonObject().put("timestamp", Instant.now().toString()).put("messageId", email.messageId())
            .put("destination", new JsonArray().add(email.to())).put("tags", tags))
        .put("send", new JsonObject());
  }

  @Override
  public void accept(SesFaultProxy.Accepted email) {
    publish(sns.notification(sendEvent(email)).encode(), System.currentTimeMillis());
  }

  private void publish(String body, long since) {
    HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "text/plain; charset=UTF-8")
        .header("x-amz-sns-message-type", "Notification")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
      if (error == null && response.statusCode() == 200) {
        delivered.incrementAndGet();
        if (new JsonObject(response.body()).getBoolean("recorded", false)) {
          recorded.incrementAndGet();
        }
      } else if (System.currentTimeMillis() - since > GIVE_UP_MILLIS) {
        abandoned.incrementAndGet();
      } else {
        try {
          retries.schedule(() -> publish(body, since), 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
          abandoned.incrementAndGet();
        }
      }
    });
  }

  @Override
  public void close() {
    retries.shutdownNow();
  }
}
