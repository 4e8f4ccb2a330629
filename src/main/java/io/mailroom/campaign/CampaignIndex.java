package io.mailroom.campaign;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The attributes a campaign item carries for the Campaigns table's indexes: {@code Listed} and
 * {@code ListKey} (the list, newest first), and, while it waits for its time, {@code ScheduledShard}
 * (the scheduler's sparse index by {@code SendAt}). Idempotency items carry none of them, so no
 * index ever shows one.
 */
public final class CampaignIndex {
  /** The one partition of the list index: every campaign is in it. */
  public static final String LISTED = "campaign";
  /** The one partition of the due index; the attribute goes when the campaign leaves {@code scheduled}. */
  public static final String SCHEDULED_SHARD = "s";
  /** What a list key looks like: 13 digits of created-at milliseconds, '#', the campaign id. */
  private static final Pattern LIST_KEY = Pattern.compile("[0-9]{13}#[A-Za-z0-9._-]{1,128}");

  private CampaignIndex() {
  }

  /** The campaign's item with its index attributes. */
  static Map<String, AttributeValue> item(Campaign campaign) {
    Map<String, AttributeValue> item = new HashMap<>(campaign.toItem());
    item.put("Listed", AttributeValue.fromS(LISTED));
    item.put("ListKey", AttributeValue.fromS(listKey(campaign.createdAt(), campaign.id())));
    if (campaign.status() == CampaignStatus.SCHEDULED) {
      item.put("ScheduledShard", AttributeValue.fromS(SCHEDULED_SHARD));
    }
    return item;
  }

  /**
   * Created-at zero-padded, then the id: sorted as text, newer campaigns come after older ones and
   * two made in the same millisecond are ordered by id.
   */
  static String listKey(long createdAt, String id) {
    return String.format("%013d#%s", createdAt, id);
  }

  /** True for a key {@link #listKey} could have made (a cursor's content is checked with this). */
  public static boolean isListKey(String key) {
    return key != null && LIST_KEY.matcher(key).matches();
  }

  /** The campaign id inside a list key. */
  static String idOf(String listKey) {
    return listKey.substring(listKey.indexOf('#') + 1);
  }
}
