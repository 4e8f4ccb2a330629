package io.mailroom.api;

import io.mailroom.audience.AudienceAttributes;
import io.mailroom.audience.AudienceFilter;
import io.mailroom.audience.UserStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.http.ApiError;
import io.mailroom.subscription.ConsentCheck;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/audiences/estimate}: {@code {"audience": <filter>, "topic": "..."}} (both
 * optional: everyone, the default topic) answers {@code {"customers": N, "consenting": M,
 * "sample": [...]}} from {@link AudienceEstimates}, with {@code cached}, {@code scannedAt} and
 * {@code itemsRead} saying which scan the numbers come from.
 */
public final class AudienceRoutes {
  private static final Set<String> FIELDS = Set.of("audience", "topic");

  private final AudienceEstimates estimates;
  private final AudienceAttributes attributes;
  private final List<String> topics;
  private final String defaultTopic;

  public AudienceRoutes(MailroomConfig config, UserStore users, ConsentCheck consent) {
    this.estimates = new AudienceEstimates(users, consent, System::currentTimeMillis);
    this.attributes = attributes(config);
    this.topics = config.subscription().topics();
    this.defaultTopic = config.subscription().defaultTopic();
  }

  /** The attributes a filter may name: the standard ones and those {@code sync.columns.attributes} maps. */
  static AudienceAttributes attributes(MailroomConfig config) {
    return AudienceAttributes.withMapped(config.sync().columns().attributes().values());
  }

  void mount(Router router, RouteGuard guard, int bodyLimit) {
    router.post("/v1/audiences/estimate")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(RouteGuard::requireJson)
        .handler(guard::authenticate)
        .handler(this::estimate);
  }

  private void estimate(RoutingContext ctx) {
    JsonObject body = object(ctx.body().asString());
    for (String name : body.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw ApiError.badField(name, "unknown_field", "unknown field '" + name + "'; allowed: " + FIELDS);
      }
    }
    AudienceFilter audience = AudienceFilter.parse(body.getValue("audience"), "audience", attributes);
    Object topic = body.getValue("topic", defaultTopic);
    if (!(topic instanceof String) || !topics.contains(topic)) {
      throw ApiError.badField("topic", "unknown_topic", "topic must be one of " + topics);
    }
    estimates.estimate(audience, (String) topic)
        .onSuccess(answer -> Replies.json(ctx, 200, json(answer)))
        .onFailure(ctx::fail);
  }

  private static JsonObject json(AudienceEstimates.Answer answer) {
    AudienceEstimates.Estimate estimate = answer.estimate();
    return new JsonObject().put("customers", estimate.customers()).put("consenting", estimate.consenting())
        .put("sample", new JsonArray(estimate.sample())).put("cached", answer.cached())
        .put("scannedAt", Instant.ofEpochMilli(estimate.scannedAt()).toString())
        .put("itemsRead", estimate.itemsRead()).put("scanMillis", estimate.scanMillis());
  }

  private static JsonObject object(String body) {
    try {
      if (body != null && !body.isBlank()) {
        return new JsonObject(body);
      }
    } catch (DecodeException | ClassCastException e) {
      // refused below
    }
    throw new ApiError(400, "invalid_json", "the body must be a JSON object", null);
  }
}
