package io.mailroom.limit;

import io.mailroom.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code rediss://}: the limiter's Redis client speaks TLS and checks the server's certificate is
 * for the host of the URL. The Redis the tests run has no TLS, so the check of the hostname is on
 * the options; against the real Redis, a rediss URL fails rather than talk in plaintext.
 */
class RedisTlsTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRedissUrlGivesTlsThatVerifiesTheHostname() {
    RedisOptions tls = RedisRateLimiter.options("rediss://redis.internal:6380");
    assertThat(tls.getNetClientOptions().isSsl()).isTrue();
    assertThat(tls.getNetClientOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(tls.getNetClientOptions().isTrustAll()).isFalse();
    RedisOptions plain = RedisRateLimiter.options("redis://127.0.0.1:6379");
    assertThat(plain.getNetClientOptions().isSsl()).isFalse();
  }

  @Test
  void aRedissUrlToARedisWithoutTlsFailsInsteadOfSendingInPlaintext() throws Exception {
    URI plain = URI.create(TestRedis.url());
    RedisRateLimiter limiter = new RedisRateLimiter(vertx, "rediss://" + plain.getHost() + ":" + plain.getPort(),
        TestRedis.prefix("tls"), "us-east-1");
    RateLimiter.Quota quota = new RateLimiter.Quota(10, 1000, 0);
    assertThatThrownBy(() -> limiter.acquire(quota).await(60, TimeUnit.SECONDS)).isNotNull();
    RedisRateLimiter control = new RedisRateLimiter(vertx, TestRedis.url(), TestRedis.prefix("tls"), "us-east-1");
    assertThat(control.acquire(quota).await(60, TimeUnit.SECONDS).outcome()).isNotNull();
  }
}
