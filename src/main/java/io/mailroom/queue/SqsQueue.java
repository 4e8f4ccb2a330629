package io.mailroom.queue;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The SQS send queue (and its dead-letter queue) the Queuer fills and the Senders drain. */
public final class SqsQueue {
  private final SqsAsyncClient sqs;
  private final String url;

  public SqsQueue(SqsAsyncClient sqs, String url) {
    this.sqs = sqs;
    this.url = url;
  }

  public String url() {
    return url;
  }

  /** Creates the dead-letter queue and the send queue that redrives to it; returns the send queue. */
  public static Future<SqsQueue> create(SqsAsyncClient sqs, String name, String deadLetterName,
                                        int visibilityTimeoutSeconds, int maxReceives) {
    return Async.of(sqs.createQueue(b -> b.queueName(deadLetterName)
            .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600"))))
        .compose(dlq -> Async.of(sqs.getQueueAttributes(b -> b.queueUrl(dlq.queueUrl())
            .attributeNames(QueueAttributeName.QUEUE_ARN))))
        .compose(attributes -> {
          String redrive = new JsonObject()
              .put("deadLetterTargetArn", attributes.attributes().get(QueueAttributeName.QUEUE_ARN))
              .put("maxReceiveCount", Integer.toString(maxReceives)).encode();
          return Async.of(sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
              QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
              QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600",
              QueueAttributeName.REDRIVE_POLICY, redrive))));
        })
        .map(created -> new SqsQueue(sqs, created.queueUrl()));
  }

  /** Looks up an existing queue by name (production: queues are made by the operator). */
  /** The send queue: created with its dead-letter queue when {@code create}, else the one that exists. */
  public static Future<SqsQueue> open(SqsAsyncClient sqs, boolean create, String name, String deadLetterName,
                                      int visibilitySeconds, int maxReceives) {
    return create ? create(sqs, name, deadLetterName, visibilitySeconds, maxReceives) : existing(sqs, name);
  }

  public static Future<SqsQueue> existing(SqsAsyncClient sqs, String name) {
    return Async.of(sqs.getQueueUrl(b -> b.queueName(name))).map(r -> new SqsQueue(sqs, r.queueUrl()));
  }

  /** Sends up to ten bodies in one call; returns the indexes of the entries SQS refused. */
  public Future<List<Integer>> sendBatch(List<String> bodies) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(bodies.get(i)).build());
    }
    return Async.of(sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)))
        .map(r -> r.failed().stream().map(BatchResultErrorEntry::id).map(Integer::valueOf).toList());
  }

  public Future<List<Message>> receive(int max, int waitSeconds) {
    return receive(max, waitSeconds, null);
  }

  /** Receives with the queue's visibility timeout, or {@code visibilitySeconds} when given. */
  public Future<List<Message>> receive(int max, int waitSeconds, Integer visibilitySeconds) {
    return Async.of(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
            .visibilityTimeout(visibilitySeconds)
            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)))
        .map(r -> r.messages());
  }

  public Future<Void> deleteBatch(List<Message> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
          .receiptHandle(messages.get(i).receiptHandle()).build());
    }
    return Async.of(sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries))).mapEmpty();
  }

  /** Makes a message visible again after {@code seconds}: the retry backoff. */
  /** {@link #retryAfter} for a wait in milliseconds: rounded up to whole seconds, at least one. */
  public Future<Void> retryAfterMillis(Message message, long millis) {
    return retryAfter(message, (int) Math.max(1, Math.ceil(millis / 1000.0)));
  }

  public Future<Void> retryAfter(Message message, int seconds) {
    return Async.of(sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receiptHandle())
        .visibilityTimeout(seconds))).mapEmpty();
  }

  /** Messages waiting (visible) in the queue, as SQS approximates it. */
  public Future<Long> depth() {
    return Async.of(sqs.getQueueAttributes(b -> b.queueUrl(url)
            .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)))
        .map(r -> Long.parseLong(r.attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")));
  }

  public static int receiveCount(Message message) {
    String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    return count == null ? 1 : Integer.parseInt(count);
  }
}
