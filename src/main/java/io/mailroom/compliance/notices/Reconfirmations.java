package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.mailroom.aws.AwsErrors;
import io.mailroom.aws.OnceStore;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The two-year reconfirmation job. Each run pages through the Users table (a Scan of
 * {@value #PAGE} items a page, a short pause between pages: never the whole table in memory), keeps
 * the consenting, unsuppressed customers whose {@link ReconfirmCycle} is due and who were not sent
 * its notice yet ({@code ReconfirmedFor} on the Users item names the last cycle sent), and sends
 * each their notice, claimed per customer and cycle in the Notices table before the send, so that
 * a second node, a second run or a restart never sends it twice. After the claim the customer and
 * their suppression are read again, so that one who withdrew since the page was checked gets
 * nothing. A failed send is recorded with its reason and taken again by the next run. One node
 * runs each interval: the run is leased in the Seen table.
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
  private final ConsentCheck.Batch consentNow;
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
    this.consentNow = reads.consent().batch(1);
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
        .onFailure(e -> LOG.warn("the consent reconfirmation run stopped, the next one carries on: {}",
            AwsErrors.describe(e)));
  }

  private Future<Void> scan(Map<String, AttributeValue> start, LocalDate today, int[] sent) {
    return Async.of(dynamo.scan(b -> b.tableName(users).limit(PAGE).exclusiveStartKey(start)
            .projectionExpression("Email, #n, Gender, CreateTime, SubscriptionStatus, ConsentAt, ReconfirmedFor")
            .expressionAttributeNames(Map.of("#n", "Name"))))
        .compose(page -> {
          List<Due> due = due(page.items(), today);
          Future<Void> done = due.isEmpty() ? Future.succeededFuture()
              : consent.blocked(due.stream().map(Due::recipient).toList(), ANY_TOPIC).compose(blocked -> {
                due.removeIf(d -> blocked.containsKey(d.recipient().email()));
                return each(due, 0, sent);
              });
          boolean last = !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty();
          return done.compose(v -> last ? finished(sent[0]) : pause().compose(x -> scan(page.lastEvaluatedKey(),
              today, sent)));
        });
  }

  /** A consenting customer whose notice is due, and the cycle it is for. */
  private record Due(Recipient recipient, ReconfirmCycle cycle) { }

  /** The page's consenting customers whose cycle is due, less those already sent its notice ({@code ReconfirmedFor}). */
  private List<Due> due(List<Map<String, AttributeValue>> items, LocalDate today) {
    List<Due> due = new ArrayList<>();
    for (Map<String, AttributeValue> item : items) {
      Recipient recipient = Recipient.fromItem(item);
      Optional<ReconfirmCycle> cycle = !recipient.subscribed() ? Optional.empty()
          : ReconfirmCycle.due(ReconfirmCycle.consentAt(recipient), today, settings.leadDays());
      AttributeValue notified = item.get("ReconfirmedFor");
      if (cycle.isPresent() && (notified == null || !cycle.get().anniversary().toString().equals(notified.s()))) {
        due.add(new Due(recipient, cycle.get()));
      }
    }
    return due;
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

  private Future<Void> each(List<Due> due, int index, int[] sent) {
    if (index >= due.size()) {
      return Future.succeededFuture();
    }
    return one(due.get(index), sent).compose(v -> each(due, index + 1, sent));
  }

  /**
   * Claims the customer's notice, then asks again, from a fresh read of the customer and their
   * suppression, whether they may have it (the page's check may be old by then): skipped if not.
   */
  private Future<Void> one(Due due, int[] sent) {
    String email = due.recipient().email();
    String anniversary = due.cycle().anniversary().toString();
    String id = NoticeStore.reconfirmId(email, anniversary);
    String claim = UUID.randomUUID().toString();
    return store.claimReconfirm(email, anniversary, due.cycle().consentAt(), claim)
        .compose(claimed -> !claimed ? Future.succeededFuture() : consentNow.blockedNow(email, ANY_TOPIC)
            .compose(why -> why.isPresent() ? store.skipped(id, claim, why.get()) : send(due, id, claim, sent)));
  }

  /** A failure is logged by class and error code only: SES's text can quote the address. */
  private Future<Void> send(Due due, String id, String claim, int[] sent) {
    return composer.reconfirm(due.recipient(), due.cycle().consentAt()).compose(sender::send).transform(answer -> {
      if (answer.failed()) {
        LOG.warn("consent reconfirmation not sent, taken again next run: {}", AwsErrors.describe(answer.cause()));
        return store.failed(id, claim, answer.cause().toString(), 0, false);
      }
      sent[0]++;
      return store.sent(id, claim, answer.result())
          .compose(v -> notified(due.recipient().email(), due.cycle().anniversary().toString()));
    });
  }

  /**
   * Marks the customer as sent the notice of the cycle ending on {@code anniversary}, so that later
   * runs pass them by without a claim; without the mark (it failed) the claim still holds them.
   */
  private Future<Void> notified(String email, String anniversary) {
    return Async.of(dynamo.updateItem(b -> b.tableName(users).key(Map.of("Email", AttributeValue.fromS(email)))
            .updateExpression("SET ReconfirmedFor = :cycle").conditionExpression("attribute_exists(Email)")
            .expressionAttributeValues(Map.of(":cycle", AttributeValue.fromS(anniversary)))))
        .<Void>mapEmpty()
        .recover(e -> {
          if (!(e instanceof ConditionalCheckFailedException)) {
            LOG.warn("a sent consent reconfirmation was not marked on its customer: {}", AwsErrors.describe(e));
          }
          return Future.succeededFuture();
        });
  }
}
