package io.mailroom.results;

import io.mailroom.campaign.CampaignNumbers;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Resumer;
import io.mailroom.config.Reputation;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Pauses a campaign before SES pauses the account: each time one of its hard bounces or complaints
 * is counted, once it sent {@code minSample} emails, a hard-bounce or complaint rate above its
 * maximum pauses it, with the reason stored as the campaign's pause reason, announced, logged and counted.
 * Resuming is the operator's choice.
 */
public final class ReputationGuard implements ResultListener {
  private static final Logger LOG = LoggerFactory.getLogger(ReputationGuard.class);
  private static final List<CampaignStatus> PAUSABLE = List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING,
      CampaignStatus.QUOTA_EXHAUSTED);

  private final CampaignStore campaigns;
  private final Reputation limits;
  private final MailroomMetrics metrics;
  private final Resumer resumer;

  /** {@code resumer} announces a pause, so that every node's Senders stop the campaign at once. */
  public ReputationGuard(CampaignStore campaigns, Reputation limits, MailroomMetrics metrics, Resumer resumer) {
    this.campaigns = campaigns;
    this.resumer = resumer;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void counted(String campaignId, String counter) {
    if (!ResultEvent.BOUNCED_HARD.counter().equals(counter) && !ResultEvent.COMPLAINED.counter().equals(counter)) {
      return;
    }
    check(campaignId).onFailure(e -> LOG.warn("campaign {}: reputation not checked ({})", campaignId, e.toString()));
  }

  /** The reason the campaign was paused for, or null when it was not. */
  Future<String> check(String campaignId) {
    return campaigns.numbers().read(campaignId, List.of(ResultEvent.BOUNCED_HARD.counter(),
            ResultEvent.COMPLAINED.counter()))
        .compose(found -> {
          String reason = found.map(this::reason).orElse(null);
          return reason == null ? Future.succeededFuture(null) : pause(campaignId, reason);
        });
  }

  private String reason(CampaignNumbers.Counted counted) {
    long sent = counted.campaign().sent();
    if (sent < limits.minSample()) {
      return null;
    }
    double bounces = (double) counted.number(ResultEvent.BOUNCED_HARD.counter()) / sent;
    double complaints = (double) counted.number(ResultEvent.COMPLAINED.counter()) / sent;
    if (bounces > limits.maxBounceRate()) {
      return String.format(Locale.ROOT, "bounce_rate: hard-bounce rate %.4f passed %.4f after %d emails",
          bounces, limits.maxBounceRate(), sent);
    }
    if (complaints > limits.maxComplaintRate()) {
      return String.format(Locale.ROOT, "complaint_rate: complaint rate %.5f passed %.5f after %d emails",
          complaints, limits.maxComplaintRate(), sent);
    }
    return null;
  }

  private Future<String> pause(String campaignId, String reason) {
    return campaigns.transition(campaignId, PAUSABLE, CampaignStatus.PAUSED, reason, System.currentTimeMillis())
        .map(paused -> {
          if (paused.isEmpty()) {
            return null;
          }
          resumer.announce(campaignId, false);
          String kind = reason.substring(0, reason.indexOf(':'));
          LOG.warn("campaign {} paused by the reputation guard: {}", campaignId, reason);
          metrics.campaignPaused(kind);
          return reason;
        });
  }
}
