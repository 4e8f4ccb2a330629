package io.mailroom.bus;

import java.util.Objects;

/** Names the campaign a message is about. */
public record CampaignRef(String campaignId) {
  public CampaignRef {
    Objects.requireNonNull(campaignId, "campaignId");
  }
}
