package io.mailroom.bus;

import java.util.Objects;

/**
 * SES's Send event for one email: SES accepted the email Mailroom tagged with {@code campaignId}
 * and {@code deliveryId}, to {@code email}, as {@code messageId}.
 */
public record SendConfirmation(String campaignId, String email, String deliveryId, String messageId)
    implements SesNotice {
  public SendConfirmation {
    Objects.requireNonNull(campaignId, "campaignId");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(messageId, "messageId");
  }
}
