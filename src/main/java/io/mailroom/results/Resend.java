package io.mailroom.results;

import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Resumer;
import io.mailroom.delivery.Redeliveries;
import io.mailroom.http.ApiError;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Sends a completed campaign again to the deliveries that failed for a transient reason (their
 * attempts ran out on throttling, SES 5xx errors, timeouts or lost connections, or calls SES never
 * answered): they are put back in line ({@link Redeliveries}) and the campaign runs again through
 * the same queue, Senders, rate limit and send-time consent check as any campaign, and completes.
 * Permanent failures (a rejected message or address, a template that does not render, an email
 * that may have reached SES already) are not sent again. The same resend asked twice, or on two
 * nodes at once, queues each delivery once.
 */
public final class Resend {
  private static final Logger LOG = LoggerFactory.getLogger(Resend.class);
  /** The delivery statuses a resend takes; {@code failed} is the only one. */
  public static final List<String> STATUSES = List.of("failed");

  private final CampaignStore campaigns;
  private final Redeliveries redeliveries;
  private final Resumer resumer;

  public Resend(CampaignStore campaigns, Redeliveries redeliveries, Resumer resumer) {
    this.campaigns = campaigns;
    this.redeliveries = redeliveries;
    this.resumer = resumer;
  }

  /** What a resend did: how many deliveries it queued again, and the campaign after it. */
  public record Outcome(int queued, Campaign campaign) { }

  /**
   * Resends the campaign's deliveries in {@code statuses}. Fails with an {@link ApiError}: 400
   * {@code invalid_field} (field {@code status}) for statuses other than {@link #STATUSES}, 404
   * {@code campaign_not_found}, 409 {@code invalid_state} unless the campaign is completed.
   */
  public Future<Outcome> resend(String campaignId, List<String> statuses) {
    if (statuses == null || statuses.isEmpty() || !STATUSES.containsAll(statuses)) {
      return Future.failedFuture(ApiError.badField("status", "invalid_field",
          "status must be a list of " + STATUSES));
    }
    return campaigns.get(campaignId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApiError(404, "campaign_not_found", "no campaign with id '" + campaignId + "'",
            "id"));
      }
      if (found.get().status() != CampaignStatus.COMPLETED) {
        return Future.failedFuture(notCompleted(found.get().status()));
      }
      return redeliveries.requeueFailed(campaignId).compose(queued -> run(campaignId, queued));
    });
  }

  /**
   * Runs the campaign again if anything waits in it: this resend's deliveries, or ones a stopped
   * resend parked. It asks the deliveries, not the campaign's pending count, which may be off.
   */
  private Future<Outcome> run(String campaignId, int queued) {
    Future<Boolean> waiting = queued > 0 ? Future.succeededFuture(true) : redeliveries.anyParked(campaignId);
    return waiting.compose(any -> campaigns.get(campaignId).compose(now -> {
      Campaign campaign = now.orElseThrow();
      if (campaign.status() != CampaignStatus.COMPLETED || !any) {
        return Future.succeededFuture(new Outcome(queued, campaign));
      }
      return campaigns.transition(campaignId, List.of(CampaignStatus.COMPLETED), CampaignStatus.RUNNING, null,
              System.currentTimeMillis())
          .compose(started -> {
            started.ifPresent(c -> {
              LOG.info("campaign {}: {} failed deliveries queued again; running", campaignId, queued);
              resumer.announce(campaignId, true);
            });
            return started.isPresent() ? Future.succeededFuture(new Outcome(queued, started.get()))
                : campaigns.get(campaignId).map(Optional::orElseThrow).map(c -> new Outcome(queued, c));
          });
    }));
  }

  private static ApiError notCompleted(CampaignStatus status) {
    return new ApiError(409, "invalid_state", "a " + status.wire() + " campaign cannot be resent; only a completed one",
        null);
  }
}
