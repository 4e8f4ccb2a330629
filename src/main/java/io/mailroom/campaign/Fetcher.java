package io.mailroom.campaign;

import io.mailroom.audience.AudienceFilter;
import io.mailroom.audience.Recipient;
import io.mailroom.audience.UserStore;
import io.mailroom.bus.CampaignRef;
import io.mailroom.bus.Channels;
import io.mailroom.bus.QueuePage;
import io.mailroom.config.MailroomConfig;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Pages the Users table for a campaign (Scan with {@code Limit} and {@code LastEvaluatedKey}),
 * keeps the customers its audience filter selects (everyone when it has none) who consent to the
 * campaign's topic and are not suppressed, hands them to
 * the Queuer in pages of at most ten, and checkpoints its cursor on the campaign after every page the Queuer has accepted. It holds a
 * lease on each scan it runs, and every few seconds looks for campaigns to resume: ones whose
 * scan lost its node, ones whose parked deliveries were not queued again, and ones whose counts a
 * crash left short.
 */
public final class Fetcher extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
  private static final int PAGE_ATTEMPTS = 3;
  /** How long the Queuer may take to put one page on SQS (its own retries included). */
  private static final long QUEUE_TIMEOUT = 60_000;

  private final UserStore users;
  private final CampaignStore campaigns;
  private final CampaignRecovery recovery;
  private final MailroomConfig.Fetcher settings;
  private final ConsentCheck consent;
  private final MailroomMetrics metrics;
  private final String defaultTopic;
  private final String owner = UUID.randomUUID().toString();
  private final Set<String> running = new HashSet<>();
  private long sweepTimer;

  public Fetcher(UserStore users, CampaignStore campaigns, CampaignRecovery recovery, MailroomConfig.Fetcher settings,
                 ConsentCheck consent, String defaultTopic, MailroomMetrics metrics) {
    this.metrics = metrics;
    this.consent = consent;
    this.defaultTopic = defaultTopic;
    this.users = users;
    this.campaigns = campaigns;
    this.recovery = recovery;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    sweepTimer = vertx.setPeriodic(0, settings.resumeSeconds() * 1000L, t -> sweep());
    return Channels.CAMPAIGN_START.consumer(vertx.eventBus(), this::onStart).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  private void onStart(Message<CampaignRef> message) {
    String id = message.body().campaignId();
    message.reply(!running.contains(id));
    run(id);
  }

  private void sweep() {
    recovery.sweep(id -> run(id)).onFailure(e -> LOG.warn("resume sweep failed: {}", e.toString()));
  }

  /**
   * Queues the campaign's parked deliveries again if they wait for it, then scans its audience if
   * this node can take its lease; does nothing if it runs here already. Only an error of the scan
   * fails the campaign.
   */
  private void run(String id) {
    if (!running.add(id)) {
      return;
    }
    long leaseMillis = settings.leaseSeconds() * 1000L;
    parked(id, leaseMillis)
        .compose(v -> campaigns.claimScan(id, owner, leaseMillis, now()))
        .compose(claimed -> claimed ? campaigns.get(id) : Future.succeededFuture(Optional.<Campaign>empty()))
        .compose(found -> found.isEmpty() ? Future.succeededFuture() : scan(found.get(), decode(found.get().cursor())))
        .onFailure(e -> {
          LOG.error("campaign {} stopped: {}", id, e.toString());
          campaigns.fail(id, "audience scan failed: " + e.getMessage(), now());
        })
        .onComplete(done -> running.remove(id));
  }

  /**
   * Queues the parked deliveries again if this node takes them. An error (DynamoDB, SQS, the Queuer's
   * timeout) is only logged: the campaign keeps waiting for them, and once this node's lease on them
   * runs out the next sweep, here or on another node, queues them again. A delivery queued twice is
   * sent once (the second message finds it claimed or finished).
   */
  private Future<Void> parked(String id, long leaseMillis) {
    return campaigns.takeParked(id, owner, leaseMillis, now())
        .compose(mine -> mine ? requeueParked(id).compose(v -> campaigns.parkedRequeued(id, owner)).<Void>mapEmpty()
            : Future.<Void>succeededFuture())
        .recover(e -> {
          LOG.warn("campaign {}: parked deliveries not queued again yet ({}); the next sweep tries again", id,
              e.toString());
          return Future.succeededFuture();
        });
  }

  /** Deliveries parked while the campaign was paused go back on the queue (they were counted already). */
  private Future<Void> requeueParked(String campaignId) {
    List<Future<?>> pages = new ArrayList<>();
    return recovery.parked(campaignId, tasks -> {
      for (int i = 0; i < tasks.size(); i += settings.batchSize()) {
        List<String> batch = tasks.subList(i, Math.min(tasks.size(), i + settings.batchSize()));
        pages.add(Channels.QUEUE_PAGE.request(vertx.eventBus(), QueuePage.parked(campaignId, batch), QUEUE_TIMEOUT));
      }
    }).compose(count -> Future.all(pages).map(count)).onSuccess(count -> {
      if (count > 0) {
        LOG.info("campaign {}: {} parked deliveries queued again", campaignId, count);
      }
    }).mapEmpty();
  }

  private Future<Void> scan(Campaign campaign, Map<String, AttributeValue> cursor) {
    if (campaign.fetchDone()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    retried(campaign, "reading a page of the audience", () -> users.scan(cursor, settings.scanLimit()), 1)
        .onSuccess(page -> queuePage(campaign, page, Future.succeededFuture(true), done))
        .onFailure(done::tryFail);
    return done.future();
  }

  /**
   * Queues one page while the next one is read and the previous page's checkpoint is written,
   * then checkpoints this page: its cursor and its counts in one write. Checkpoints are written in
   * order, one at a time; a refused one (paused, cancelled, or the lease lost) ends the scan. Each
   * page hands on to the next from a callback and the scan ends by completing {@code done}: no
   * future waits on the rest of the scan, so a scan of millions of customers keeps no chain that
   * grows with every page. Customers the audience filter leaves out are not counted at all: {@code
   * skipped} stays the customers of the audience that consent or suppression kept from it.
   */
  private void queuePage(Campaign campaign, UserStore.Page page, Future<Boolean> previous, Promise<Void> done) {
    Future<UserStore.Page> next = page.last() ? Future.succeededFuture()
        : retried(campaign, "reading a page of the audience", () -> users.scan(page.lastKey(), settings.scanLimit()), 1);
    List<Recipient> audience = page.recipients(AudienceFilter.stored(campaign.audience()));
    retried(campaign, "checking a page's consent", () -> consent.blocked(audience, topic(campaign)), 1)
        .compose(blocked -> {
          List<Recipient> consenting = audience.stream().filter(r -> !blocked.containsKey(r.email())).toList();
          return retried(campaign, "queueing a page", () -> queue(campaign, consenting), 1).map(v -> new long[] {consenting.size(), blocked.size()});
        })
        .compose(counts -> previous.map(saved -> saved ? counts : null))
        .onFailure(done::tryFail)
        .onSuccess(counts -> {
          if (counts == null) {
            LOG.info("campaign {}: audience scan stopped here (paused, cancelled or taken over)", campaign.id());
            done.tryComplete();
            return;
          }
          Future<Boolean> checkpoint = checkpoint(campaign, page, counts[0], counts[1]);
          if (page.last()) {
            checkpoint.compose(saved -> saved ? finished(campaign) : Future.succeededFuture()).onComplete(done);
          } else {
            next.onFailure(done::tryFail).onSuccess(following -> queuePage(campaign, following, checkpoint, done));
          }
        });
  }

  private Future<Boolean> checkpoint(Campaign campaign, UserStore.Page page, long queued, long skipped) {
    return campaigns.checkpoint(campaign.id(), owner, settings.leaseSeconds() * 1000L,
            page.last() ? null : encode(page.lastKey()), queued, skipped, now())
        .onSuccess(checkpointed -> {
          if (checkpointed) {
            metrics.campaign(campaign.id(), "queued", queued);
            metrics.campaign(campaign.id(), "skipped", skipped);
          }
        });
  }

  private Future<Void> finished(Campaign campaign) {
    LOG.info("campaign {}: audience scan finished", campaign.id());
    return campaigns.tally().complete(campaign.id(), now()).mapEmpty();
  }

  /**
   * {@code call} again after a short pause when it fails, up to {@link #PAGE_ATTEMPTS} in all: an
   * outage of a few seconds (DynamoDB beyond the SDK's own retries, the Queuer or SQS), does not
   * fail a campaign of millions.
   */
  private <T> Future<T> retried(Campaign campaign, String what, Supplier<Future<T>> call, int attempt) {
    return call.get().recover(e -> {
      if (attempt >= PAGE_ATTEMPTS) {
        return Future.failedFuture(e);
      }
      LOG.warn("campaign {}: {} failed (attempt {}): {}", campaign.id(), what, attempt, e.toString());
      return vertx.timer(500L * attempt).compose(t -> retried(campaign, what, call, attempt + 1));
    });
  }

  private Future<Void> queue(Campaign campaign, List<Recipient> recipients) {
    List<Future<?>> batches = new ArrayList<>();
    for (int i = 0; i < recipients.size(); i += settings.batchSize()) {
      QueuePage page = QueuePage.of(campaign.id(), campaign.templateId(), campaign.templateVersion(),
          campaign.subject(), topic(campaign),
          recipients.subList(i, Math.min(recipients.size(), i + settings.batchSize())), campaign.kind());
      batches.add(Channels.QUEUE_PAGE.request(vertx.eventBus(), page, QUEUE_TIMEOUT));
    }
    return Future.all(batches).mapEmpty();
  }

  private String topic(Campaign campaign) {
    return campaign.topic() == null ? defaultTopic : campaign.topic();
  }

  static String encode(Map<String, AttributeValue> key) {
    JsonObject json = new JsonObject();
    key.forEach((name, value) -> json.put(name, value.s()));
    return json.encode();
  }

  static Map<String, AttributeValue> decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    Map<String, AttributeValue> key = new HashMap<>();
    new JsonObject(cursor).forEach(e -> key.put(e.getKey(), AttributeValue.fromS((String) e.getValue())));
    return key;
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
