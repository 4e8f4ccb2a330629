package io.mailroom.api;

import io.mailroom.campaign.CampaignStatus;
import io.mailroom.http.ApiError;

import java.util.List;

/**
 * The operator's actions on a campaign, with the states each may start from. A scheduled campaign
 * can be cancelled before its time, but not paused or resumed (it has not started). A pause records
 * {@code operator} as its pause reason; a resume clears it.
 */
enum CampaignControl {
  PAUSE(List.of(CampaignStatus.QUEUED, CampaignStatus.RUNNING, CampaignStatus.QUOTA_EXHAUSTED), CampaignStatus.PAUSED,
      "paused"),
  RESUME(List.of(CampaignStatus.PAUSED), CampaignStatus.RUNNING, "resumed"),
  CANCEL(List.of(CampaignStatus.SCHEDULED, CampaignStatus.QUEUED, CampaignStatus.RUNNING, CampaignStatus.PAUSED,
      CampaignStatus.QUOTA_EXHAUSTED), CampaignStatus.CANCELLED, "cancelled");

  private final List<CampaignStatus> from;
  private final CampaignStatus to;
  private final String done;

  CampaignControl(List<CampaignStatus> from, CampaignStatus to, String done) {
    this.from = from;
    this.to = to;
    this.done = done;
  }

  static CampaignControl of(String action) {
    for (CampaignControl control : values()) {
      if (control.name().equalsIgnoreCase(action)) {
        return control;
      }
    }
    throw new ApiError(404, "not_found", "no action '" + action + "'; use pause, resume or cancel", null);
  }

  List<CampaignStatus> from() {
    return from;
  }

  CampaignStatus to() {
    return to;
  }

  String done() {
    return done;
  }

  /** The pause reason this action records: {@code operator} for a pause, none for the others. */
  String reason() {
    return this == PAUSE ? "operator" : null;
  }
}
