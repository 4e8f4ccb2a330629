package io.mailroom.bus;

import java.util.Objects;

/** A customer's consent as Mailroom changed it, at {@code at} (epoch milliseconds). */
public record ConsentChange(String email, boolean subscribed, long at) {
  public ConsentChange {
    Objects.requireNonNull(email, "email");
  }
}
