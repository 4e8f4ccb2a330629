package io.mailroom.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mailroom's own meters, on the registry Vert.x reports to (Prometheus in a running service):
 * emails sent, failed, retried and suppressed by reason, SES call latency, send-queue and
 * dead-letter depth, unsubscribes and their follow-ups, customer-facing requests shed, and SES
 * bounce and complaint events, campaigns paused by reason, and the SES account's enforcement status.
 * HTTP route latencies come from Vert.x's own HTTP server metrics.
 */
public final class MailroomMetrics {
  private final MeterRegistry registry;
  private final Counter sent;
  private final Timer sesLatency;
  private final AtomicLong queueDepth = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong syncLag = new AtomicLong();
  private final Timer limiterWait;
  private final Counter limiterStale;
  private final AtomicLong limiterRate = new AtomicLong();
  private final AtomicLong dailyLeft = new AtomicLong();

  private final Map<String, AtomicLong> enforcement = new ConcurrentHashMap<>();

  private MailroomMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.sent = Counter.builder("mailroom_emails_sent").description("emails the transport accepted").register(registry);
    this.sesLatency = Timer.builder("mailroom_transport_latency").description("one transport call (SES SendEmail)")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    registry.gauge("mailroom_queue_depth", queueDepth);
    registry.gauge("mailroom_dead_letters", deadLetters);
    registry.gauge("mailroom_sync_lag_seconds", syncLag);
    this.limiterWait = Timer.builder("mailroom_limiter_wait").description("how long a send waited for its slot")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
    this.limiterStale = Counter.builder("mailroom_limiter_stale_slots")
        .description("send slots given up because they could not be used on time").register(registry);
    registry.gauge("mailroom_limiter_rate_per_second", limiterRate);
    registry.gauge("mailroom_limiter_daily_quota_left", dailyLeft);
  }

  /**
   * A campaign's progress, counted on this node: {@code outcome} is queued, skipped, sent, failed,
   * cancelled or suppressed. Summed over nodes, finished ÷ queued is the campaign's progress.
   */
  public void campaign(String campaignId, String outcome, long count) {
    if (count > 0) {
      registry.counter("mailroom_campaign_emails", "campaign", campaignId, "outcome", outcome).increment(count);
    }
  }

  /** How far the Users table trails the newest MySQL row the last sync run read. */
  public void syncLag(long seconds) {
    syncLag.set(seconds);
  }

  /** The registry Vert.x was built with, or a private one when Vert.x reports no metrics. */
  public static MailroomMetrics forVertx() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return new MailroomMetrics(registry != null ? registry : new SimpleMeterRegistry());
  }

  public void sent() {
    sent.increment();
  }

  public void failed(String code) {
    registry.counter("mailroom_emails_failed", "code", code).increment();
  }

  public void retried(String code) {
    registry.counter("mailroom_emails_retried", "code", code).increment();
  }

  /** A campaign was paused for its reputation or the account's ({@code reason}: bounce_rate, complaint_rate, ses_probation, ses_shutdown). */
  public void campaignPaused(String reason) {
    registry.counter("mailroom_campaigns_paused_total", "reason", reason).increment();
  }

  /** A customer left marketing (or changed topics) through a link, a one-click POST or the preference page. */
  public void unsubscribed(String via) {
    registry.counter("mailroom_unsubscribes", "via", via).increment();
  }

  /**
   * A customer-facing request answered 503 with {@code Retry-After}: {@code route} is page, change or
   * one_click; {@code reason} is full (over its bound, refused at once) or deadline (not done in time).
   */
  public void shed(String route, String reason) {
    registry.counter("mailroom_requests_shed", "route", route, "reason", reason).increment();
  }

  /** A preference page shown from the token alone: the customer's topics could not be read within the budget. */
  public void pageWithoutTopics() {
    registry.counter("mailroom_preference_pages_without_topics").increment();
  }

  /**
   * An unsubscribe's follow-up (the Users item, the write-back) after its suppression was written:
   * {@code how} is applied (right after the answer), swept (finished by the periodic sweep) or failed.
   */
  public void unsubscribeFollowUp(String how) {
    registry.counter("mailroom_unsubscribe_follow_ups", "outcome", how).increment();
  }

  /** SES told of bounces or complaints: {@code kind} is bounce, complaint or soft_bounce. */
  public void sesEvent(String kind, int recipients) {
    registry.counter("mailroom_ses_events", "kind", kind).increment(recipients);
  }

  /** A queued email was not sent: the customer opted out or was suppressed before it went. */
  public void suppressed(String reason) {
    registry.counter("mailroom_emails_suppressed", "reason", reason).increment();
  }

  /**
   * A send whose outcome was unknown: {@code how} is unconfirmed (waiting for SES's Send event),
   * confirmed (the event came), found (the transport had it) or resent (no proof in time).
   */
  public void reconciled(String how) {
    registry.counter("mailroom_emails_reconciled", "outcome", how).increment();
  }

  public void transportCall(long nanos) {
    sesLatency.record(Duration.ofNanos(nanos));
  }

  public void queue(long depth, long deadLetterCount) {
    queueDepth.set(depth);
    deadLetters.set(deadLetterCount);
  }

  public void limiterWait(long nanos) {
    limiterWait.record(Duration.ofNanos(nanos));
  }

  public void limiterStale() {
    limiterStale.increment();
  }

  /** The pace now in force (emails/s, rounded down) and what is left of the 24-hour quota. */
  public void limiterRate(double perSecond) {
    limiterRate.set((long) perSecond);
  }

  public void limiterUsed(long usedToday, long daily) {
    dailyLeft.set(Math.max(0, daily - usedToday));
  }

  /** A scheduled campaign started on this node, {@code lateMillis} after its {@code sendAt}. */
  public void scheduledStart(long lateMillis) {
    Timer.builder("mailroom_schedule_lateness").description("how late after its sendAt a scheduled campaign started")
        .register(registry).record(Duration.ofMillis(Math.max(0, lateMillis)));
  }

  /** The SES account's enforcement status: {@code mailroom_ses_enforcement{status}} is 1 for it, 0 for the others seen. */
  public void sesEnforcement(String status) {
    for (String known : List.of("HEALTHY", "PROBATION", "SHUTDOWN", status)) {
      enforcement.computeIfAbsent(known, s -> registry.gauge("mailroom_ses_enforcement", Tags.of("status", s),
          new AtomicLong()));
    }
    enforcement.forEach((s, gauge) -> gauge.set(s.equals(status) ? 1 : 0));
  }

  /** Prometheus text, or null when the registry is not a Prometheus one. */
  public String scrape() {
    return registry instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : null;
  }
}
