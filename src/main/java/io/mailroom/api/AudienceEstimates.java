package io.mailroom.api;

import io.mailroom.audience.AudienceFilter;
import io.mailroom.audience.Recipient;
import io.mailroom.audience.UserStore;
import io.mailroom.subscription.ConsentCheck;
import io.mailroom.subscription.SuppressionList;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Audience estimates: how many customers a filter selects, how many of them a campaign on a topic
 * would reach (consent, suppression and a sendable address, checked by the Fetcher's own {@link
 * ConsentCheck}, against the Suppressions table read once), and a few of those addresses, masked.
 * Each is a full scan of the Users table,
 * page by page on the async client (eventually consistent: half the read units of the campaign's
 * scan), so answers are cached for {@value #TTL_MILLIS} ms under the canonical filter and topic,
 * at most {@value #MAX_ENTRIES} of them; callers asking for one while it is being scanned share
 * that scan.
 */
final class AudienceEstimates {
  static final long TTL_MILLIS = 30_000;
  static final int MAX_ENTRIES = 64;
  private static final int PAGE = 500;
  private static final int SAMPLE = 5;

  /** One scan's answer: {@code scannedAt} is when it ended, {@code itemsRead} the Users items it read. */
  record Estimate(long customers, long consenting, List<String> sample, long itemsRead, long scannedAt,
                  long scanMillis) { }

  /** An estimate and whether it came from the cache rather than a scan made for this call. */
  record Answer(Estimate estimate, boolean cached) { }

  private record Entry(Future<Estimate> scan) { }

  private final UserStore users;
  private final ConsentCheck consent;
  private final LongSupplier clock;
  private final Map<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  AudienceEstimates(UserStore users, ConsentCheck consent, LongSupplier clock) {
    this.users = users;
    this.consent = consent;
    this.clock = clock;
  }

  synchronized Future<Answer> estimate(AudienceFilter audience, String topic) {
    String key = topic + "\n" + audience;
    Entry entry = cache.get(key);
    if (entry != null && (!entry.scan().isComplete() || fresh(entry.scan()))) {
      return entry.scan().map(estimate -> new Answer(estimate, true));
    }
    Future<Estimate> scan = scan(audience, topic);
    cache.put(key, new Entry(scan));
    scan.onFailure(e -> forget(key, scan));
    return scan.map(estimate -> new Answer(estimate, false));
  }

  private boolean fresh(Future<Estimate> scan) {
    return scan.succeeded() && clock.getAsLong() - scan.result().scannedAt() < TTL_MILLIS;
  }

  private synchronized void forget(String key, Future<Estimate> scan) {
    cache.remove(key, new Entry(scan));
  }

  /** The suppressions are read once first (or, when there are too many to hold, per page of customers). */
  private Future<Estimate> scan(AudienceFilter audience, String topic) {
    Promise<Estimate> done = Promise.promise();
    long started = clock.getAsLong();
    consent.suppressions()
        .onFailure(done::tryFail)
        .onSuccess(list -> page(null, audience, topic, list.orElse(null), new Tally(started), done));
    return done.future();
  }

  /**
   * Reads and counts one page, then asks for the next from its callback: no future waits on the
   * rest of the scan, so a scan of a million customers holds no chain that grows with each page.
   */
  private void page(Map<String, AttributeValue> start, AudienceFilter audience, String topic,
                    SuppressionList suppressions, Tally tally, Promise<Estimate> done) {
    users.scan(start, PAGE, false)
        .compose(page -> {
          List<Recipient> selected = page.recipients(audience);
          Future<Map<String, String>> blocked = suppressions != null
              ? Future.succeededFuture(consent.blocked(selected, topic, suppressions))
              : consent.blocked(selected, topic);
          return blocked.map(found -> {
            tally.add(page.items().size(), selected, found);
            return page;
          });
        })
        .onFailure(done::tryFail)
        .onSuccess(page -> {
          if (page.last()) {
            done.tryComplete(tally.estimate(clock.getAsLong()));
          } else {
            page(page.lastKey(), audience, topic, suppressions, tally, done);
          }
        });
  }

  /** {@code j***@example.com}: the first character of the local part, three stars, the domain. */
  static String mask(String email) {
    int at = email.indexOf('@');
    return at < 1 ? "***" : email.charAt(0) + "***" + email.substring(at);
  }

  /** The counts of one scan so far. */
  private static final class Tally {
    private final long startedAt;
    private long read;
    private long customers;
    private long consenting;
    private final List<String> sample = new ArrayList<>();

    Tally(long startedAt) {
      this.startedAt = startedAt;
    }

    void add(int items, List<Recipient> selected, Map<String, String> blocked) {
      read += items;
      customers += selected.size();
      for (Recipient recipient : selected) {
        if (!blocked.containsKey(recipient.email())) {
          consenting++;
          if (sample.size() < SAMPLE) {
            sample.add(mask(recipient.email()));
          }
        }
      }
    }

    Estimate estimate(long now) {
      return new Estimate(customers, consenting, List.copyOf(sample), read, now, now - startedAt);
    }
  }
}
