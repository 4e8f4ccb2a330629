package io.mailroom.config;

import io.mailroom.compliance.CampaignKind;
import io.mailroom.compliance.ComplianceProfile;
import io.mailroom.compliance.ComplianceSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code compliance.*}: kr by default locally, named explicitly in production, kr only with its sender. */
class ComplianceConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  private static Map<String, String> production(String profile) {
    Map<String, String> env = new HashMap<>();
    env.put("MAILROOM_WEBHOOK_SECRETS", "a-production-webhook-secret-of-32-bytes-or-more");
    env.put("MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "a-production-unsubscribe-secret-of-32-bytes-or-more");
    env.put("MAILROOM_LIMITER_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events");
    if (profile != null) {
      env.put("MAILROOM_COMPLIANCE_PROFILE", profile);
    }
    return env;
  }

  @Test
  void theLocalFileSendsUnderTheKoreanRulesWithItsDemoSender() {
    ComplianceSettings compliance = MailroomConfig.from(local()).compliance();
    assertThat(compliance.profile()).isEqualTo(ComplianceProfile.KR);
    assertThat(compliance.sender().name()).isEqualTo("Mailroom Fashion");
    assertThat(compliance.marks(CampaignKind.ADVERTISING)).isTrue();
    assertThat(compliance.marks(CampaignKind.NOTICE)).isFalse();
  }

  @Test
  void krWithoutAnyOfTheFourSenderValuesIsRefusedByName() {
    for (String field : new String[] {"name", "email", "phone", "address"}) {
      JsonObject json = local();
      json.getJsonObject("compliance").getJsonObject("sender").put(field, "");
      assertThatThrownBy(() -> MailroomConfig.from(json)).as(field).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'compliance.sender." + field + "'");
      JsonObject removed = local();
      removed.getJsonObject("compliance").getJsonObject("sender").remove(field);
      assertThatThrownBy(() -> MailroomConfig.from(removed)).as(field).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'compliance.sender." + field + "'");
    }
  }

  @Test
  void aSenderValueWithALineBreakIsRefused() {
    JsonObject json = local();
    json.getJsonObject("compliance").getJsonObject("sender").put("name", "Mailroom\r\nBcc: x@example.com");
    assertThatThrownBy(() -> MailroomConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'compliance.sender.name' must be one line");
  }

  @Test
  void anUnknownProfileIsRefused() {
    JsonObject json = local();
    json.getJsonObject("compliance").put("profile", "us");
    assertThatThrownBy(() -> MailroomConfig.from(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'compliance.profile'");
  }

  @Test
  void profileNoneNeedsNoSenderAndMarksNothing() {
    JsonObject json = local();
    json.put("compliance", new JsonObject().put("profile", "none"));
    ComplianceSettings compliance = MailroomConfig.from(json).compliance();
    assertThat(compliance.profile()).isEqualTo(ComplianceProfile.NONE);
    assertThat(compliance.marks(CampaignKind.ADVERTISING)).isFalse();
  }

  @Test
  void productionRefusesToStartWithoutANamedProfile() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(null)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'compliance.profile' must be set in production");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production("kr")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'compliance.sender.name'");
    assertThat(MailroomConfig.load("conf/production.json", production("none")).compliance().profile())
        .isEqualTo(ComplianceProfile.NONE);
    Map<String, String> kr = production("kr");
    kr.put("MAILROOM_COMPLIANCE_SENDER_NAME", "Mailroom");
    kr.put("MAILROOM_COMPLIANCE_SENDER_EMAIL", "help@mail.example.com");
    kr.put("MAILROOM_COMPLIANCE_SENDER_PHONE", "02-000-0000");
    kr.put("MAILROOM_COMPLIANCE_SENDER_ADDRESS", "Seoul");
    assertThat(MailroomConfig.load("conf/production.json", kr).compliance().sender().address()).isEqualTo("Seoul");
  }
}
