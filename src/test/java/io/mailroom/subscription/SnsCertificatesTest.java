package io.mailroom.subscription;

import io.mailroom.testing.SnsPublisher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fetching SNS signing certificates from a real HTTP server: which are kept, and how often each is fetched. */
class SnsCertificatesTest {
  private static final SnsAddress.Host SNS = new SnsAddress.Host("", "sns.amazonaws.com");
  private static Vertx vertx;
  private static SnsPublisher sns;
  private static SnsPublisher impostor;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sns = new SnsPublisher();
    impostor = new SnsPublisher("sns.example.com");
  }

  @AfterAll
  static void stop() {
    sns.close();
    impostor.close();
    vertx.close();
  }

  private static X509Certificate await(Future<X509Certificate> certificate) {
    try {
      return certificate.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no certificate in 30 s", e);
    }
  }

  @Test
  void snsOwnCertificateIsFetchedOnceForConcurrentAndLaterUses() {
    SnsCertificates certificates = new SnsCertificates(vertx);
    Future<X509Certificate> first = certificates.get(sns.certificateUrl(), SNS);
    Future<X509Certificate> second = certificates.get(sns.certificateUrl(), SNS);
    assertThat(await(first)).isSameAs(await(second));
    assertThat(await(certificates.get(sns.certificateUrl(), SNS))).isSameAs(await(first));
    assertThat(sns.certificateFetches.get()).isEqualTo(1);
  }

  @Test
  void aCertificateNotIssuedToSnsIsRefused() {
    assertThatThrownBy(() -> await(new SnsCertificates(vertx).get(impostor.certificateUrl(), SNS)))
        .isInstanceOfSatisfying(SnsVerifier.Refused.class, e -> {
          assertThat(e.code()).isEqualTo("invalid_signature");
          assertThat(e.field()).isEqualTo("SigningCertURL");
          assertThat(e.getMessage()).contains("sns.amazonaws.com");
        });
  }

  @Test
  void aFailedFetchIsRememberedSoTheSameUrlIsNotFetchedAgainAtOnce() {
    SnsCertificates certificates = new SnsCertificates(vertx);
    String missing = impostor.endpoint() + "/SimpleNotificationService-dead.pem";
    int before = impostor.certificateFetches.get();
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> await(certificates.get(missing, SNS))).isInstanceOf(SnsVerifier.Refused.class);
    }
    assertThat(impostor.certificateFetches.get() - before).isEqualTo(1);
  }

  @Test
  void aFetchThatFailsOnTheWayAsksSnsToDeliverAgainAndIsNotRemembered() throws Exception {
    SnsCertificates certificates = new SnsCertificates(vertx);
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String down = "http://127.0.0.1:" + closedPort + "/SimpleNotificationService-0a.pem";
    for (int i = 0; i < 2; i++) {
      // 503, not 401: SNS does not deliver again after a 4xx, so a refusal here would lose the message
      assertThatThrownBy(() -> await(certificates.get(down, SNS)))
          .isInstanceOfSatisfying(SnsVerifier.Refused.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.getMessage()).contains("could not be fetched now");
          });
    }
  }
}
