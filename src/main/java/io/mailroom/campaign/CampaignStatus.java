package io.mailroom.campaign;

import java.util.Locale;

/** Where a campaign stands; shown in lower case through the API. */
public enum CampaignStatus {
  /** Waits for its {@code sendAt} time; any node starts it then. */
  SCHEDULED,
  QUEUED, RUNNING, PAUSED, CANCELLED, COMPLETED, FAILED,
  /** Waits for the SES 24-hour quota; resumed by the node that sees quota free again. */
  QUOTA_EXHAUSTED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
