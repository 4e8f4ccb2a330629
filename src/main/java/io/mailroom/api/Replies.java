package io.mailroom.api;

import io.mailroom.http.ApiError;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** What every route answers with: JSON bodies, and the request id and query numbers they read. */
final class Replies {
  static final String REQUEST_ID = "X-Request-Id";

  private Replies() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw ApiError.badField(name, "invalid_field", name + " must be a whole number from " + min + " to " + max);
  }
}
