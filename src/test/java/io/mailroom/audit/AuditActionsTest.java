package io.mailroom.audit;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the audit calls each change, and what it leaves out. */
class AuditActionsTest {
  private static String of(String method, String route, Map<String, String> params, String location) {
    return AuditActions.of(method, route, params, location).map(c -> c.action() + " " + c.target()).orElse("-");
  }

  @Test
  void changesAreNamedByResourceAndVerb() {
    assertThat(of("PUT", "/v1/templates/:id", Map.of("id", "autumn"), null)).isEqualTo("template.save autumn");
    assertThat(of("DELETE", "/v1/templates/:id", Map.of("id", "autumn"), null)).isEqualTo("template.delete autumn");
    assertThat(of("POST", "/v1/templates/:id/test", Map.of("id", "autumn"), null)).isEqualTo("template.test autumn");
    assertThat(of("POST", "/v1/campaigns", Map.of(), "/v1/campaigns/c_1")).isEqualTo("campaign.create c_1");
    assertThat(of("POST", "/v1/campaigns/:id/:action", Map.of("id", "c_1", "action", "pause"), null))
        .isEqualTo("campaign.pause c_1");
    assertThat(of("POST", "/v1/campaigns/:id/resend", Map.of("id", "c_1"), null)).isEqualTo("campaign.resend c_1");
    assertThat(of("POST", "/v1/dead-letters/redrive", Map.of(), null)).isEqualTo("deadletter.redrive ");
  }

  @Test
  void readsPreviewsEstimatesAndCustomerRoutesAreNoChanges() {
    assertThat(of("GET", "/v1/campaigns/:id", Map.of("id", "c_1"), null)).isEqualTo("-");
    assertThat(of("POST", "/v1/templates/:id/preview", Map.of("id", "a"), null)).isEqualTo("-");
    assertThat(of("POST", "/v1/audiences/estimate", Map.of(), null)).isEqualTo("-");
    assertThat(of("POST", "/v1/ses/events", Map.of(), null)).isEqualTo("-");
    assertThat(of("POST", "/u/:token", Map.of("token", "x"), null)).isEqualTo("-");
  }

  @Test
  void anActorIsNamedOnlyWithItsSignature() {
    String signature = "v1=abc";
    String valid = ActorSignature.sign("secret", signature, "kim");
    assertThat(ActorSignature.actor(java.util.List.of("old", "secret"), signature, "kim", valid)).isEqualTo("kim");
    assertThat(ActorSignature.actor(java.util.List.of("secret"), "v1=abd", "kim", valid)).isEqualTo("api");
    assertThat(ActorSignature.actor(java.util.List.of("secret"), signature, "lee", valid)).isEqualTo("api");
    assertThat(ActorSignature.actor(java.util.List.of("secret"), signature, null, null)).isEqualTo("api");
  }
}
