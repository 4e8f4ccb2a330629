package io.mailroom.results;

import io.mailroom.aws.Async;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.config.Reputation;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pauses a campaign before SES pauses the account: each time one of its hard bounces or complaints
 * is counted, once it sent {@code minSample} emails, a hard-bounce or complaint rate above its
 * maximum pauses it, with the reason stored on the campaign, logged and counted. Resuming is the
 * operator's choice.
 */
public final class ReputationGuard implements ResultListener {
  private static final Logger LOG = LoggerFactory.getLogger(ReputationGuard.class);
  private static final List<CampaignStatus> PAUSABLE = List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING,
      CampaignStatus.QUOTA_EXHAUSTED);

  private final DynamoDbAsyncClient dynamo;
  private final CampaignStore campaigns;
  private final Reputation limits;
  private final MailroomMetrics metrics;

  public ReputationGuard(DynamoDbAsyncClient dynamo, CampaignStore campaigns, Reputation limits,
                         MailroomMetrics metrics) {
    this.dynamo = dynamo;
    this.campaigns = campaigns;
    this.limits = limits;
    this.metrics = metrics;
  }

  @Override
  public void counted(String campaignId, String counter) {
    if (!"BouncedHard".equals(counter) && !"Complained".equals(counter)) {
      return;
    }
    check(campaignId).onFailure(e -> LOG.warn("campaign {}: reputation not checked ({})", campaignId, e.toString()));
  }

  /** The reason the campaign was paused for, or null when it was not. */
  Future<String> check(String campaignId) {
    return Async.of(dynamo.getItem(b -> b.tableName(campaigns.table()).consistentRead(true)
            .key(Map.of("CampaignId", AttributeValue.fromS(campaignId)))
            .projectionExpression("Sent, BouncedHard, Complained")))
        .compose(found -> {
          String reason = reason(found.item());
          return reason == null ? Future.succeededFuture(null) : pause(campaignId, reason);
        });
  }

  private String reason(Map<String, AttributeValue> item) {
    long sent = CampaignReport.number(item, "Sent");
    if (sent < limits.minSample()) {
      return null;
    }
    double bounces = (double) CampaignReport.number(item, "BouncedHard") / sent;
    double complaints = (double) CampaignReport.number(item, "Complained") / sent;
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
          String kind = reason.substring(0, reason.indexOf(':'));
          LOG.warn("campaign {} paused by the reputation guard: {}", campaignId, reason);
          metrics.campaignPaused(kind);
          return reason;
        });
  }
}
