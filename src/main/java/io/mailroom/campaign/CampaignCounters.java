package io.mailroom.campaign;

import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outcomes this node's Senders recorded and not yet added to their campaigns' counters. One
 * write per campaign per flush instead of one per email keeps the campaign item cool (a single
 * DynamoDB item takes about 1,000 writes a second). The Deliveries table stays the truth: counts
 * a crash loses before a flush are recounted from it.
 */
public final class CampaignCounters {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignCounters.class);

  private final CampaignStore campaigns;
  private final MailroomMetrics metrics;
  /** Per campaign: {sent, failed, cancelled, suppressed}; only touched inside ConcurrentHashMap's per-key atomic operations. */
  private final Map<String, long[]> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean flushing = new AtomicBoolean();

  public CampaignCounters(CampaignStore campaigns, MailroomMetrics metrics) {
    this.campaigns = campaigns;
    this.metrics = metrics;
  }

  public void sent(String campaignId) {
    add(campaignId, new long[] {1, 0, 0, 0});
  }

  public void failed(String campaignId) {
    add(campaignId, new long[] {0, 1, 0, 0});
  }

  public void cancelled(String campaignId) {
    add(campaignId, new long[] {0, 0, 1, 0});
  }

  public void suppressed(String campaignId) {
    add(campaignId, new long[] {0, 0, 0, 1});
  }

  private void add(String campaignId, long[] delta) {
    pending.compute(campaignId, (id, counts) -> {
      long[] next = counts == null ? new long[4] : counts;
      for (int i = 0; i < next.length; i++) {
        next[i] += delta[i];
      }
      return next;
    });
  }

  /**
   * Adds what was recorded to each campaign and completes those that are done. One flush runs at
   * a time per node; a call while one runs does nothing (the next tick takes the rest).
   */
  public Future<Void> flush() {
    if (pending.isEmpty() || !flushing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Future<?>> writes = new ArrayList<>();
    for (String id : new ArrayList<>(pending.keySet())) {
      long[] counts = pending.remove(id);
      if (counts != null) {
        writes.add(write(id, counts));
      }
    }
    return Future.join(writes).<Void>mapEmpty().eventually(() -> {
      flushing.set(false);
      return Future.succeededFuture();
    });
  }

  /**
   * Adds one campaign's batch, then completes the campaign if it is done. A batch that was not
   * added is kept for the next flush; once it is added it is never kept again (it would be counted
   * twice), so a completion that fails is left to the next flush or the recovery sweep.
   */
  private Future<Void> write(String id, long[] counts) {
    long now = System.currentTimeMillis();
    return campaigns.tally().addOutcomes(id, new CampaignStore.Outcomes(counts[0], counts[1], counts[2], counts[3]), now)
        .onSuccess(v -> {
          metrics.campaign(id, "sent", counts[0]);
          metrics.campaign(id, "failed", counts[1]);
          metrics.campaign(id, "cancelled", counts[2]);
          metrics.campaign(id, "suppressed", counts[3]);
        })
        .onFailure(e -> {
          LOG.warn("campaign {}: counters not saved yet ({}); trying again", id, e.toString());
          add(id, counts);
        })
        .compose(v -> campaigns.tally().complete(id, now)
            .onSuccess(done -> {
              if (done) {
                LOG.info("campaign {} completed", id);
              }
            })
            .onFailure(e -> LOG.warn("campaign {}: completion not checked ({}); the next flush or sweep checks it",
                id, e.toString())))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
