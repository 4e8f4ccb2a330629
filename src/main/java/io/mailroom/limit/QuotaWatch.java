package io.mailroom.limit;

import io.mailroom.aws.Async;
import io.mailroom.config.MailroomConfig;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.SendQuota;

import java.util.function.Supplier;

/**
 * Keeps this node's send limits current: reads the SES quota ({@code GetAccount}: max send rate,
 * max 24-hour send, sent in the last 24 hours) at start and every {@code limiter.refreshSeconds},
 * caps it by the configured percentage and ceilings, and hands it to the {@link SendGate}. When
 * the 24-hour quota has room again, it says so ({@code whenQuotaHasRoom}: the campaigns that
 * stopped for it run again, and their parked deliveries are queued again). The same answer's
 * {@code EnforcementStatus} goes to the {@link SesEnforcement}.
 */
public final class QuotaWatch extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaWatch.class);

  private final MailroomConfig.Limiter settings;
  private final SesV2AsyncClient ses;
  private final RateLimiter limiter;
  private final SendGate gate;
  private final Supplier<Future<Void>> whenQuotaHasRoom;
  private final MailroomMetrics metrics;
  private final SesEnforcement enforcement;
  private long timer;
  private RateLimiter.Quota last;
  private boolean failing;

  /** {@code ses} null: the transport has no GetAccount, the fixed quota of the configuration applies. */
  public QuotaWatch(MailroomConfig.Limiter settings, SesV2AsyncClient ses, RateLimiter limiter, SendGate gate,
                    Supplier<Future<Void>> whenQuotaHasRoom, MailroomMetrics metrics, SesEnforcement enforcement) {
    this.enforcement = enforcement;
    this.settings = settings;
    this.ses = ses;
    this.limiter = limiter;
    this.gate = gate;
    this.whenQuotaHasRoom = whenQuotaHasRoom;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(settings.refreshSeconds() * 1000L, t -> refresh());
    refresh();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void refresh() {
    account().map(this::capped)
        .compose(quota -> {
          failing = false;
          if (!quota.equals(last)) {
            LOG.info("send limits: {} emails/s, {} per 24 hours (SES reports {} sent)",
                String.format("%.2f", quota.ratePerSecond()), quota.daily(), quota.sesSentLast24Hours());
            last = quota;
          }
          gate.limits(quota);
          metrics.limiterRate(quota.ratePerSecond());
          return limiter.usedToday(quota).compose(used -> {
            metrics.limiterUsed(used, quota.daily());
            return used < quota.daily() ? whenQuotaHasRoom.get() : Future.succeededFuture();
          });
        })
        .onFailure(e -> {
          if (!failing) {
            LOG.warn("send limits not refreshed ({}); the last ones stay", e.getClass().getSimpleName());
            failing = true;
          }
        });
  }

  private Future<RateLimiter.Quota> account() {
    if (ses == null) {
      return Future.succeededFuture(new RateLimiter.Quota(settings.fixedRate(), settings.fixedDaily(), 0));
    }
    return Async.of(ses.getAccount(b -> { })).map(account -> {
      enforcement.seen(account.enforcementStatus());
      SendQuota quota = account.sendQuota();
      double daily = quota.max24HourSend();
      return new RateLimiter.Quota(quota.maxSendRate(), daily < 0 ? Long.MAX_VALUE / 2 : (long) daily,
          quota.sentLast24Hours() == null ? 0 : quota.sentLast24Hours().longValue());
    });
  }

  /** SES's quota times {@code quotaPercent}, then capped by {@code maxRate} and {@code maxDaily} if set. */
  RateLimiter.Quota capped(RateLimiter.Quota raw) {
    double rate = raw.ratePerSecond() * settings.quotaPercent() / 100.0;
    if (settings.maxRate() > 0) {
      rate = Math.min(rate, settings.maxRate());
    }
    long daily = (long) Math.floor(raw.daily() * (settings.quotaPercent() / 100.0));
    if (settings.maxDaily() > 0) {
      daily = Math.min(daily, settings.maxDaily());
    }
    return new RateLimiter.Quota(Math.max(rate, 0.01), daily, raw.sesSentLast24Hours());
  }
}
