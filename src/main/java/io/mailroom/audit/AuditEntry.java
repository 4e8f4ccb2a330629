package io.mailroom.audit;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One change made through the API: who ({@code actor}: a console user's name, or {@code api}),
 * what ({@code action}, such as {@code campaign.pause}), to what ({@code target}, an id; may be
 * empty), when, and the request's id (its {@code X-Request-Id}, also in the logs).
 */
public record AuditEntry(String actor, String action, String target, long atMillis, String requestId) {
  public JsonObject toJson() {
    return new JsonObject().put("at", Instant.ofEpochMilli(atMillis).toString()).put("actor", actor)
        .put("action", action).put("target", target).put("requestId", requestId);
  }
}
