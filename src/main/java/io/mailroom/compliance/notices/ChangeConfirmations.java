package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.mailroom.bus.ConsentChange;
import io.mailroom.subscription.ConsentChanges;
import io.mailroom.subscription.ConsentStore;
import io.mailroom.subscription.Suppression;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The confirmation every consent change is owed (정보통신망법 제50조 제7항, within 14 days): each change
 * is recorded as a pending notice while it is applied ({@link #record}), and a sweep on every node
 * sends the due ones, each claimed in a conditional write first, so that a crash between the change
 * and the send never loses one and two nodes never send one twice. It is a transactional notice: it
 * reaches a customer who has just withdrawn, but never an address a bounce or a complaint suppressed.
 * A failed send is recorded with its reason and tried again later, backing off up to an hour.
 */
final class ChangeConfirmations implements ConsentChanges {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeConfirmations.class);
  private static final int PAGE = 25;
  private static final long MAX_RETRY_MILLIS = 3_600_000;

  private final NoticeStore store;
  private final ConsentStore consent;
  private final DynamoDbAsyncClient dynamo;
  private final String suppressions;
  private final NoticeComposer composer;
  private final NoticeSender sender;
  private boolean sweeping;

  ChangeConfirmations(NoticeStore store, ConsentStore consent, DynamoDbAsyncClient dynamo, String suppressions,
                      NoticeComposer composer, NoticeSender sender) {
    this.store = store;
    this.consent = consent;
    this.dynamo = dynamo;
    this.suppressions = suppressions;
    this.composer = composer;
    this.sender = sender;
  }

  @Override
  public Future<Void> record(ConsentChange change, String via) {
    return store.pending(change.email(), change.subscribed(), change.at(), via);
  }

  /**
   * Sends every confirmation due now, a page at a time; a sweep still running is not started again.
   * A store that fails stops the sweep (the next one carries on); a claimed confirmation whose
   * outcome could not be recorded stays claimed, and is not sent again.
   */
  void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweepPage(System.currentTimeMillis())
        .onComplete(done -> sweeping = false)
        .onFailure(e -> LOG.warn("the sweep of consent change confirmations stopped: {}", e.toString()));
  }

  private Future<Void> sweepPage(long now) {
    return store.due(now, PAGE).compose(page -> each(page, 0).compose(v -> page.size() < PAGE
        ? Future.succeededFuture() : sweepPage(now)));
  }

  private Future<Void> each(List<NoticeStore.Change> page, int index) {
    if (index >= page.size()) {
      return Future.succeededFuture();
    }
    NoticeStore.Change change = page.get(index);
    return store.claimChange(change.id())
        .compose(claimed -> claimed ? confirm(change) : Future.succeededFuture())
        .compose(v -> each(page, index + 1));
  }

  /** The claimed confirmation: skipped for an address it may not reach, else sent, or failed with why. */
  private Future<Void> confirm(NoticeStore.Change change) {
    return blocked(change.email()).compose(why -> {
      if (why.isPresent()) {
        LOG.info("consent change confirmation not sent: {}", why.get().recipientReason());
        return store.skipped(change.id(), why.get().recipientReason());
      }
      return consent.read(change.email()).compose(found -> {
        if (found.isEmpty()) {
          return store.skipped(change.id(), "NotInAudience");
        }
        return composer.change(found.get(), change.subscribed(), change.at())
            .compose(sender::send)
            .transform(answer -> answer.succeeded() ? store.sent(change.id(), answer.result())
                : failed(change, answer.cause()));
      });
    });
  }

  private Future<Void> failed(NoticeStore.Change change, Throwable e) {
    long backoff = Math.min(MAX_RETRY_MILLIS, 30_000L << Math.min(change.attempts(), 10));
    LOG.warn("consent change confirmation not sent (attempt {}), tried again in {} s: {}", change.attempts() + 1,
        backoff / 1000, e.toString());
    return store.failed(change.id(), e.toString(), System.currentTimeMillis() + backoff, true);
  }

  /** Why a notice may not go to {@code email}: an invalid address, or a bounce or complaint suppression. */
  private Future<Optional<Blocked>> blocked(String email) {
    if (!Recipient.sendable(email)) {
      return Future.succeededFuture(Optional.of(Blocked.INVALID));
    }
    return Async.of(dynamo.getItem(b -> b.tableName(suppressions).consistentRead(true)
            .key(Map.of("Email", AttributeValue.fromS(email))).projectionExpression("Reason")))
        .map(r -> {
          AttributeValue reason = r.hasItem() ? r.item().get("Reason") : null;
          if (reason == null || reason.s() == null) {
            return Optional.empty();
          }
          if (Suppression.BOUNCE.name().equals(reason.s())) {
            return Optional.of(Blocked.BOUNCED);
          }
          return Suppression.COMPLAINT.name().equals(reason.s()) ? Optional.of(Blocked.COMPLAINED) : Optional.empty();
        });
  }

  /** What keeps a transactional notice from an address. */
  enum Blocked {
    INVALID("InvalidAddress"), BOUNCED("Bounced"), COMPLAINED("Complained");

    private final String reason;

    Blocked(String reason) {
      this.reason = reason;
    }

    String recipientReason() {
      return reason;
    }
  }
}
