package io.mailroom.api;

import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignIndex;
import io.mailroom.campaign.CampaignPages;
import io.mailroom.campaign.CampaignStatus;
import io.mailroom.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * {@code GET /v1/campaigns?status=&limit=&after=}: the campaigns, newest first (by creation time,
 * then id), optionally in one status, a page at a time. {@code next} is the path of the following
 * page; its {@code after} is an opaque cursor (the list key the page ended at, base64url), checked
 * on the way back in, so that a cursor that was altered is a 400 rather than a failed query.
 */
final class CampaignList {
  private static final String CURSOR_PREFIX = "v1|";
  private static final List<String> STATUSES = Arrays.stream(CampaignStatus.values()).map(CampaignStatus::wire).toList();

  private final CampaignPages pages;

  CampaignList(CampaignPages pages) {
    this.pages = pages;
  }

  void handle(RoutingContext ctx) {
    CampaignStatus status = status(ctx.queryParams().get("status"));
    int limit = Replies.intParam(ctx, "limit", 20, 1, 100);
    String after = ctx.queryParams().get("after");
    pages.page(status, limit, after == null ? null : listKey(after))
        .onSuccess(page -> Replies.json(ctx, 200, body(page, status, limit)))
        .onFailure(ctx::fail);
  }

  private static JsonObject body(CampaignPages.Page page, CampaignStatus status, int limit) {
    JsonArray campaigns = new JsonArray();
    page.campaigns().stream().map(Campaign::toJson).forEach(campaigns::add);
    JsonObject body = new JsonObject().put("campaigns", campaigns);
    if (page.nextKey() != null) {
      body.put("next", "/v1/campaigns?" + (status == null ? "" : "status=" + status.wire() + "&") + "limit=" + limit
          + "&after=" + cursor(page.nextKey()));
    }
    return body;
  }

  private static CampaignStatus status(String wire) {
    if (wire == null) {
      return null;
    }
    for (CampaignStatus status : CampaignStatus.values()) {
      if (status.wire().equals(wire)) {
        return status;
      }
    }
    throw ApiError.badField("status", "invalid_field", "status must be one of " + STATUSES);
  }

  /** The cursor a page's {@code next} carries: URL-safe as it stands. */
  static String cursor(String listKey) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((CURSOR_PREFIX + listKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The list key inside a cursor; a 400 for anything {@link #cursor} did not make. */
  static String listKey(String cursor) {
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = "";
    }
    String key = decoded.startsWith(CURSOR_PREFIX) ? decoded.substring(CURSOR_PREFIX.length()) : null;
    if (!CampaignIndex.isListKey(key)) {
      throw ApiError.badField("after", "invalid_field", "after must be the cursor from a previous page's 'next'");
    }
    return key;
  }
}
