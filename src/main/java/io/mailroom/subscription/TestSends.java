package io.mailroom.subscription;

import io.mailroom.aws.OnceStore;
import io.vertx.core.Future;

/**
 * The test sends (and consent notices) a node made, as the SES events about them need them: each
 * email's SES message id and address, kept for {@value #KEEP_DAYS} days in the Seen table, so that a
 * bounce or complaint of a test email (tagged with campaign {@value #CAMPAIGN_ID} and no delivery of
 * ours) or of a notice is known as ours and suppresses the address like any other.
 */
public final class TestSends {
  /** The campaign a test send's email carries (its tag, its {@code CampaignId} field, its outbox folder). */
  public static final String CAMPAIGN_ID = "test";
  /** How the campaign of a consent notice starts: notices belong to no campaign either, and are kept alike. */
  public static final String NOTICE_PREFIX = "notice-";
  static final int KEEP_DAYS = 30;

  private final OnceStore seen;

  public TestSends(OnceStore seen) {
    this.seen = seen;
  }

  /** A test email went to {@code email} as SES message {@code messageId}. */
  public Future<Void> sent(String messageId, String email) {
    return seen.record(key(messageId, email), KEEP_DAYS * 86_400L);
  }

  /** Whether an email of {@code campaignId} is kept here (a test send or a consent notice), not a campaign's. */
  static boolean keptHere(String campaignId) {
    return CAMPAIGN_ID.equals(campaignId) || campaignId != null && campaignId.startsWith(NOTICE_PREFIX);
  }

  /** Whether a test send of this node's made SES message {@code messageId} to {@code email}. */
  Future<Boolean> madeBy(String messageId, String email) {
    return seen.seen(key(messageId, email));
  }

  private static String key(String messageId, String email) {
    return "test-send:" + messageId + ":" + email;
  }
}
