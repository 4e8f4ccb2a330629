package io.mailroom.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** Every event-bus address, in one place, with its message and reply types. */
public final class Channels {
  /** The Fetcher starts (or resumes) scanning the campaign's audience; replies whether it was not running here yet. */
  public static final Channel<CampaignRef, Boolean> CAMPAIGN_START =
      new Channel<>("mailroom.campaign.start", CampaignRef.class);

  /** Published when a campaign is paused, resumed or cancelled on this node: status caches forget it. */
  public static final Channel<CampaignRef, Void> CAMPAIGN_CHANGED =
      new Channel<>("mailroom.campaign.changed", CampaignRef.class);

  /** Up to 10 recipients (or parked send tasks) the Queuer puts on SQS; replies how many it queued. */
  public static final Channel<QueuePage, Integer> QUEUE_PAGE = new Channel<>("mailroom.queue.page", QueuePage.class);

  /** The Syncer runs now (if this node holds its lease) and replies with the run's result. */
  public static final Channel<Void, JsonObject> SYNC_RUN = new Channel<>("mailroom.sync.run", Void.class);

  /** Replies with the status of the last sync run. */
  public static final Channel<Void, JsonObject> SYNC_STATUS = new Channel<>("mailroom.sync.status", Void.class);

  /**
   * Published locally when a customer's consent changed through Mailroom; the Syncer writes it back
   * to MySQL when {@code sync.writeBack} is on.
   */
  public static final Channel<ConsentChange, Void> CONSENT_CHANGED =
      new Channel<>("mailroom.consent.changed", ConsentChange.class);

  /** An unsubscribe token: the UnsubscribeHandler replies with the customer's preferences (the page's view). */
  public static final Channel<String, JsonObject> SUBSCRIPTION_PREFERENCES =
      new Channel<>("mailroom.subscription.preferences", String.class);

  /** The UnsubscribeHandler changes consent and replies with the preferences after the change. */
  public static final Channel<SubscriptionChange, JsonObject> SUBSCRIPTION_CHANGE =
      new Channel<>("mailroom.subscription.change", SubscriptionChange.class);

  /** A verified bounce or complaint: the UnsubscribeHandler suppresses (or counts) its recipients. */
  public static final Channel<SesFeedback, JsonObject> SES_FEEDBACK =
      new Channel<>("mailroom.subscription.ses-feedback", SesFeedback.class);

  /** SES accepted an email (its Send event): a Sender records the delivery sent; replies whether it changed anything. */
  public static final Channel<SendConfirmation, Boolean> SEND_CONFIRMED =
      new Channel<>("mailroom.send.confirmed", SendConfirmation.class);

  private static final List<Class<?>> RECORDS = List.of(CampaignRef.class, QueuePage.class, ConsentChange.class,
      SubscriptionChange.class, SesFeedback.class, SendConfirmation.class);

  private Channels() {
  }

  /** Registers the message records' codec on {@code bus}; a second call (another node on the same Vert.x) is a no-op. */
  public static void install(EventBus bus) {
    RECORDS.forEach(type -> register(bus, type));
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // installed by an earlier node on this Vert.x instance
    }
  }
}
