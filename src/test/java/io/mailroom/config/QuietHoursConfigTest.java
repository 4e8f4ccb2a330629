package io.mailroom.config;

import io.mailroom.compliance.QuietHours;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code compliance.quietHours}: off by default, under any profile when enabled, and refused by name when wrong. */
class QuietHoursConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  private static JsonObject quiet(JsonObject json) {
    return json.getJsonObject("compliance").getJsonObject("quietHours");
  }

  @Test
  void theShippedFilesHaveItOff() {
    assertThat(MailroomConfig.from(local()).compliance().quietHours().enabled()).isFalse();
    Map<String, String> env = new HashMap<>();
    env.put("MAILROOM_WEBHOOK_SECRETS", "a-production-webhook-secret-of-32-bytes-or-more");
    env.put("MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "a-production-unsubscribe-secret-of-32-bytes-or-more");
    env.put("MAILROOM_LIMITER_REDIS_URL", "redis://127.0.0.1:6379");
    env.put("MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events");
    env.put("MAILROOM_COMPLIANCE_PROFILE", "none");
    assertThat(MailroomConfig.load("conf/production.json", env).compliance().quietHours().enabled()).isFalse();
    env.put("MAILROOM_COMPLIANCE_QUIET_HOURS_ENABLED", "true");
    env.put("MAILROOM_COMPLIANCE_QUIET_HOURS_START", "22:00");
    QuietHours set = MailroomConfig.load("conf/production.json", env).compliance().quietHours();
    assertThat(set).isEqualTo(new QuietHours(true, LocalTime.of(22, 0), LocalTime.of(8, 0), ZoneId.of("Asia/Seoul")));
  }

  @Test
  void enabledItAppliesUnderEitherProfileAndWithoutTheBlockItIsOff() {
    for (String profile : new String[] {"kr", "none"}) {
      JsonObject json = local();
      json.getJsonObject("compliance").put("profile", profile);
      quiet(json).put("enabled", true).put("start", "12:00").put("end", "13:00").put("zone", "Europe/Berlin");
      assertThat(MailroomConfig.from(json).compliance().quietHours()).as(profile)
          .isEqualTo(new QuietHours(true, LocalTime.of(12, 0), LocalTime.of(13, 0), ZoneId.of("Europe/Berlin")));
    }
    JsonObject without = local();
    without.getJsonObject("compliance").remove("quietHours");
    assertThat(MailroomConfig.from(without).compliance().quietHours().enabled()).isFalse();
  }

  @Test
  void aBadTimeZoneOrEqualTimesAreRefusedNamingTheKey() {
    Map<String, Object[]> bad = Map.of(
        "start", new Object[] {"start", "9:00"},
        "end", new Object[] {"end", "24:00"},
        "seconds", new Object[] {"start", "21:00:00"},
        "zone", new Object[] {"zone", "Mars/Olympus"},
        "empty zone", new Object[] {"zone", ""},
        "same", new Object[] {"end", "21:00"},
        "enabled", new Object[] {"enabled", "yes"},
        "number", new Object[] {"start", 21});
    bad.forEach((what, change) -> {
      JsonObject json = local();
      quiet(json).put((String) change[0], change[1]);
      assertThatThrownBy(() -> MailroomConfig.from(json)).as(what).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'compliance.quietHours." + change[0] + "'");
    });
  }
}
