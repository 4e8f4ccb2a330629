package io.mailroom.campaign;

import java.util.Locale;

/** Where a campaign stands; shown in lower case through the API. */
public enum CampaignStatus {
  QUEUED, RUNNING, PAUSED, CANCELLED, COMPLETED, FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
