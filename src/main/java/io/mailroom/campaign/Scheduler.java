package io.mailroom.campaign;

import io.mailroom.compliance.SendingHold;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Starts scheduled campaigns when their time comes. Every node runs one: every few seconds it reads
 * the due campaigns from the sparse {@code BySendAt} index and moves each from scheduled to queued
 * with a conditional write, so that exactly one node starts a campaign, never before its
 * {@code sendAt}; the winner hands it to a Fetcher ({@code CAMPAIGN_START}), and the Fetcher's lease
 * and recovery sweep take it from there. A campaign whose time passed while every node was down is
 * due at the first check of the first node up, and starts late, once. During quiet hours it starts
 * none: a campaign due then stays scheduled until the window ends.
 */
public final class Scheduler extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  /** Due campaigns started per check; more wait for the next check. */
  private static final int PER_CHECK = 100;

  private final ScheduledCampaigns schedule;
  private final CampaignStore campaigns;
  private final long checkMillis;
  private final MailroomMetrics metrics;
  private final SendingHold hold;
  private final String node = UUID.randomUUID().toString();
  private Resumer resumer;
  private long timer = -1;
  private boolean checking;
  /**
   * The kind of the last check's failure: a failure is logged once rather than every second (a
   * missing index fails every check), again only when its kind changes.
   */
  private String failing;

  public Scheduler(CampaignStore campaigns, int checkSeconds, MailroomMetrics metrics, SendingHold hold) {
    this.hold = hold;
    this.campaigns = campaigns;
    this.schedule = campaigns.scheduled();
    this.checkMillis = checkSeconds * 1000L;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    resumer = new Resumer(vertx, campaigns);
    timer = vertx.setPeriodic(0, checkMillis, t -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /**
   * One check; skipped while the previous one still runs (a slow table must not pile checks up),
   * and during quiet hours.
   */
  private void check() {
    if (checking || hold.held()) {
      return;
    }
    checking = true;
    schedule.due(System.currentTimeMillis(), PER_CHECK)
        .compose(due -> Future.join(due.stream().map(this::start).toList()))
        .onComplete(done -> {
          checking = false;
          report(done.failed() ? done.cause() : null);
        });
  }

  private void report(Throwable failure) {
    String kind = failure == null ? null : failure.getClass().getName();
    if (kind != null && !kind.equals(failing)) {
      LOG.warn("checking for scheduled campaigns failed (logged again only if the failure changes): {}",
          failure.toString());
    } else if (kind == null && failing != null) {
      LOG.info("checking for scheduled campaigns works again");
    }
    failing = kind;
  }

  private Future<Void> start(ScheduledCampaigns.Due due) {
    long now = System.currentTimeMillis();
    return schedule.start(due.campaignId(), node, now).onSuccess(started -> started.ifPresent(campaign -> {
      long late = now - due.sendAt();
      LOG.info("scheduled campaign {} started {} ms after its time (node {})", campaign.id(), late, node);
      metrics.scheduledStart(late);
      resumer.announce(campaign.id(), true);
    })).mapEmpty();
  }
}
