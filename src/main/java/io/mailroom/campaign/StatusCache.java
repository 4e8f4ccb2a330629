package io.mailroom.campaign;

import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status of each campaign as this node's Senders see it at send time, read from the
 * Campaigns table at most once a second per campaign, and forgotten at once when this node
 * pauses, resumes or cancels it.
 */
public final class StatusCache {
  private static final long FRESH_MILLIS = 1000;

  private record Seen(CampaignStatus status, long at) { }

  private final CampaignStore campaigns;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  public StatusCache(CampaignStore campaigns) {
    this.campaigns = campaigns;
  }

  public Future<CampaignStatus> status(String campaignId) {
    long now = System.currentTimeMillis();
    Seen last = seen.get(campaignId);
    if (last != null && now - last.at() < FRESH_MILLIS) {
      return Future.succeededFuture(last.status());
    }
    return campaigns.get(campaignId).map(found -> {
      CampaignStatus status = found.orElseThrow(() -> new IllegalStateException("no campaign " + campaignId)).status();
      seen.put(campaignId, new Seen(status, now));
      return status;
    });
  }

  public void forget(String campaignId) {
    seen.remove(campaignId);
  }
}
