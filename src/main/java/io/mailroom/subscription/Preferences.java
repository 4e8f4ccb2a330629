package io.mailroom.subscription;

import io.mailroom.audience.Recipient;
import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Saves the topics a customer keeps on the preference page. Staying on any topic is consent again,
 * refused to a token issued before the last unsubscribe. Consent given again is recorded for its
 * confirmation before it is written, so that no written consent goes unconfirmed; once written,
 * the customer is marked until its follow-up is done: the unsubscribe lifted and the change
 * published for the write-back to MySQL. A save that failed after the consent was written is
 * finished when the customer saves again.
 */
final class Preferences {
  private static final Logger LOG = LoggerFactory.getLogger(Preferences.class);

  private final Vertx vertx;
  private final ConsentStore consent;
  private final SuppressionStore suppressions;
  private final Unsubscribes unsubscribes;
  private final ConsentChanges changes;
  private final List<String> topics;
  private final MailroomMetrics metrics;

  /** The stores it writes, and where consent changes are recorded and counted. */
  record Parts(ConsentStore consent, SuppressionStore suppressions, Unsubscribes unsubscribes, ConsentChanges changes,
               MailroomMetrics metrics) { }

  Preferences(Vertx vertx, Parts parts, List<String> topics) {
    this.vertx = vertx;
    this.consent = parts.consent();
    this.suppressions = parts.suppressions();
    this.unsubscribes = parts.unsubscribes();
    this.changes = parts.changes();
    this.metrics = parts.metrics();
    this.topics = topics;
  }

  /**
   * Stays on {@code keep} only, for a token issued at {@code issuedAt}; the customer as now, or
   * empty when not in the audience. Fails with a refusal when the token predates the last
   * unsubscribe and the save would give consent again.
   */
  Future<Optional<Recipient>> save(String email, Set<String> keep, long issuedAt) {
    long now = System.currentTimeMillis();
    Set<String> leave = new LinkedHashSet<>(topics);
    leave.removeAll(keep);
    // an unsubscribe still pending is finished first: a consent must come after it, and is decided from it
    return unsubscribes.settlePending(email).compose(v -> consent.customer(email)).compose(before -> {
      if (before.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      Recipient was = before.get().recipient();
      boolean consentAgain = !was.subscribed();
      if (consentAgain && !before.get().mayConsentAgain(issuedAt)) {
        return Future.failedFuture(UnsubscribeHandler.refused(UnsubscribeHandler.TOKEN_PREDATES_UNSUBSCRIBE));
      }
      long consentAt = consentAgain ? now : before.get().unfinishedConsent();
      Optional<Recipient> after = Optional.of(new Recipient(was.email(), was.name(), was.gender(), was.createTime(),
          true, leave, consentAgain ? now : was.consentAt()));
      Future<Void> recorded = consentAgain ? changes.record(new ConsentChange(email, true, now), "page")
          : Future.succeededFuture();
      return recorded.compose(v -> consent.preferences(email, leave, consentAgain, now, issuedAt))
          .compose(saved -> saved || !consentAgain ? Future.<Void>succeededFuture()
              : Future.failedFuture(UnsubscribeHandler.refused(UnsubscribeHandler.TOKEN_PREDATES_UNSUBSCRIBE)))
          .compose(v -> consentAt > 0 ? followUp(email, consentAt, !consentAgain) : Future.succeededFuture())
          .map(after)
          .onSuccess(saved -> {
            LOG.info("preferences saved: {} of {} topics kept{}", keep.size(), topics.size(),
                consentAgain ? ", consent given again" : consentAt > 0 ? ", consent given earlier followed up" : "");
            metrics.unsubscribed(leave.isEmpty() ? "resubscribe" : "topics");
          });
    });
  }

  /**
   * What follows consent given at {@code at}: the unsubscribe lifted, the change published for the
   * write-back, then the mark removed. {@code again}: a save that finishes an earlier one, which
   * also makes sure its change is recorded.
   */
  private Future<Void> followUp(String email, long at, boolean again) {
    ConsentChange change = new ConsentChange(email, true, at);
    return (again ? changes.record(change, "page") : Future.<Void>succeededFuture())
        .compose(v -> suppressions.liftUnsubscribe(email))
        .onSuccess(v -> Channels.CONSENT_CHANGED.publish(vertx.eventBus(), change))
        .compose(v -> consent.followedUp(email, at));
  }
}
