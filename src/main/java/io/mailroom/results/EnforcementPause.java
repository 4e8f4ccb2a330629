package io.mailroom.results;

import io.mailroom.campaign.Campaign;
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
 * Acts on a change of SES's enforcement status: when it is no longer HEALTHY (PROBATION: the
 * account is under review; SHUTDOWN: it may not send) and {@code reputation.pauseOnProbation} is
 * on, the queued and running campaigns are paused with pause reason {@code ses_probation} or
 * {@code ses_shutdown}, each counted in {@code mailroom_campaigns_paused_total{reason}}. It is told
 * once per change, not on every poll, so a campaign the operator resumes stays running; resuming
 * is the operator's choice.
 */
public final class EnforcementPause {
  private static final Logger LOG = LoggerFactory.getLogger(EnforcementPause.class);
  private static final List<CampaignStatus> PAUSABLE = List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING,
      CampaignStatus.QUOTA_EXHAUSTED);

  private final CampaignStore campaigns;
  private final Resumer resumer;
  private final Reputation settings;
  private final MailroomMetrics metrics;

  public EnforcementPause(CampaignStore campaigns, Resumer resumer, Reputation settings, MailroomMetrics metrics) {
    this.campaigns = campaigns;
    this.resumer = resumer;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** The status changed to {@code status}. */
  public void changed(String status) {
    if ("HEALTHY".equals(status)) {
      LOG.info("SES enforcement status is HEALTHY");
      return;
    }
    if (!settings.pauseOnProbation()) {
      LOG.warn("SES enforcement status is {}; campaigns go on (reputation.pauseOnProbation is off)", status);
      return;
    }
    String reason = "ses_" + status.toLowerCase(Locale.ROOT);
    pauseAll(reason)
        .onSuccess(paused -> LOG.warn("SES enforcement status is {}: {} campaign(s) paused ({})", status, paused, reason))
        .onFailure(e -> LOG.warn("SES enforcement status is {}: pausing campaigns failed ({})", status, e.toString()));
  }

  /** Pauses every queued or running campaign with {@code reason}; how many this node paused. */
  Future<Integer> pauseAll(String reason) {
    return campaigns.inStatus(PAUSABLE).compose(active -> Future.all(active.stream()
            .map(campaign -> pause(campaign, reason)).toList()))
        .map(all -> all.<Boolean>list().stream().mapToInt(paused -> paused ? 1 : 0).sum());
  }

  private Future<Boolean> pause(Campaign campaign, String reason) {
    return campaigns.transition(campaign.id(), PAUSABLE, CampaignStatus.PAUSED, reason, System.currentTimeMillis())
        .map(paused -> {
          paused.ifPresent(c -> {
            metrics.campaignPaused(reason);
            resumer.announce(c.id(), false);
          });
          return paused.isPresent();
        });
  }
}
