package io.mailroom.config;

import io.mailroom.compliance.ComplianceSettings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The consent notice keys: on under kr with their defaults, off under none, bad values refused by name. */
class ConsentNoticeConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  private static JsonObject compliance(JsonObject json) {
    return json.getJsonObject("compliance");
  }

  @Test
  void theLocalFileRunsBothNoticesWithTheDocumentedDefaults() {
    ComplianceSettings.Notices notices = MailroomConfig.from(local()).compliance().notices();
    assertThat(notices).isEqualTo(new ComplianceSettings.Notices(true, 3600, 30, true, false, 15));
    assertThat(notices.any()).isTrue();
  }

  @Test
  void absentKeysTakeTheirDefaults() {
    JsonObject json = local();
    compliance(json).remove("reconfirm");
    compliance(json).remove("confirmSyncedChanges");
    compliance(json).remove("confirmSweepSeconds");
    assertThat(MailroomConfig.from(json).compliance().notices())
        .isEqualTo(new ComplianceSettings.Notices(true, 3600, 30, true, false, 15));
  }

  @Test
  void eachKeyIsRead() {
    JsonObject json = local();
    compliance(json).put("confirmSyncedChanges", true).put("confirmSweepSeconds", 2);
    compliance(json).getJsonObject("reconfirm").put("enabled", false).put("intervalSeconds", 60).put("leadDays", 14);
    assertThat(MailroomConfig.from(json).compliance().notices())
        .isEqualTo(new ComplianceSettings.Notices(false, 60, 14, true, true, 2));
  }

  @Test
  void theEnvironmentOverridesThem() {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of("MAILROOM_COMPLIANCE_RECONFIRM_LEAD_DAYS", "20",
        "MAILROOM_COMPLIANCE_RECONFIRM_ENABLED", "false", "MAILROOM_COMPLIANCE_CONFIRM_SYNCED_CHANGES", "true"));
    ComplianceSettings.Notices notices = MailroomConfig.from(json).compliance().notices();
    assertThat(notices.reconfirmLeadDays()).isEqualTo(20);
    assertThat(notices.reconfirm()).isFalse();
    assertThat(notices.confirmSyncedChanges()).isTrue();
  }

  @Test
  void underProfileNoneNothingRuns() {
    JsonObject json = local();
    compliance(json).put("profile", "none");
    assertThat(MailroomConfig.from(json).compliance().notices().any()).isFalse();
  }

  @Test
  void badValuesAreRefusedByName() {
    Map<String, Object> bad = Map.of("reconfirm.leadDays", 0, "reconfirm.intervalSeconds", -1,
        "reconfirm.enabled", "yes", "confirmSweepSeconds", 0, "confirmSyncedChanges", "no");
    bad.forEach((key, value) -> {
      JsonObject json = local();
      String[] path = key.split("\\.");
      JsonObject parent = path.length == 2 ? compliance(json).getJsonObject(path[0]) : compliance(json);
      parent.put(path[path.length - 1], value);
      assertThatThrownBy(() -> MailroomConfig.from(json)).as(key).isInstanceOf(ConfigException.class)
          .hasMessageContaining("'compliance." + key + "'");
    });
  }
}
