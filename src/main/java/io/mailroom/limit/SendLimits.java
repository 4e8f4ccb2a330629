package io.mailroom.limit;

import io.mailroom.config.MailroomConfig;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One node's share of the SES limits: the configured {@link RateLimiter} (in-process, or Redis
 * shared by every node), the {@link SendGate} its Senders queue at, and the {@link QuotaWatch}
 * that keeps the limits current. Deployed before the Senders.
 */
public final class SendLimits {
  private final MailroomConfig.Limiter settings;
  private final RateLimiter limiter;
  private final SendGate gate;
  private final QuotaWatch watch;
  private final SesEnforcement enforcement;

  private SendLimits(MailroomConfig.Limiter settings, RateLimiter limiter, SendGate gate, QuotaWatch watch,
                     SesEnforcement enforcement) {
    this.enforcement = enforcement;
    this.settings = settings;
    this.limiter = limiter;
    this.gate = gate;
    this.watch = watch;
  }

  /** {@code ses} null: no GetAccount (outbox transport), the configured fixed quota applies. */
  public static SendLimits create(Vertx vertx, MailroomConfig config, SesV2AsyncClient ses,
                                  Supplier<Future<Void>> whenQuotaHasRoom, MailroomMetrics metrics) {
    MailroomConfig.Limiter settings = config.limiter();
    RateLimiter limiter = settings.kind() == MailroomConfig.LimiterKind.REDIS
        ? new RedisRateLimiter(vertx, settings.redisUrl(), settings.keyPrefix(), config.ses().region())
        : new LocalRateLimiter();
    // a Sender holds its claim for the visibility timeout: waiting for a slot must end well before
    SendGate gate = new SendGate(limiter, metrics, config.sqs().visibilityTimeoutSeconds() * 500L);
    SesEnforcement enforcement = new SesEnforcement(metrics);
    return new SendLimits(settings, limiter, gate,
        new QuotaWatch(settings, ses, limiter, gate, whenQuotaHasRoom, metrics, enforcement), enforcement);
  }

  public SendGate gate() {
    return gate;
  }

  /** The SES account's enforcement status, as the quota watch reads it (unknown without GetAccount). */
  public SesEnforcement enforcement() {
    return enforcement;
  }

  /** What readiness checks for the limiter, by name: {@code redis} when the limiter lives in Redis. */
  public Map<String, Supplier<Future<?>>> readinessChecks() {
    return settings.kind() == MailroomConfig.LimiterKind.REDIS ? Map.of("redis", limiter::check) : Map.of();
  }

  /** Deploys the gate, then the quota watch; the deployment ids, for undeploying. */
  public Future<List<String>> deploy(Vertx vertx) {
    return vertx.deployVerticle(gate, new DeploymentOptions())
        .compose(g -> vertx.deployVerticle(watch, new DeploymentOptions()).map(w -> List.of(g, w)));
  }

  public Future<Void> close() {
    return limiter.close();
  }

  public String describe() {
    return limiter.name() + " limiter";
  }
}
