package io.mailroom.campaign;

import io.mailroom.compliance.SendingHold;
import io.mailroom.delivery.DeliveryQueries;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the work a crash left behind. A queued or running campaign whose scan is not finished is
 * handed to the Fetcher (which takes it only if no live node holds its lease); a campaign whose
 * scan is finished but whose counters stopped short of its deliveries is recounted from the
 * Deliveries table, the truth, and completed. During quiet hours no campaign makes progress, so none
 * is recounted for standing still, nor until it had a stale period's time to move after they end
 * (a recount just before the first counters of the day are flushed would count them twice for a
 * while). A completed campaign that a stopped resend left with parked deliveries runs again.
 */
public final class CampaignRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignRecovery.class);

  private final CampaignStore campaigns;
  private final DeliveryQueries deliveries;
  private final long staleMillis;
  private final SendingHold hold;

  public CampaignRecovery(CampaignStore campaigns, DeliveryQueries deliveries, long staleMillis, SendingHold hold) {
    this.hold = hold;
    this.campaigns = campaigns;
    this.deliveries = deliveries;
    this.staleMillis = staleMillis;
  }

  /**
   * One pass over the active campaigns; {@code resume} is called for each one to scan, or whose
   * parked deliveries may still wait to be queued again.
   */
  public Future<Void> sweep(Consumer<String> resume) {
    return campaigns.active().compose(active -> {
      List<Future<?>> work = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (Campaign campaign : active) {
        if (!campaign.fetchDone()) {
          resume.accept(campaign.id());
        } else if (campaign.pending() <= 0) {
          // completion refused: deliveries are unfinished, and some may be parked, waiting to be queued again
          work.add(complete(campaign.id(), now).onSuccess(done -> {
            if (!done) {
              resume.accept(campaign.id());
            }
          }));
        } else if (now - campaign.updatedAt() > staleMillis && !hold.heldWithin(staleMillis)) {
          resume.accept(campaign.id()); // parked deliveries a stopped node did not queue again
          work.add(recount(campaign, now));
        }
      }
      return Future.join(work).mapEmpty();
    }).compose(v -> strandedResends(resume));
  }

  /**
   * A resend that stopped after it parked deliveries and before the campaign ran again leaves it
   * completed with those deliveries pending: once it made no progress for a while (a live resend
   * writes the campaign with every chunk it moves), it runs again and they are handed on to be
   * queued. A campaign whose pending count is off but has nothing parked is left completed.
   */
  private Future<Void> strandedResends(Consumer<String> resume) {
    return campaigns.completedWithPending().compose(found -> {
      long now = System.currentTimeMillis();
      return Future.join(found.stream().filter(c -> now - c.updatedAt() > staleMillis)
          .map(c -> deliveries.anyParked(c.id()).compose(parked -> !parked ? Future.succeededFuture()
              : campaigns.transition(c.id(), List.of(CampaignStatus.COMPLETED), CampaignStatus.RUNNING, null, now)
                  .onSuccess(started -> started.ifPresent(s -> {
                    LOG.info("campaign {}: deliveries a stopped resend parked are queued again; running", c.id());
                    resume.accept(c.id());
                  }))))
          .toList()).mapEmpty();
    });
  }

  /**
   * Completes a campaign whose counters say it is done; a recounted one only on a fresh count of its
   * deliveries that finishes everything it queued (its counters may hold a batch twice); until then
   * each sweep counts again. True if the campaign is now completed.
   */
  private Future<Boolean> complete(String id, long now) {
    return campaigns.tally().complete(id, now).compose(done -> done ? Future.succeededFuture(true)
        : campaigns.tally().recounted(id).compose(recounted -> recounted ? completeCounted(id, now)
            : Future.succeededFuture(false)));
  }

  private Future<Boolean> completeCounted(String id, long now) {
    return outcomes(id).compose(counted -> campaigns.tally().completeCounted(id, counted, now))
        .onSuccess(done -> {
          if (done) {
            LOG.info("campaign {} completed on a count of its deliveries", id);
          }
        });
  }

  private Future<CampaignStore.Outcomes> outcomes(String campaignId) {
    return deliveries.count(campaignId).map(counts -> new CampaignStore.Outcomes(counts.getOrDefault("SENT", 0L),
        counts.getOrDefault("FAILED", 0L), counts.getOrDefault("CANCELLED", 0L),
        counts.getOrDefault("SUPPRESSED", 0L)));
  }

  private Future<Void> recount(Campaign campaign, long now) {
    return outcomes(campaign.id()).compose(counted -> {
      if (counted.equals(new CampaignStore.Outcomes(campaign.sent(), campaign.failed(), campaign.cancelled(),
          campaign.suppressed()))) {
        return Future.succeededFuture();
      }
      LOG.info("campaign {}: counters recounted from its deliveries (sent {} -> {}, failed {} -> {})",
          campaign.id(), campaign.sent(), counted.sent(), campaign.failed(), counted.failed());
      return campaigns.tally().recount(campaign.id(), counted, campaign.updatedAt(), now)
          .compose(recounted -> recounted ? complete(campaign.id(), now).mapEmpty() : Future.succeededFuture());
    });
  }

  public Future<Integer> parked(String campaignId, Consumer<List<String>> each) {
    return deliveries.parked(campaignId, each);
  }
}
