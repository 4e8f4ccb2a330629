package io.mailroom;

import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.bus.Channels;
import io.mailroom.campaign.CampaignCounters;
import io.mailroom.campaign.CampaignRecovery;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.campaign.Fetcher;
import io.mailroom.campaign.Resumer;
import io.mailroom.campaign.Scheduler;
import io.mailroom.campaign.StatusCache;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.notices.ConsentNotices;
import io.mailroom.compliance.SendingHold;
import io.mailroom.config.MailroomConfig;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.delivery.DeliveryStore;
import io.mailroom.limit.SendLimits;
import io.mailroom.local.DemoData;
import io.mailroom.local.EmbeddedServers;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.queue.DeadLetters;
import io.mailroom.queue.Queuer;
import io.mailroom.queue.SqsQueue;
import io.mailroom.render.EmailComposer;
import io.mailroom.render.RenderPool;
import io.mailroom.render.Renderer;
import io.mailroom.render.UnsubscribeLinks;
import io.mailroom.send.OutboxTransport;
import io.mailroom.send.RetryPolicy;
import io.mailroom.send.Sender;
import io.mailroom.send.SesTransport;
import io.mailroom.send.Transport;
import io.mailroom.subscription.ConsentChanges;
import io.mailroom.subscription.ConsentCheck;
import io.mailroom.subscription.ConsentStore;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.subscription.UnsubscribeHandler;
import io.mailroom.results.EnforcementPause;
import io.mailroom.results.EnforcementRecord;
import io.mailroom.results.EventRecorder;
import io.mailroom.results.ResultListener;
import io.mailroom.subscription.UnsubscribeToken;
import io.mailroom.sync.Syncer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One running node: the embedded servers it was configured to start, its AWS clients, its
 * tables and queue, and its verticles. {@link #close()} undeploys and stops them in order.
 */
public final class Mailroom {
  private static final Logger LOG = LoggerFactory.getLogger(Mailroom.class);

  private final Vertx vertx;
  private final MailroomConfig config;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private final List<String> senderDeployments = new ArrayList<>();
  private AwsClients aws;
  private Tables tables;
  private HttpServers servers;
  private Transport transport;
  private io.vertx.core.eventbus.MessageConsumer<?> changes;
  private DeadLetters deadLetters;
  private MailroomMetrics metrics;
  private long queueGauge = -1;
  private SendLimits limits;
  private final SendingHold hold;
  private final Clock clock;

  private Mailroom(Vertx vertx, MailroomConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.hold = new SendingHold(config.compliance().quietHours(), clock);
    Channels.install(vertx.eventBus());
  }

  public static Future<Mailroom> start(Vertx vertx, MailroomConfig config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /** A node whose quiet hours and console sessions read {@code clock} (a test's own), not the system clock. */
  public static Future<Mailroom> start(Vertx vertx, MailroomConfig config, Clock clock) {
    Mailroom node = new Mailroom(vertx, config, clock);
    return node.startEmbedded()
        .compose(endpoints -> node.connect(endpoints))
        .compose(queue -> node.deploy(queue))
        .map(node)
        .recover(e -> node.close().transform(x -> Future.failedFuture(e)));
  }

  /** The embedded servers the config asks for, started off the event loop; each is closed with the node. */
  private Future<EmbeddedServers> startEmbedded() {
    return vertx.executeBlocking(() -> EmbeddedServers.start(config, closeables));
  }

  private Future<SqsQueue> connect(EmbeddedServers endpoints) {
    aws = new AwsClients(config.aws(), endpoints.dynamoEndpoint(), endpoints.sqsEndpoint(), config.ses().endpoint(),
        config.ses().region(), config.ses().timeoutMillis());
    closeables.add(0, aws);
    tables = Tables.withPrefix(config.dynamodb().tablePrefix());
    Future<Void> ready = config.dynamodb().createTables() ? tables.create(aws.dynamo()) : Future.succeededFuture();
    MailroomConfig.Sqs sqs = config.sqs();
    return ready.compose(v -> SqsQueue.open(aws.sqs(), sqs.createQueues(), sqs.queueName(),
            sqs.deadLetterQueueName(), sqs.visibilityTimeoutSeconds(), sqs.maxReceives()))
        .compose(queue -> SqsQueue.existing(aws.sqs(), sqs.deadLetterQueueName())
            .onSuccess(dlq -> deadLetters = new DeadLetters(dlq, queue)).map(queue))
        .compose(queue -> config.demo().seed()
            ? DemoData.seed(users(), templates(), config.demo().customers()).map(queue)
            : Future.succeededFuture(queue));
  }

  /** Makes the node's parts and deploys its verticles, each from a factory of its own. */
  private Future<Void> deploy(SqsQueue queue) {
    metrics = MailroomMetrics.forVertx();
    CampaignStore campaigns = campaigns();
    ConsentCheck consent = new ConsentCheck(vertx, aws.dynamo(), tables.users(), tables.suppressions());
    UnsubscribeToken tokens = new UnsubscribeToken(config.subscription().tokenSecrets());
    transport = newTransport();
    limits = SendLimits.create(vertx, config, sesTransport() ? aws.ses() : null,
        new Resumer(vertx, campaigns)::resumeQuotaStopped, metrics);
    limits.enforcement().onChange(new EnforcementPause(campaigns, new Resumer(vertx, campaigns), config.reputation(),
        metrics, new EnforcementRecord(aws.dynamo(), tables.seen()))::changed);
    watchQueueDepth(queue);
    RenderPool renders = RenderPool.shared(vertx);
    closeables.add(renders::close);
    Renderer renderer = new Renderer(templates(), config.templateCacheSeconds(), config.ses().fromAddress(), renders);
    UnsubscribeLinks links = new UnsubscribeLinks(tokens, config.publicBaseUrl(), config.subscription().mailto());
    EmailComposer composer = new EmailComposer(renderer, links, config.compliance());
    ConsentNotices notices = !config.compliance().notices().any() ? null : new ConsentNotices(vertx,
        new ConsentNotices.Wiring(aws.dynamo(), tables, templates(), renderer, links, consent, transport, limits.gate()),
        config.compliance());
    servers = HttpServers.create(vertx, config, new HttpServers.Node(aws, tables, metrics, limits, transport, deadLetters,
        clock), new HttpServers.Sending(campaigns, queue, consent, composer, renders, hold));
    Supplier<Sender> senders = senders(queue, campaigns, consent, composer);
    return deploy(unsubscribeHandler(tokens, notices == null ? ConsentChanges.NONE : notices.changes()))
        .compose(v -> deploy(servers.api()))
        .compose(v -> deploy(servers.management()))
        .compose(v -> deploy(fetcher(campaigns, consent)))
        .compose(v -> deploy(new Scheduler(campaigns, config.fetcher().scheduleCheckSeconds(), metrics, hold)))
        .compose(v -> deploy(new Queuer(queue)))
        .compose(v -> limits.deploy(vertx).onSuccess(deployments::addAll))
        .compose(v -> deploySenders(senders))
        .compose(v -> config.sync().enabled() ? deploy(syncer(notices)) : Future.succeededFuture())
        .compose(v -> notices == null ? Future.succeededFuture() : deploy(notices))
        .onSuccess(v -> LOG.info("Mailroom listening on http://{}:{}, management on http://{}:{} ({} senders,"
            + " transport {}, {})", config.http().host(), httpPort(), config.http().management().host(),
            managementPort(), config.sender().instances(), transport.name(), limits.describe()))
        .mapEmpty();
  }

  private boolean sesTransport() {
    return config.transport() == MailroomConfig.TransportKind.SES;
  }

  private Transport newTransport() {
    return sesTransport() ? new SesTransport(aws.ses(), config.ses().configurationSet())
        : new OutboxTransport(vertx, Path.of(config.outboxDir()));
  }

  private void watchQueueDepth(SqsQueue queue) {
    queueGauge = vertx.setPeriodic(0, 10_000, t -> queue.depth().compose(depth -> deadLetters.depth()
        .onSuccess(dead -> metrics.queue(depth, dead))).onFailure(e -> LOG.debug("queue depth: {}", e.toString())));
  }

  private UnsubscribeHandler unsubscribeHandler(UnsubscribeToken tokens, ConsentChanges changes) {
    return new UnsubscribeHandler(tokens, new ConsentStore(aws.dynamo(), tables.users()),
        new SuppressionStore(aws.dynamo(), tables.suppressions()), config.subscription().topics(), metrics,
        new UnsubscribeHandler.Timing(config.admission().topicsBudgetMillis(), config.admission().sweepSeconds()),
        changes)
        .countingIn(new EventRecorder(aws.dynamo(), tables.deliveries(), tables.campaigns(), ResultListener.NONE)::unsubscribed);
  }

  private Fetcher fetcher(CampaignStore campaigns, ConsentCheck consent) {
    CampaignRecovery recovery = new CampaignRecovery(campaigns,
        new DeliveryQueries(aws.dynamo(), tables.deliveries()), config.fetcher().staleSeconds() * 1000L, hold);
    return new Fetcher(users(), campaigns, recovery, config.fetcher(), consent, config.subscription().defaultTopic(),
        metrics);
  }

  /**
   * The Sender pool's shared parts (one status cache, kept fresh by {@code CAMPAIGN_CHANGED}, and
   * one set of counters), and a factory of its members.
   */
  private Supplier<Sender> senders(SqsQueue queue, CampaignStore campaigns, ConsentCheck consent, EmailComposer composer) {
    StatusCache states = new StatusCache(campaigns);
    changes = Channels.CAMPAIGN_CHANGED.localConsumer(vertx.eventBus(), m -> states.forget(m.body().campaignId()));
    Sender.Campaigns campaignSide = new Sender.Campaigns(campaigns, states, new CampaignCounters(campaigns, metrics));
    DeliveryStore deliveries = new DeliveryStore(aws.dynamo(), tables.deliveries(), tables.campaigns());
    Sender.Outbound outbound = new Sender.Outbound(transport, limits.gate(),
        new RetryPolicy(config.sender().maxAttempts(), config.sender().retryBaseMillis()), hold);
    return () -> new Sender(queue, deliveries, campaignSide, composer, outbound, consent, metrics,
        Sender.Settings.of(config));
  }

  private Syncer syncer(ConsentNotices notices) {
    return new Syncer(config.sync(), aws.dynamo(), tables.users(), tables.syncState(), metrics,
        notices == null ? ConsentChanges.NONE : notices.syncedChanges());
  }

  private Future<Void> deploySenders(Supplier<Sender> senders) {
    return Future.all(IntStream.range(0, config.sender().instances())
        .mapToObj(i -> vertx.deployVerticle(senders.get(), new DeploymentOptions()).onSuccess(id -> {
          deployments.add(id);
          senderDeployments.add(id);
        })).toList()).mapEmpty();
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions()).onSuccess(deployments::add).mapEmpty();
  }

  public int httpPort() {
    return servers.api().port();
  }

  /** The API's routes and the management server's, as {@code "METHOD /path"}. */
  public List<String> routes() {
    return Stream.concat(servers.api().routes().stream(), servers.management().routes().stream()).toList();
  }

  /** The port of {@code /metrics} and {@code /health/ready} (useful when configured as 0). */
  public int managementPort() {
    return servers.management().port();
  }

  public MailroomConfig config() {
    return config;
  }

  public Tables tables() {
    return tables;
  }

  public AwsClients aws() {
    return aws;
  }

  public Transport transport() {
    return transport;
  }

  public UserStore users() {
    return new UserStore(aws.dynamo(), tables.users());
  }

  public TemplateStore templates() {
    return new TemplateStore(aws.dynamo(), tables.templates());
  }

  public CampaignStore campaigns() {
    return new CampaignStore(aws.dynamo(), tables.campaigns());
  }

  /**
   * Stops every Sender at once (each finishes the messages it holds), then the other verticles,
   * then closes the clients and the embedded servers.
   */
  public Future<Void> close() {
    List<String> senders = new ArrayList<>(senderDeployments);
    List<String> others = new ArrayList<>(deployments);
    others.removeAll(senders);
    deployments.clear();
    senderDeployments.clear();
    java.util.Collections.reverse(others);
    vertx.cancelTimer(queueGauge);
    Future<Void> undeployed = changes == null ? Future.succeededFuture() : changes.unregister();
    undeployed = undeployed.eventually(() -> Future.join(senders.stream().map(vertx::undeploy).toList()).mapEmpty());
    for (String id : others) {
      undeployed = undeployed.eventually(() -> vertx.undeploy(id));
    }
    undeployed = undeployed.eventually(() -> limits == null ? Future.succeededFuture() : limits.close());
    return undeployed.eventually(() -> vertx.executeBlocking(() -> {
      for (AutoCloseable closeable : closeables) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("closing {}: {}", closeable.getClass().getSimpleName(), e.toString());
        }
      }
      closeables.clear();
      return null;
    })).mapEmpty();
  }
}
