package io.mailroom;

import io.mailroom.api.AudienceRoutes;
import io.mailroom.api.HttpApi;
import io.mailroom.api.ManagementServer;
import io.mailroom.api.PreviewRoutes;
import io.mailroom.api.Readiness;
import io.mailroom.api.ResultRoutes;
import io.mailroom.audit.AuditLog;
import io.mailroom.aws.OnceStore;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Resumer;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.SendingHold;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.DeadLetters;
import io.mailroom.results.CampaignReport;
import io.mailroom.results.DeliveryList;
import io.mailroom.results.ReputationGuard;
import io.mailroom.results.Resend;
import io.mailroom.delivery.Redeliveries;
import io.mailroom.subscription.SesEventRoute;
import io.mailroom.subscription.SuppressionEntries;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.subscription.TestSends;
import io.mailroom.subscription.SubscriptionRoutes;
import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.limit.SendLimits;
import io.mailroom.limit.SesEnforcement;
import io.mailroom.queue.SqsQueue;
import io.mailroom.render.EmailComposer;
import io.mailroom.render.RenderPool;
import io.mailroom.render.TemplateCheck;
import io.mailroom.send.TestRecipients;
import io.mailroom.send.TestSend;
import io.mailroom.send.Transport;
import io.mailroom.subscription.ConsentCheck;
import io.mailroom.console.ConsoleApi;
import io.mailroom.console.ConsoleRoutes;
import io.mailroom.console.ConsoleSection;
import io.mailroom.console.SignInPage;
import io.mailroom.console.authoring.AuthoringSection;
import io.mailroom.console.auth.SessionStore;
import io.mailroom.console.auth.SignInThrottle;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * A node's two HTTP servers: the public API ({@link HttpApi}, {@code http.*}) and the management
 * server ({@link ManagementServer}, {@code management.*}: metrics and readiness).
 */
record HttpServers(HttpApi api, ManagementServer management) {
  /** The console's sections that bring their own pages (see {@link ConsoleSection}). */
  private static final List<ConsoleSection> SECTIONS = List.of(new AuthoringSection());

  /** What a node has made before its servers: clients, tables, meters, limits, transport, dead letters, clock. */
  record Node(AwsClients aws, Tables tables, MailroomMetrics metrics, SendLimits limits, Transport transport,
              DeadLetters deadLetters, Clock clock) { }

  /** The campaign side the routes work with, shared with the Senders (so a preview is what a campaign sends). */
  record Sending(CampaignStore campaigns, SqsQueue queue, ConsentCheck consent, EmailComposer composer,
                 RenderPool renders, SendingHold hold) { }

  static HttpServers create(Vertx vertx, MailroomConfig config, Node node, Sending sending) {
    Tables tables = node.tables();
    DynamoDbAsyncClient dynamo = node.aws().dynamo();
    boolean ses = config.transport() == MailroomConfig.TransportKind.SES;
    Readiness readiness = new Readiness(vertx, node.aws(), tables.users(), sending.queue().url(), ses);
    node.limits().readinessChecks().forEach(readiness::with);
    if (ses) {
      readiness.withState("sesEnforcement", node.limits().enforcement()::status, SesEnforcement::maySend);
    }
    SubscriptionRoutes pages = new SubscriptionRoutes(vertx,
        SesEventRoute.create(vertx, config.subscription().sns(), dynamo, tables,
            new ReputationGuard(sending.campaigns(), config.reputation(), node.metrics(),
                new Resumer(vertx, sending.campaigns()))), brand(config.ses().fromAddress()),
        config.admission(), node.metrics());
    TemplateCheck check = new TemplateCheck(sending.renders());
    HttpApi api = new HttpApi(config, sending.campaigns(), new TemplateStore(dynamo, tables.templates()),
        new DeliveryQueries(dynamo, tables.deliveries()), node.deadLetters(), pages, new OnceStore(dynamo, tables.seen()),
        new AudienceRoutes(config, new UserStore(dynamo, tables.users()), sending.consent()),
        previews(vertx, config, node, sending, check), check)
        .withResults(new ResultRoutes(new CampaignReport(dynamo, tables.deliveries(), sending.campaigns()),
            new DeliveryList(dynamo, tables.deliveries()), resend(vertx, node, sending)))
        .withSendingHold(sending.hold())
        .withSuppressions(new SuppressionStore(dynamo, tables.suppressions()),
            new SuppressionEntries(dynamo, tables.suppressions()))
        .withAudit(new AuditLog(dynamo, tables.audit()));
    if (config.console().served()) {
      api.withConsole(v -> console(v, config, node, api).router());
    } else if (config.console().enabled()) {
      LoggerFactory.getLogger(HttpServers.class).info("the console is not served: console.users names no one");
    }
    return new HttpServers(api, new ManagementServer(config.http(), node.metrics(), readiness));
  }

  /** Resends of campaigns, through the same queue and Senders (the console uses it too). */
  static Resend resend(Vertx vertx, Node node, Sending sending) {
    return new Resend(sending.campaigns(), new Redeliveries(node.aws().dynamo(), node.tables().deliveries(),
        node.tables().campaigns()), new Resumer(vertx, sending.campaigns()));
  }

  /** The web console: sessions and sign-in delays in the Console table, every action through the API itself. */
  private static ConsoleRoutes console(Vertx vertx, MailroomConfig config, Node node, HttpApi api) {
    DynamoDbAsyncClient dynamo = node.aws().dynamo();
    String table = node.tables().console();
    SessionStore sessions = new SessionStore(dynamo, table, config.console(), node.clock());
    boolean secure = config.console().secure(config.http().host());
    ConsoleRoutes.Parts parts = new ConsoleRoutes.Parts(config.console(), sessions,
        new SignInPage(vertx, config.console(), new SignInThrottle(dynamo, table, node.clock()), sessions, secure),
        new ConsoleApi(vertx, api::port, config.webhook().secrets().get(0)), config.http().maxBodyBytes());
    return new ConsoleRoutes(vertx, parts, SECTIONS);
  }

  /** Previews and test sends, composed by the Senders' composer so that they are what a campaign sends. */
  private static PreviewRoutes previews(Vertx vertx, MailroomConfig config, Node node, Sending sending,
                                        TemplateCheck check) {
    DynamoDbAsyncClient dynamo = node.aws().dynamo();
    return new PreviewRoutes(config.subscription().topics(), new TemplateStore(dynamo, node.tables().templates()),
        sending.composer(),
        new TestRecipients(vertx, dynamo, node.tables().users(), sending.consent(), config.authoring().testRecipients(),
            config.subscription().defaultTopic()),
        new TestSend(sending.composer(), node.transport(), node.limits().gate(),
            new TestSends(new OnceStore(dynamo, node.tables().seen()))), check);
  }

  /** The sender's display name ("Mailroom Fashion" of "Mailroom Fashion <news@…>"), for the pages. */
  static String brand(String fromAddress) {
    int angle = fromAddress.indexOf('<');
    String name = angle > 0 ? fromAddress.substring(0, angle).trim().replace("\"", "") : "";
    return name.isEmpty() ? fromAddress.replaceAll("[<>]", "").trim() : name;
  }
}
