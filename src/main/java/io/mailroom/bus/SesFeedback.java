package io.mailroom.bus;

import java.util.List;
import java.util.Objects;

/**
 * A bounce or complaint SES reported for {@code recipients}. {@code bounceType} is SES's
 * (Permanent, Transient, Undetermined; null for a complaint); {@code detail} is what a suppression
 * records as its reason.
 */
public record SesFeedback(Kind kind, String bounceType, String detail, List<String> recipients)
    implements SesNotice {
  public enum Kind { BOUNCE, COMPLAINT }

  public SesFeedback {
    Objects.requireNonNull(kind, "kind");
    recipients = List.copyOf(recipients);
  }

  /** A complaint or a permanent bounce: the address is suppressed; anything else is only counted. */
  public boolean permanent() {
    return kind == Kind.COMPLAINT || "Permanent".equals(bounceType);
  }
}
