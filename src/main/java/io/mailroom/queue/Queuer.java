package io.mailroom.queue;

import io.mailroom.bus.Channels;
import io.mailroom.bus.QueuePage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
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
    return Channels.QUEUE_PAGE.consumer(vertx.eventBus(), this::onPage).completion();
  }

  private void onPage(Message<QueuePage> message) {
    QueuePage page = message.body();
    List<String> bodies = new ArrayList<>(page.size());
    page.recipients().forEach(recipient -> bodies.add(
        new SendTask(page.campaignId(), page.templateId(), page.subject(), recipient, page.topic(),
            page.templateVersion(), page.kind()).encode()));
    bodies.addAll(page.parkedTasks());
    send(bodies, 1)
        .onSuccess(v -> message.reply(bodies.size()))
        .onFailure(e -> {
          LOG.warn("campaign {}: a page of {} was not queued: {}", page.campaignId(), bodies.size(), e.getMessage());
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
