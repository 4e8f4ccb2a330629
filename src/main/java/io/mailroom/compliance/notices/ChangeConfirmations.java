package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import io.mailroom.aws.Async;
import io.mailroom.aws.AwsErrors;
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
import java.util.UUID;

/**
 * The confirmation every consent change is owed (정보통신망법 제50조 제7항, within 14 days): each change
 * is recorded as a pending notice while it is applied ({@link #record}), and a sweep on every node
 * sends the due ones, each claimed in a conditional write first, so that a crash between the change
 * and the send never loses one and two nodes never send one twice. It is a transactional notice: it
 * reaches a customer who has just withdrawn, but never an address a bounce or a complaint suppressed.
 * A failed send is recorded with its reason and tried again later, backing off up to an hour. A
 * consent given is confirmed only once its write has taken: one recorded before a write that
 * failed is checked again every few seconds while that write might still land, then skipped as
 * superseded (the customer's retry records a change of its own).
 */
final class ChangeConfirmations implements ConsentChanges {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeConfirmations.class);
  private static final int PAGE = 25;
  private static final long MAX_RETRY_MILLIS = 3_600_000;
  /** How long a consent's write may take to land after its change was recorded: as long as a claim. */
  static final long SETTLE_MILLIS = NoticeStore.CLAIM_MILLIS;
  /** How often a consent not written yet is looked at again meanwhile. */
  private static final long RECHECK_MILLIS = 5_000;

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
  public Future<Void> record(ConsentChange change, String via, long consentAt) {
    return store.pending(change.email(), change.subscribed(), change.at(), via, consentAt);
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
        .onFailure(e -> LOG.warn("the sweep of consent change confirmations stopped: {}", AwsErrors.describe(e)));
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
    String claim = UUID.randomUUID().toString();
    return store.claimChange(change.id(), claim)
        .compose(claimed -> claimed ? confirm(change, claim) : Future.succeededFuture())
        .compose(v -> each(page, index + 1));
  }

  /**
   * The confirmation {@code claim} holds: skipped for an address it may not reach, or a consent
   * that was not written; else sent, or failed with why.
   */
  private Future<Void> confirm(NoticeStore.Change change, String claim) {
    return blocked(change.email()).compose(why -> {
      if (why.isPresent()) {
        LOG.info("consent change confirmation not sent: {}", why.get().recipientReason());
        return store.skipped(change.id(), claim, why.get().recipientReason());
      }
      return consent.read(change.email()).compose(found -> {
        if (found.isEmpty()) {
          return store.skipped(change.id(), claim, "NotInAudience");
        }
        if (change.subscribed() && !took(change, found.get())) {
          return notWritten(change, claim);
        }
        return composer.change(found.get(), change.subscribed(), change.at())
            .compose(sender::send)
            .transform(answer -> answer.succeeded() ? store.sent(change.id(), claim, answer.result())
                : failed(change, claim, answer.cause()));
      });
    });
  }

  /**
   * Whether the consent {@code change} records was written: the customer holds the
   * {@code ConsentAt} its write set (a later withdrawal keeps it). An undated consent (0) can only
   * be told by the customer consenting.
   */
  static boolean took(NoticeStore.Change change, Recipient customer) {
    return customer.consentAt() == change.consentAt() && (change.consentAt() > 0 || customer.subscribed());
  }

  /** A consent whose write may still land is looked at again soon; past that, it is superseded. */
  private Future<Void> notWritten(NoticeStore.Change change, String claim) {
    long now = System.currentTimeMillis();
    long settled = change.createdAt() + SETTLE_MILLIS;
    if (now < settled) {
      return store.deferred(change.id(), claim, Math.min(settled, now + RECHECK_MILLIS));
    }
    LOG.info("consent change confirmation not sent: its consent was never written");
    return store.skipped(change.id(), claim, "Superseded");
  }

  /** Logged by class and error code only (SES's text can quote the address); stored with its text. */
  private Future<Void> failed(NoticeStore.Change change, String claim, Throwable e) {
    long backoff = Math.min(MAX_RETRY_MILLIS, 30_000L << Math.min(change.attempts(), 10));
    LOG.warn("consent change confirmation not sent (attempt {}), tried again in {} s: {}", change.attempts() + 1,
        backoff / 1000, AwsErrors.describe(e));
    return store.failed(change.id(), claim, e.toString(), System.currentTimeMillis() + backoff, true);
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
