package io.mailroom.console.authoring;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.DateTimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the wizard's fields make of a campaign: the audience filter, the send time with its offset,
 * where an error goes, and the idempotency key.
 */
class WizardStateTest {
  @Test
  void aLocalTimeInAZoneGetsThatZonesOffsetThen() {
    assertThat(WizardState.sendAt("2026-12-24T10:00", "Asia/Seoul")).isEqualTo("2026-12-24T10:00:00+09:00");
    assertThat(WizardState.sendAt("2026-07-01T09:30:15", "Europe/Berlin")).isEqualTo("2026-07-01T09:30:15+02:00");
    assertThat(WizardState.sendAt("2026-01-01T00:00", "")).isEqualTo("2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> WizardState.sendAt("tomorrow", "UTC")).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> WizardState.sendAt("2026-01-01T00:00", "Mars/Olympus")).isInstanceOf(DateTimeException.class);
  }

  @Test
  void anApiErrorOfAnAudienceConditionPointsAtItsRow() {
    assertThat(WizardState.row("audience.all[2].attribute")).isEqualTo(2);
    assertThat(WizardState.row("audience.any[1].in[0]")).isEqualTo(1);
    assertThat(WizardState.row("audience.equals")).isZero();
    assertThat(WizardState.stepOf("audience.all[1].after")).isEqualTo(2);
    assertThat(WizardState.stepOf("templateId")).isEqualTo(1);
    assertThat(WizardState.stepOf("subject")).isEqualTo(3);
    assertThat(WizardState.stepOf("sendAt")).isEqualTo(6);
  }

  @Test
  void rowsMakeOneTestOrAllOrAny() {
    JsonObject one = WizardState.audienceOf(java.util.Map.of("attr0", "Gender", "op0", "equals", "val0", "Female"));
    assertThat(one).isEqualTo(new JsonObject().put("attribute", "Gender").put("equals", "Female"));

    JsonObject any = WizardState.audienceOf(java.util.Map.of("match", "any", "attr0", "Gender", "op0", "in",
        "val0", "Female, Male", "attr2", "SourceId", "op2", "exists", "val2", "false"));
    assertThat(any.encode()).isEqualTo("{\"any\":[{\"attribute\":\"Gender\",\"in\":[\"Female\",\"Male\"]},"
        + "{\"attribute\":\"SourceId\",\"exists\":false}]}");
    assertThat(WizardState.audienceOf(java.util.Map.of())).isNull();
  }

  @Test
  void theIdempotencyKeyStaysForTheSameCampaignAndChangesWithAnyField() {
    java.util.Map<String, String> fields = java.util.Map.of("key", "w-0f8e2f4c-5a9b-4b4e-9a43-0d2b1f6e7c11",
        "templateId", "spring", "attr0", "Gender", "op0", "equals", "val0", "Female", "subject", "Hello");
    String key = WizardState.campaignOf(fields).getString("idempotencyKey");
    assertThat(WizardState.campaignOf(new java.util.HashMap<>(fields)).getString("idempotencyKey"))
        .as("a second click on create").isEqualTo(key);
    assertThat(key).startsWith(fields.get("key")).hasSizeLessThanOrEqualTo(128);
    for (String field : java.util.List.of("templateId", "val0", "subject")) {
      java.util.Map<String, String> changed = new java.util.HashMap<>(fields);
      changed.put(field, fields.get(field) + " changed");
      assertThat(WizardState.campaignOf(changed).getString("idempotencyKey")).as("after %s changed", field)
          .isNotEqualTo(key);
    }
    java.util.Map<String, String> later = new java.util.HashMap<>(fields);
    later.putAll(java.util.Map.of("when", "later", "sendAtLocal", "2026-12-24T10:00", "zone", "Asia/Seoul"));
    assertThat(WizardState.campaignOf(later).getString("idempotencyKey")).as("a send time set").isNotEqualTo(key);
  }
}
