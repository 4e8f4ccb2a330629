package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.mailroom.aws.OnceStore;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two-year reconfirmation job. Each run pages through the Users table (a Scan of
 * {@value #PAGE} items a page, a short pause between pages: never the whole table in memory), keeps
 * the consenting, unsuppressed customers whose {@link ReconfirmCycle} is due, and sends each their
 * notice, claimed per customer and cycle in the Notices table before the send, so that a second
 * node, a second run or a restart never sends it twice; a failed send is recorded with its reason
 * and taken again by the next run. One node runs each interval: the run is leased in the Seen table.
 */
final class Reconfirmations {
  private static final Logger LOG = LoggerFactory.getLogger(Reconfirmations.class);
  static final int PAGE = 100;
  private static final long PAGE_PAUSE_MILLIS = 50;
  /** Consent is a topic-independent question here: no topic is asked about. */
  private static final String ANY_TOPIC = "";

  private final Vertx vertx;
  private final DynamoDbAsyncClient dynamo;
  private final String users;
  private final OnceStore leases;
  private final ConsentCheck consent;
  private final NoticeStore store;
  private final NoticeComposer composer;
  private final NoticeSender sender;
  private final Settings settings;
  private boolean running;

  /** How often the job looks ({@code intervalSeconds}) and how many days before the anniversary it sends. */
  record Settings(int intervalSeconds, int leadDays) { }

  /** The tables it reads: Users (scanned), and the shared checks and leases. */
  record Reads(DynamoDbAsyncClient dynamo, String users, OnceStore leases, ConsentCheck consent) { }

  Reconfirmations(Vertx vertx, Reads reads, NoticeStore store, NoticeComposer composer, NoticeSender sender,
                  Settings settings) {
    this.vertx = vertx;
    this.dynamo = reads.dynamo();
    this.users = reads.users();
    this.leases = reads.leases();
    this.consent = reads.consent();
    this.store = store;
    this.composer = composer;
    this.sender = sender;
    this.settings = settings;
  }

  /** Runs once if this node takes this interval's lease and is not running already. */
  void run() {
    if (running) {
      return;
    }
    running = true;
    long slot = System.currentTimeMillis() / (settings.intervalSeconds() * 1000L);
    leases.claim("reconfirm:" + slot, settings.intervalSeconds())
        .compose(mine -> mine ? scan(null, LocalDate.now(NoticeComposer.KOREA), new int[1]) : Future.succeededFuture())
        .onComplete(done -> running = false)
        .onFailure(e -> LOG.warn("the consent reconfirmation run stopped, the next one carries on: {}", e.toString()));
  }

  private Future<Void> scan(Map<String, AttributeValue> start, LocalDate today, int[] sent) {
    return Async.of(dynamo.scan(b -> b.tableName(users).limit(PAGE).exclusiveStartKey(start)
            .projectionExpression("Email, #n, Gender, CreateTime, SubscriptionStatus, ConsentAt")
            .expressionAttributeNames(Map.of("#n", "Name"))))
        .compose(page -> {
          List<Recipient> due = new ArrayList<>();
          page.items().forEach(item -> due.add(Recipient.fromItem(item)));
          due.removeIf(r -> !r.subscribed() || ReconfirmCycle.due(ReconfirmCycle.consentAt(r), today,
              settings.leadDays()).isEmpty());
          Future<Void> done = due.isEmpty() ? Future.succeededFuture()
              : consent.blocked(due, ANY_TOPIC).compose(blocked -> {
                due.removeIf(r -> blocked.containsKey(r.email()));
                return each(due, 0, today, sent);
              });
          boolean last = !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty();
          return done.compose(v -> last ? finished(sent[0]) : pause().compose(x -> scan(page.lastEvaluatedKey(),
              today, sent)));
        });
  }

  private Future<Void> finished(int sent) {
    if (sent > 0) {
      LOG.info("consent reconfirmation run: {} notice(s) sent", sent);
    }
    return Future.succeededFuture();
  }

  private Future<Void> pause() {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(PAGE_PAUSE_MILLIS, t -> later.complete());
    return later.future();
  }

  private Future<Void> each(List<Recipient> due, int index, LocalDate today, int[] sent) {
    if (index >= due.size()) {
      return Future.succeededFuture();
    }
    Recipient recipient = due.get(index);
    ReconfirmCycle cycle = ReconfirmCycle.due(ReconfirmCycle.consentAt(recipient), today, settings.leadDays())
        .orElseThrow();
    String anniversary = cycle.anniversary().toString();
    String id = NoticeStore.reconfirmId(recipient.email(), anniversary);
    return store.claimReconfirm(recipient.email(), anniversary, cycle.consentAt())
        .compose(claimed -> !claimed ? Future.succeededFuture() : composer.reconfirm(recipient, cycle.consentAt())
            .compose(sender::send)
            .transform(answer -> {
              if (answer.succeeded()) {
                sent[0]++;
                return store.sent(id, answer.result());
              }
              LOG.warn("consent reconfirmation not sent, taken again next run: {}", answer.cause().toString());
              return store.failed(id, answer.cause().toString(), 0, false);
            }))
        .compose(v -> each(due, index + 1, today, sent));
  }
}
