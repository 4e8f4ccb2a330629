package io.mailroom;

import io.mailroom.api.HttpApi;
import io.mailroom.api.ManagementServer;
import io.mailroom.api.Readiness;
import io.mailroom.aws.OnceStore;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.DeadLetters;
import io.mailroom.subscription.SesEventRoute;
import io.mailroom.subscription.SubscriptionRoutes;
import io.vertx.core.Vertx;

/**
 * A node's two HTTP servers: the public API ({@link HttpApi}, {@code http.*}) and the management
 * server ({@link ManagementServer}, {@code management.*}: metrics and readiness).
 */
record HttpServers(HttpApi api, ManagementServer management) {

  /** The parts the servers need, made from a node's clients, tables and queue. */
  record Parts(CampaignStore campaigns, TemplateStore templates, DeliveryQueries deliveries, DeadLetters deadLetters,
               OnceStore once, Readiness readiness, SesEventRoute events) { }

  static HttpServers create(Vertx vertx, MailroomConfig config, MailroomMetrics metrics, Parts parts) {
    SubscriptionRoutes pages = new SubscriptionRoutes(vertx, parts.events(),
        brand(config.ses().fromAddress()), config.admission(), metrics);
    HttpApi api = new HttpApi(config, parts.campaigns(), parts.templates(), parts.deliveries(), parts.deadLetters(),
        pages, parts.once());
    return new HttpServers(api, new ManagementServer(config.http(), metrics, parts.readiness()));
  }

  /** The sender's display name ("Mailroom Fashion" of "Mailroom Fashion <news@…>"), for the pages. */
  static String brand(String fromAddress) {
    int angle = fromAddress.indexOf('<');
    String name = angle > 0 ? fromAddress.substring(0, angle).trim().replace("\"", "") : "";
    return name.isEmpty() ? fromAddress.replaceAll("[<>]", "").trim() : name;
  }
}
