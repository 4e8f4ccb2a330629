package io.mailroom.sync;

import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.config.MailroomConfig;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.subscription.ConsentChanges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Keeps the Users table in step with the company's MySQL customer table. Every
 * {@code sync.intervalSeconds} the node holding the lease reads the rows changed since the
 * watermark, chunk by chunk, writes each chunk, and only then moves the watermark. The first run
 * is the initial load. A failed run backs off and leaves the watermark where the last written
 * chunk put it.
 *
 * <p>Late commits: a row whose transaction committed after the last run read past its
 * {@code updated_at} lies below the watermark. It was still uncommitted when that run began
 * reading, so, as long as transactions commit within {@code sync.lookBackSeconds} of stamping
 * {@code updated_at}, it is at most that much older than the moment the run began (MySQL's clock,
 * kept with the watermark). A run therefore starts at that moment less the look-back when this is
 * before the watermark, and at the watermark otherwise. It reads again only rows changed within
 * the look-back of the last read, never the rows within the look-back of the newest change: a
 * bulk change or a load stamped with one time would otherwise be read on every run until
 * something newer changed.
 */
public final class Syncer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Syncer.class);
  private static final long MAX_BACKOFF_MILLIS = 10 * 60 * 1000;

  private final MailroomConfig.Sync settings;
  private final MailroomMetrics metrics;
  private final DynamoDbAsyncClient dynamo;
  private final String usersTable;
  private final String stateTable;
  private final ConsentChanges changes;
  private final String owner = UUID.randomUUID().toString();
  private MySqlSource source;
  private SyncState state;
  private AudienceWriter writer;
  private boolean running;
  private int failures;
  private long notBefore;
  private long timer;

  public Syncer(MailroomConfig.Sync settings, DynamoDbAsyncClient dynamo, String usersTable, String stateTable,
                MailroomMetrics metrics) {
    this(settings, dynamo, usersTable, stateTable, metrics, ConsentChanges.NONE);
  }

  /** As above; the consent changes the rows make to known customers are recorded in {@code changes}. */
  public Syncer(MailroomConfig.Sync settings, DynamoDbAsyncClient dynamo, String usersTable, String stateTable,
                MailroomMetrics metrics, ConsentChanges changes) {
    this.changes = changes;
    this.metrics = metrics;
    this.settings = settings;
    this.dynamo = dynamo;
    this.usersTable = usersTable;
    this.stateTable = stateTable;
  }

  @Override
  public Future<?> start() {
    source = new MySqlSource(vertx, settings);
    state = new SyncState(dynamo, stateTable);
    writer = new AudienceWriter(vertx, dynamo, usersTable, changes);
    timer = vertx.setPeriodic(1000, settings.intervalSeconds() * 1000L, t -> scheduled());
    Channels.SYNC_STATUS.consumer(vertx.eventBus(), m -> state.status()
        .onSuccess(m::reply).onFailure(e -> m.fail(503, e.getMessage())));
    if (settings.writeBack()) {
      Channels.CONSENT_CHANGED.localConsumer(vertx.eventBus(), this::writeBack);
    }
    return Channels.SYNC_RUN.consumer(vertx.eventBus(), this::onRun).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    source.close();
    return Future.succeededFuture();
  }

  /**
   * A consent change made through Mailroom goes back to the customer table, so that MySQL agrees;
   * if it fails, Mailroom's own record still holds (the Syncer never undoes it with an older row).
   */
  private void writeBack(Message<ConsentChange> message) {
    ConsentChange change = message.body();
    LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(change.at()), ZoneOffset.UTC);
    source.writeConsent(change.email(), change.subscribed(), at)
        .onSuccess(v -> LOG.info("consent change written back to MySQL"))
        .onFailure(e -> LOG.warn("consent change not written back to MySQL: {}", e.toString()));
  }

  private void scheduled() {
    if (System.currentTimeMillis() >= notBefore) {
      run().onFailure(e -> { });
    }
  }

  /** A run on request (operators, tests): replies with the run's result, or fails with the reason. */
  private void onRun(Message<Void> message) {
    run().onSuccess(message::reply).onFailure(e -> message.fail(503, e.getMessage()));
  }

  Future<JsonObject> run() {
    if (running) {
      return Future.succeededFuture(new JsonObject().put("state", "already_running"));
    }
    running = true;
    long started = System.currentTimeMillis();
    Tally tally = new Tally();
    return state.lease(owner, settings.leaseSeconds() * 1000L)
        .compose(leader -> {
          if (!leader) {
            return Future.succeededFuture(new JsonObject().put("state", "not_leader"));
          }
          return state.watermark().compose(mark -> source.now().compose(readAt -> {
                tally.floor = mark;
                tally.readAt = readAt;
                SyncState.Watermark from = from(mark);
                return chunks(from.updatedAt(), from.id(), tally);
              }))
              .compose(complete -> complete && !tally.moved ? state.saveWatermark(tally.floor.readAt(tally.readAt))
                  : Future.succeededFuture())
              .compose(v -> finished(started, tally, null));
        })
        .recover(e -> {
          failures++;
          long backoff = Math.min(MAX_BACKOFF_MILLIS, settings.intervalSeconds() * 1000L << Math.min(failures, 10));
          notBefore = System.currentTimeMillis() + backoff;
          LOG.warn("sync failed after {} rows ({}); watermark kept, next try in {} s", tally.rows, e.toString(),
              backoff / 1000);
          return finished(started, tally, e.toString()).compose(x -> Future.failedFuture(e));
        })
        .onSuccess(v -> failures = 0)
        .eventually(() -> {
          running = false;
          return Future.succeededFuture();
        });
  }

  /**
   * Where a run starts: the watermark, or the look-back before the last run began reading when
   * that is earlier (from id 0: every row of that second is read again).
   */
  private SyncState.Watermark from(SyncState.Watermark mark) {
    if (settings.lookBackSeconds() == 0) {
      return mark;
    }
    LocalDateTime back = mark.readAt().minusSeconds(settings.lookBackSeconds());
    SyncState.Watermark lookBack = new SyncState.Watermark(back.isBefore(SyncState.EPOCH) ? SyncState.EPOCH : back, 0,
        mark.readAt());
    return lookBack.before(mark) ? lookBack : mark;
  }

  /**
   * Reads and writes chunk after chunk; true when the run read to the end of the table, false
   * when it stopped because another node took the lease.
   */
  private Future<Boolean> chunks(LocalDateTime updatedAt, long id, Tally tally) {
    return source.after(updatedAt, id).compose(chunk -> {
      if (chunk.isEmpty()) {
        return Future.succeededFuture(true);
      }
      List<CustomerRow> valid = chunk.stream().filter(row -> tally.accept(row)).toList();
      CustomerRow last = chunk.get(chunk.size() - 1);
      return writer.write(valid)
          .compose(outcome -> {
            tally.add(outcome, last);
            SyncState.Watermark next = new SyncState.Watermark(last.updatedAt(), last.id(), tally.readAt);
            if (!tally.floor.before(next)) {
              return Future.succeededFuture();
            }
            tally.moved = true;
            return state.saveWatermark(next);
          })
          .compose(v -> state.lease(owner, settings.leaseSeconds() * 1000L))
          .compose(stillLeader -> !stillLeader ? Future.succeededFuture(false)
              : chunk.size() < settings.chunkSize() ? Future.succeededFuture(true)
              : chunks(last.updatedAt(), last.id(), tally));
    });
  }

  private Future<JsonObject> finished(long started, Tally tally, String error) {
    long now = System.currentTimeMillis();
    JsonObject status = new JsonObject()
        .put("state", error == null ? "ok" : "failed")
        .put("lastRunStartedAt", Instant.ofEpochMilli(started).toString())
        .put("lastRunMillis", now - started)
        .put("rowsRead", tally.rows)
        .put("rowsReadAgain", tally.again)
        .put("rowsWritten", tally.written)
        .put("rowsDeleted", tally.deleted)
        .put("unsubscribesKept", tally.keptUnsubscribed)
        .put("skipped", new JsonObject(new TreeMap<>(tally.skipped)));
    if (tally.newest != null) {
      long lag = Duration.between(tally.newest.toInstant(ZoneOffset.UTC), Instant.ofEpochMilli(now)).toSeconds();
      status.put("lagSeconds", lag);
      metrics.syncLag(lag);
    }
    if (error != null) {
      status.put("error", error);
    }
    if (tally.rows > 0 || error != null) {
      LOG.info("sync {}: {} rows read ({} again by the look-back), {} written, {} deleted, skipped {}",
          status.getString("state"), tally.rows, tally.again, tally.written, tally.deleted, tally.skipped);
    }
    return state.saveStatus(status).map(status).recover(e -> Future.succeededFuture(status));
  }

  /** Counts of one run; skipped rows are counted by reason and never logged by address. */
  private static final class Tally {
    final java.util.Map<String, Integer> skipped = new java.util.HashMap<>();
    int rows;
    int again;
    int written;
    int deleted;
    int keptUnsubscribed;
    LocalDateTime newest;
    /** The watermark the run started from, and MySQL's clock when it began reading. */
    SyncState.Watermark floor;
    LocalDateTime readAt;
    /** Whether a chunk moved the watermark past {@code floor}. */
    boolean moved;

    boolean accept(CustomerRow row) {
      rows++;
      if (!floor.before(new SyncState.Watermark(row.updatedAt(), row.id(), readAt))) {
        again++; // at or below the watermark: read again by the look-back
      }
      String problem = row.problem();
      if (problem != null) {
        skipped.merge(problem, 1, Integer::sum);
        LOG.debug("customer row {} skipped: {}", row.id(), problem);
        return false;
      }
      return true;
    }

    void add(AudienceWriter.Outcome outcome, CustomerRow last) {
      written += outcome.written();
      deleted += outcome.deleted();
      keptUnsubscribed += outcome.keptUnsubscribed();
      newest = last.updatedAt();
    }
  }
}
