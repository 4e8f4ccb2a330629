package io.mailroom.subscription;

import io.mailroom.bus.SendConfirmation;
import io.mailroom.bus.SesFeedback;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an SES event asks of Mailroom, read from the Message of a verified SNS notification. */
class SesEventTest {
  private static JsonObject send(JsonObject tags, JsonArray destination) {
    return new JsonObject().put("eventType", "Send").put("send", new JsonObject())
        .put("mail", new JsonObject().put("messageId", "0100-ses-id").put("destination", destination).put("tags", tags));
  }

  @Test
  void aSendEventOfATaggedEmailConfirmsItsDelivery() {
    JsonObject tags = new JsonObject().put("ses:configuration-set", new JsonArray().add("mailroom"))
        .put("campaign", new JsonArray().add("c_1")).put("delivery", new JsonArray().add("2-abc"));

    assertThat(SesEvent.of(send(tags, new JsonArray().add("a@example.com")).encode()))
        .contains(new SendConfirmation("c_1", "a@example.com", "2-abc", "0100-ses-id"));
  }

  @Test
  void aSendEventOfAnEmailMailroomDidNotTagChangesNothing() {
    JsonObject tags = new JsonObject().put("ses:configuration-set", new JsonArray().add("mailroom"));

    assertThat(SesEvent.of(send(tags, new JsonArray().add("a@example.com")).encode())).isEmpty();
  }

  @Test
  void aTaggedSendEventWithoutOneRecipientIsRefusedNamingTheField() {
    JsonObject tags = new JsonObject().put("campaign", new JsonArray().add("c_1"))
        .put("delivery", new JsonArray().add("2-abc"));

    assertThatThrownBy(() -> SesEvent.of(send(tags, new JsonArray().add("a@x.test").add("b@x.test")).encode()))
        .isInstanceOfSatisfying(SnsMessage.Invalid.class, e -> assertThat(e.field()).isEqualTo("Message"));
  }

  @Test
  void aPermanentBounceIsFeedbackThatSuppresses() {
    JsonObject bounce = new JsonObject().put("notificationType", "Bounce").put("bounce", new JsonObject()
        .put("bounceType", "Permanent").put("bounceSubType", "General")
        .put("bouncedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", "a@example.com"))));

    assertThat(SesEvent.of(bounce.encode())).get().isInstanceOfSatisfying(SesFeedback.class, feedback -> {
      assertThat(feedback.permanent()).isTrue();
      assertThat(feedback.recipients()).containsExactly("a@example.com");
    });
  }

  @Test
  void addressesAreReadLowerCased() {
    JsonObject complaint = new JsonObject().put("eventType", "Complaint").put("complaint", new JsonObject()
        .put("complainedRecipients", new JsonArray().add(new JsonObject().put("emailAddress", "Mixed.Case@Example.COM"))));

    assertThat(SesEvent.of(complaint.encode())).get().isInstanceOfSatisfying(SesFeedback.class,
        feedback -> assertThat(feedback.recipients()).containsExactly("mixed.case@example.com"));
    JsonObject tags = new JsonObject().put("campaign", new JsonArray().add("c_1"))
        .put("delivery", new JsonArray().add("2-abc"));
    assertThat(SesEvent.of(send(tags, new JsonArray().add("A@Example.com")).encode()))
        .contains(new SendConfirmation("c_1", "a@example.com", "2-abc", "0100-ses-id"));
  }
}
