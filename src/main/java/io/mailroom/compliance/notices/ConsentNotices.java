package io.mailroom.compliance.notices;

import io.mailroom.aws.OnceStore;
import io.mailroom.aws.Tables;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.compliance.ComplianceSettings;
import io.mailroom.limit.SendGate;
import io.mailroom.render.Renderer;
import io.mailroom.render.UnsubscribeLinks;
import io.mailroom.send.Transport;
import io.mailroom.subscription.ConsentChanges;
import io.mailroom.subscription.ConsentCheck;
import io.mailroom.subscription.ConsentStore;
import io.mailroom.subscription.TestSends;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The consent notices the Korean rules ask for, on every node under {@code compliance.profile: kr}:
 * the two-year reconfirmation job ({@link Reconfirmations}, every {@code compliance.reconfirm.intervalSeconds})
 * and the sweep that confirms each consent change ({@link ChangeConfirmations}, every
 * {@code compliance.confirmSweepSeconds}). It puts the two notice templates in place at start when
 * they are absent. {@link #changes()} is what the UnsubscribeHandler records each change in.
 */
public final class ConsentNotices extends VerticleBase {
  private static final long FIRST_RUN_MILLIS = 60_000;
  private final ComplianceSettings.Notices settings;
  private final TemplateStore templates;
  private final ChangeConfirmations confirmations;
  private final Reconfirmations reconfirmations;
  private long sweepTimer = -1;
  private long reconfirmTimer = -1;

  /** The node's parts the notices use: its tables, templates, renderer and links, checks, transport and gate. */
  public record Wiring(DynamoDbAsyncClient dynamo, Tables tables, TemplateStore templates, Renderer renderer,
                       UnsubscribeLinks links, ConsentCheck consent, Transport transport, SendGate gate) { }

  public ConsentNotices(io.vertx.core.Vertx vertx, Wiring wiring, ComplianceSettings compliance) {
    this.settings = compliance.notices();
    this.templates = wiring.templates();
    NoticeStore store = new NoticeStore(wiring.dynamo(), wiring.tables().notices());
    NoticeComposer composer = new NoticeComposer(wiring.renderer(), wiring.links(), compliance.sender());
    OnceStore seen = new OnceStore(wiring.dynamo(), wiring.tables().seen());
    NoticeSender sender = new NoticeSender(wiring.transport(), wiring.gate(), new TestSends(seen));
    this.confirmations = new ChangeConfirmations(store, new ConsentStore(wiring.dynamo(), wiring.tables().users()),
        wiring.dynamo(), wiring.tables().suppressions(), composer, sender);
    this.reconfirmations = new Reconfirmations(vertx, new Reconfirmations.Reads(wiring.dynamo(), wiring.tables().users(),
        seen, wiring.consent()), store, composer, sender,
        new Reconfirmations.Settings(settings.reconfirmIntervalSeconds(), settings.reconfirmLeadDays()));
  }

  /** Where consent changes are recorded for their confirmation; records nothing when confirmations are off. */
  public ConsentChanges changes() {
    return settings.confirmChanges() ? confirmations : ConsentChanges.NONE;
  }

  /** Where the Syncer records the changes MySQL rows make: nothing unless {@code compliance.confirmSyncedChanges}. */
  public ConsentChanges syncedChanges() {
    return settings.confirmChanges() && settings.confirmSyncedChanges() ? confirmations : ConsentChanges.NONE;
  }

  @Override
  public Future<?> start() {
    return NoticeTemplates.ensure(templates).onSuccess(v -> {
      if (settings.confirmChanges()) {
        sweepTimer = vertx.setPeriodic(settings.confirmSweepSeconds() * 1000L, t -> confirmations.sweep());
      }
      if (settings.reconfirm()) {
        long every = settings.reconfirmIntervalSeconds() * 1000L;
        // the first run within a minute of start, so that nodes restarted more often than the interval still run it
        reconfirmTimer = vertx.setPeriodic(Math.min(every, FIRST_RUN_MILLIS), every, t -> reconfirmations.run());
      }
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(reconfirmTimer);
    return Future.succeededFuture();
  }
}
