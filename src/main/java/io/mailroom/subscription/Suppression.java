package io.mailroom.subscription;

/**
 * Why an address gets no marketing email. Bounces, complaints and manual entries hold for good;
 * an unsubscribe holds until the customer consents again later (in Mailroom or in the company's
 * database).
 */
public enum Suppression {
  UNSUBSCRIBE, BOUNCE, COMPLAINT, MANUAL;

  public String wire() {
    return name().toLowerCase();
  }
}
