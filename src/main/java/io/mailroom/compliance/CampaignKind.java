package io.mailroom.compliance;

import java.util.Locale;

/**
 * What a campaign is in the sense of the advertising rules: {@code advertising} (the default) or
 * {@code notice} (a transactional or legally required message, which carries no {@code (광고)}).
 */
public enum CampaignKind {
  ADVERTISING, NOTICE;

  /** The lower-case name the API and the Campaigns table use. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code text}; null or empty is advertising. Throws IllegalArgumentException otherwise. */
  public static CampaignKind fromWire(String text) {
    if (text == null || text.isEmpty()) {
      return ADVERTISING;
    }
    for (CampaignKind kind : values()) {
      if (kind.wire().equals(text)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("kind must be advertising or notice");
  }
}
