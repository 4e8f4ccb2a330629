package io.mailroom.testing;

import io.mailroom.Mailroom;
import io.mailroom.audience.UserStore;
import io.mailroom.campaign.Template;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.FreePort;
import io.mailroom.subscription.UnsubscribeToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One Mailroom node for a test, the way the black-box tests set it up: a config of its own (tables
 * and queues under a unique prefix, on the shared local servers), started, with a template, an
 * audience and a client that signs its requests with the node's webhook secret.
 */
public final class TestNode implements AutoCloseable {
  /** The id of the template every node gets: "Hello {{ Name }}". */
  public static final String TEMPLATE_ID = "t";
  private static final long CAMPAIGN_DEADLINE_MILLIS = 180_000;

  private final Mailroom mailroom;
  private final SignedClient client;

  private TestNode(Mailroom mailroom) {
    this.mailroom = mailroom;
    this.client = new SignedClient(mailroom.httpPort(), mailroom.config().webhook().secrets().get(0));
  }

  /** A node whose tables and queues are named after {@code test}. */
  public static Builder named(String test) {
    return new Builder(test);
  }

  public static final class Builder {
    private final JsonObject json;
    private Template template = new Template(TEMPLATE_ID, "test", "Hello {{ Name }}", "<p>Hello {{ Name }}</p>", null,
        List.of());
    private final List<Function<Mailroom, Future<?>>> seeds = new ArrayList<>();
    private Clock clock = Clock.systemUTC();

    private Builder(String test) {
      json = LocalServices.configJson(LocalServices.uniquePrefix(test));
    }

    /** Changes the configuration (conf/local.json pointed at the local servers) before the node starts. */
    public Builder config(Consumer<JsonObject> edit) {
      edit.accept(json);
      return this;
    }

    /** A fixed free port, and unsubscribe links that point at it (tests that follow the links). */
    public Builder publicPort() {
      int port = FreePort.pick();
      json.getJsonObject("http").put("port", port);
      json.put("publicBaseUrl", "http://127.0.0.1:" + port);
      return this;
    }

    /**
     * SES events through {@code sns} (the route accepts its certificate): a configuration set, so
     * that a send with no answer waits {@code reconcileSeconds} for its Send event.
     */
    public Builder sesEvents(SnsPublisher sns, int reconcileSeconds) {
      sns.configure(json.getJsonObject("subscription").getJsonObject("sns"));
      json.getJsonObject("ses").put("configurationSet", "mailroom-test");
      json.getJsonObject("sender").put("reconcileSeconds", reconcileSeconds);
      return this;
    }

    /** The clock the node's quiet hours read (a {@link SettableClock} moves "now" in and out of them). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The template put as {@link #TEMPLATE_ID}'s place: another body, or other headers. */
    public Builder template(Template template) {
      this.template = template;
      return this;
    }

    /** {@code n} consenting customers, {@code email.apply(i)} named "Customer i". */
    public Builder customers(int n, IntFunction<String> email) {
      List<Map<String, AttributeValue>> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        items.add(Map.of("Email", AttributeValue.fromS(email.apply(i)), "Name", AttributeValue.fromS("Customer " + i),
            "SubscriptionStatus", AttributeValue.fromBool(true)));
      }
      return customers(items);
    }

    public Builder customers(List<Map<String, AttributeValue>> items) {
      return seed(node -> users(node).putAll(items));
    }

    /** Other data the node starts with (the demo's audience and template, the rate tests' audience). */
    public Builder seed(Function<Mailroom, Future<?>> seed) {
      seeds.add(seed);
      return this;
    }

    public TestNode start(Vertx vertx) throws Exception {
      Mailroom node = Mailroom.start(vertx, MailroomConfig.from(json), clock).await(60, TimeUnit.SECONDS);
      try {
        node.templates().put(template).await(30, TimeUnit.SECONDS);
        for (Function<Mailroom, Future<?>> seed : seeds) {
          seed.apply(node).await(120, TimeUnit.SECONDS);
        }
        return new TestNode(node);
      } catch (Exception | Error e) {
        node.close().await(30, TimeUnit.SECONDS);
        throw e;
      }
    }
  }

  public static UserStore users(Mailroom node) {
    return new UserStore(node.aws().dynamo(), node.tables().users());
  }

  /** The customer's Users item as stored now (a consistent read); empty when there is none. */
  public Map<String, AttributeValue> user(String email) {
    return item(mailroom.tables().users(), email);
  }

  /** The address's Suppressions item as stored now (a consistent read); empty when there is none. */
  public Map<String, AttributeValue> suppression(String email) {
    return item(mailroom.tables().suppressions(), email);
  }

  private Map<String, AttributeValue> item(String table, String email) {
    try {
      return mailroom.aws().dynamo().getItem(b -> b.tableName(table).consistentRead(true)
          .key(Map.of("Email", AttributeValue.fromS(email)))).get(10, TimeUnit.SECONDS).item();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public Mailroom mailroom() {
    return mailroom;
  }

  public SignedClient client() {
    return client;
  }

  public int port() {
    return mailroom.httpPort();
  }

  /** A client of the management port ({@code /metrics}, {@code /health/ready}); it signs as {@link #client()}. */
  public SignedClient management() {
    return new SignedClient(mailroom.managementPort(), mailroom.config().webhook().secrets().get(0));
  }

  /** Seals unsubscribe tokens as the node's emails carry them. */
  public UnsubscribeToken tokens() {
    return new UnsubscribeToken(mailroom.config().subscription().tokenSecrets());
  }

  /** Starts a campaign of {@link #TEMPLATE_ID} and returns its id; fails unless the webhook accepted it. */
  public String startCampaign() {
    return startCampaign("{\"templateId\":\"" + TEMPLATE_ID + "\"}");
  }

  public String startCampaign(String body) {
    SignedClient.Reply reply = client.post("/v1/campaigns", body);
    if (reply.status() != 202) {
      throw new AssertionError("the campaign was not accepted: " + reply.status() + " " + reply.body());
    }
    return reply.json().getString("campaignId");
  }

  /** The campaign's status once it left queued/running; fails if it is still going after three minutes. */
  public JsonObject awaitFinished(String campaignId) {
    return client.awaitFinished(campaignId, CAMPAIGN_DEADLINE_MILLIS);
  }

  @Override
  public void close() throws Exception {
    mailroom.close().await(60, TimeUnit.SECONDS);
  }
}
