package io.mailroom.bus;

import java.util.List;
import java.util.Objects;

/**
 * A customer's change from an unsubscribe link: leave all marketing, or keep only {@code topics}
 * (none kept is leaving all). {@code via} says where it came from ({@code one_click}, {@code page}).
 */
public record SubscriptionChange(String token, Action action, List<String> topics, String via) {
  public enum Action { UNSUBSCRIBE, PREFERENCES }

  public SubscriptionChange {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(via, "via");
    topics = List.copyOf(topics);
  }

  public static SubscriptionChange unsubscribe(String token, String via) {
    return new SubscriptionChange(token, Action.UNSUBSCRIBE, List.of(), via);
  }

  public static SubscriptionChange keep(String token, List<String> topics, String via) {
    return new SubscriptionChange(token, Action.PREFERENCES, topics, via);
  }
}
