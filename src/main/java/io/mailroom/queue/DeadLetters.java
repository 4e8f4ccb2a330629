package io.mailroom.queue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * The dead-letter queue: messages SQS gave up on after {@code sqs.maxReceives} receives (a node
 * that kept crashing on them, a body that is not a send task). Operators list them and drive them
 * back to the send queue; deliveries already finished are acknowledged there without a send.
 */
public final class DeadLetters {
  private static final int PEEK_SECONDS = 30;

  private final SqsQueue deadLetters;
  private final SqsQueue sendQueue;

  public DeadLetters(SqsQueue deadLetters, SqsQueue sendQueue) {
    this.deadLetters = deadLetters;
    this.sendQueue = sendQueue;
  }

  public Future<Long> depth() {
    return deadLetters.depth();
  }

  /** Up to {@code max} dead letters, described; they stay in the queue. */
  public Future<List<JsonObject>> list(int max) {
    return take(max, new ArrayList<>()).compose(messages -> Future.join(messages.stream()
            .map(m -> deadLetters.retryAfter(m, 0)).toList())
        .map(v -> messages.stream().map(DeadLetters::describe).toList()));
  }

  /** Moves up to {@code max} dead letters back to the send queue; returns how many moved. */
  public Future<Integer> redrive(int max) {
    return take(max, new ArrayList<>()).compose(messages -> {
      List<Future<?>> moved = new ArrayList<>();
      for (int i = 0; i < messages.size(); i += 10) {
        List<Message> batch = messages.subList(i, Math.min(messages.size(), i + 10));
        moved.add(sendQueue.sendBatch(batch.stream().map(Message::body).toList())
            .compose(refused -> refused.isEmpty() ? deadLetters.deleteBatch(batch)
                : Future.failedFuture(new IllegalStateException(refused.size() + " messages refused by SQS"))));
      }
      return Future.all(moved).map(messages.size());
    });
  }

  private Future<List<Message>> take(int max, List<Message> taken) {
    if (taken.size() >= max) {
      return Future.succeededFuture(taken);
    }
    return deadLetters.receive(Math.min(10, max - taken.size()), 0, PEEK_SECONDS).compose(messages -> {
      taken.addAll(messages);
      return messages.isEmpty() ? Future.succeededFuture(taken) : take(max, taken);
    });
  }

  private static JsonObject describe(Message message) {
    JsonObject json = new JsonObject().put("messageId", message.messageId())
        .put("receives", SqsQueue.receiveCount(message));
    try {
      SendTask task = SendTask.decode(message.body());
      json.put("campaignId", task.campaignId()).put("email", task.recipient().email());
    } catch (IllegalArgumentException e) {
      json.put("problem", "not a send task");
    }
    return json;
  }
}
