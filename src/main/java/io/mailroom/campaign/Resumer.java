package io.mailroom.campaign;

import io.mailroom.bus.CampaignRef;
import io.mailroom.bus.Channels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The one place a changed campaign is announced and a stopped one set going again: every node's
 * status cache forgets the campaign ({@code CAMPAIGN_CHANGED}), and a campaign that runs again is
 * handed to a Fetcher ({@code CAMPAIGN_START}). A start that finds no Fetcher is picked up by the
 * next recovery sweep.
 */
public final class Resumer {
  private static final Logger LOG = LoggerFactory.getLogger(Resumer.class);

  private final Vertx vertx;
  private final CampaignStore campaigns;

  public Resumer(Vertx vertx, CampaignStore campaigns) {
    this.vertx = vertx;
    this.campaigns = campaigns;
  }

  /** The campaign's status changed; {@code running} again: its audience scan and parked deliveries go on. */
  public void announce(String campaignId, boolean running) {
    CampaignRef campaign = new CampaignRef(campaignId);
    Channels.CAMPAIGN_CHANGED.publish(vertx.eventBus(), campaign);
    if (running) {
      Channels.CAMPAIGN_START.request(vertx.eventBus(), campaign)
          .onFailure(e -> LOG.warn("campaign {} resumes at the next sweep: {}", campaignId, e.toString()));
    }
  }

  /** The 24-hour quota has room again: every {@code quota_exhausted} campaign runs (one node wins each). */
  public Future<Void> resumeQuotaStopped() {
    return campaigns.inStatus(List.of(CampaignStatus.QUOTA_EXHAUSTED)).compose(waiting -> Future.join(waiting.stream()
        .map(campaign -> campaigns.transition(campaign.id(), List.of(CampaignStatus.QUOTA_EXHAUSTED),
                CampaignStatus.RUNNING, null, System.currentTimeMillis())
            .onSuccess(changed -> changed.ifPresent(c -> {
              LOG.info("campaign {}: the 24-hour quota has room again; resuming", c.id());
              announce(c.id(), true);
            })))
        .toList())).mapEmpty();
  }
}
