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
 * {@code ses_shutdown}, each counted in {@code mailroom_campaigns_paused_total{reason}}. What was
 * acted on is kept in the {@link EnforcementRecord}, shared by the nodes and outliving them: a
 * change is acted on once, by the node whose write took it on, and a node that starts while the
 * status is unchanged leaves alone a campaign the operator resumed (resuming is the operator's
 * choice). A pause that fails is not marked done, so the next poll of any node tries it again.
 */
public final class EnforcementPause {
  private static final Logger LOG = LoggerFactory.getLogger(EnforcementPause.class);
  private static final List<CampaignStatus> PAUSABLE = List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING,
      CampaignStatus.QUOTA_EXHAUSTED);

  private final CampaignStore campaigns;
  private final Resumer resumer;
  private final Reputation settings;
  private final MailroomMetrics metrics;
  private final EnforcementRecord record;

  public EnforcementPause(CampaignStore campaigns, Resumer resumer, Reputation settings, MailroomMetrics metrics,
                          EnforcementRecord record) {
    this.campaigns = campaigns;
    this.resumer = resumer;
    this.settings = settings;
    this.metrics = metrics;
    this.record = record;
  }

  /**
   * This node read {@code status}, which it has not acted on: true once it is settled (acted on
   * here or by another node); false while another node has just taken it on and may still be
   * pausing; failed when pausing failed. Either of the last two is tried again at the next poll.
   */
  public Future<Boolean> changed(String status) {
    return record.read().compose(stored -> {
      if (status.equals(stored.status())) {
        return stored.done() || !pauses(status) ? Future.succeededFuture(true) : pause(status);
      }
      return record.takeOn(status, !pauses(status)).compose(mine -> {
        if (!mine) {
          return Future.succeededFuture(false);
        }
        if (pauses(status)) {
          return pause(status);
        }
        if ("HEALTHY".equals(status)) {
          LOG.info("SES enforcement status is HEALTHY");
        } else {
          LOG.warn("SES enforcement status is {}; campaigns go on (reputation.pauseOnProbation is off)", status);
        }
        return Future.succeededFuture(true);
      });
    }).onFailure(e -> LOG.warn("SES enforcement status is {}: not acted on ({}); the next poll tries again", status,
        e.toString()));
  }

  private boolean pauses(String status) {
    return !"HEALTHY".equals(status) && settings.pauseOnProbation();
  }

  /** Pauses the campaigns for {@code status}, then marks it done. */
  private Future<Boolean> pause(String status) {
    String reason = "ses_" + status.toLowerCase(Locale.ROOT);
    return pauseAll(reason)
        .onSuccess(paused -> LOG.warn("SES enforcement status is {}: {} campaign(s) paused ({})", status, paused, reason))
        .compose(paused -> record.done(status))
        .map(true);
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
