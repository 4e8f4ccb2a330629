package io.mailroom.config;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The production rules for trusting SNS: which topics, and no local certificate. */
class SnsConfigTest {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events";

  private static Map<String, String> production(String... more) {
    Map<String, String> env = new HashMap<>(Map.of("MAILROOM_WEBHOOK_SECRETS", "a-production-secret-of-some-length",
        "MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "an-unsubscribe-secret-of-some-length",
        "MAILROOM_LIMITER_REDIS_URL", "redis://redis.internal:6379", "MAILROOM_COMPLIANCE_PROFILE", "none"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void productionWithSesRefusesToStartWithoutTopicArns() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'subscription.sns.topicArns'");

    MailroomConfig config = MailroomConfig.load("conf/production.json",
        production("MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", TOPIC));
    assertThat(config.subscription().sns().topicArns()).containsExactly(TOPIC);
  }

  @Test
  void productionRefusesALocalCertificate() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(
        "MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", TOPIC, "MAILROOM_SUBSCRIPTION_SNS_CERTIFICATE_FILE", "/tmp/sns.pem")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'subscription.sns.certificateFile'");
  }

  @Test
  void theLocalEndpointIsForLoopbackAndNeverForProduction() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(
        "MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", TOPIC, "MAILROOM_SUBSCRIPTION_SNS_LOCAL_ENDPOINT", "http://127.0.0.1:9911")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'subscription.sns.localEndpoint'");
    assertThatThrownBy(() -> MailroomConfig.load(ConfigSource.DEFAULT_FILE,
        Map.of("MAILROOM_SUBSCRIPTION_SNS_LOCAL_ENDPOINT", "https://sns.s3.amazonaws.com")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'subscription.sns.localEndpoint'");
    assertThat(MailroomConfig.load(ConfigSource.DEFAULT_FILE,
        Map.of("MAILROOM_SUBSCRIPTION_SNS_LOCAL_ENDPOINT", "http://127.0.0.1:9911")).subscription().sns().localEndpoint())
        .isEqualTo("http://127.0.0.1:9911");
  }
}
