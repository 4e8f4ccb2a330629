package io.mailroom.queue;

import io.mailroom.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a page of recipients from the Fetcher into SQS messages, one per recipient, sent with
 * SendMessageBatch; it replies once SQS holds every one of them.
 */
public final class Queuer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Queuer.class);
  private static final int SEND_ATTEMPTS = 3;

  private final SqsQueue queue;

  public Queuer(SqsQueue queue) {
    this.queue = queue;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.FETCHER_PAGE, this::onPage).completion();
  }

  private void onPage(Message<JsonObject> message) {
    JsonObject page = message.body();
    String campaignId = page.getString("campaignId");
    JsonArray recipients = page.getJsonArray("recipients", new JsonArray());
    JsonArray tasks = page.getJsonArray("tasks", new JsonArray());
    if (campaignId == null || recipients.size() + tasks.size() > 10) {
      message.fail(400, "a page needs a campaignId and at most 10 recipients or tasks");
      return;
    }
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i++) {
      bodies.add(SendTask.of(page, recipients.getJsonObject(i)).encode());
    }
    for (int i = 0; i < tasks.size(); i++) {
      bodies.add(tasks.getString(i));
    }
    send(bodies, 1)
        .onSuccess(v -> message.reply(new JsonObject().put("queued", bodies.size())))
        .onFailure(e -> {
          LOG.warn("campaign {}: a page of {} was not queued: {}", campaignId, bodies.size(), e.getMessage());
          message.fail(503, "not queued: " + e.getMessage());
        });
  }

  /** Sends, then re-sends only the entries SQS refused. */
  private Future<Void> send(List<String> bodies, int attempt) {
    if (bodies.isEmpty()) {
      return Future.succeededFuture();
    }
    return queue.sendBatch(bodies).compose(refused -> {
      if (refused.isEmpty()) {
        return Future.succeededFuture();
      }
      if (attempt >= SEND_ATTEMPTS) {
        return Future.failedFuture(new IllegalStateException(refused.size() + " messages refused by SQS"));
      }
      List<String> again = refused.stream().map(bodies::get).toList();
      return vertx.timer(200L * attempt).compose(t -> send(again, attempt + 1));
    });
  }
}
