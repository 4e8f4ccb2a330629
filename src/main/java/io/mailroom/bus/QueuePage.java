package io.mailroom.bus;

import io.mailroom.audience.Recipient;
import io.mailroom.compliance.CampaignKind;

import java.util.List;
import java.util.Objects;

/**
 * What the Queuer puts on SQS in one SendMessageBatch: recipients of a campaign (the Fetcher's
 * page, as send tasks of {@code templateId} at {@code templateVersion}, {@code subject} and {@code topic}), or send tasks
 * encoded earlier and parked while the campaign was paused. At most {@link #MAX} in all.
 */
public record QueuePage(String campaignId, String templateId, String subject, String topic,
                        List<Recipient> recipients, List<String> parkedTasks, long templateVersion, CampaignKind kind) {
  /** SendMessageBatch's limit. */
  public static final int MAX = 10;

  public QueuePage {
    Objects.requireNonNull(campaignId, "campaignId");
    recipients = List.copyOf(recipients);
    parkedTasks = List.copyOf(parkedTasks);
    if (recipients.size() + parkedTasks.size() > MAX) {
      throw new IllegalArgumentException("a page holds at most " + MAX + " recipients or tasks");
    }
    if (!recipients.isEmpty() && templateId == null) {
      throw new IllegalArgumentException("recipients need a templateId");
    }
  }

  public static QueuePage of(String campaignId, String templateId, String subject, String topic,
                             List<Recipient> recipients) {
    return of(campaignId, templateId, 0, subject, topic, recipients);
  }

  public static QueuePage of(String campaignId, String templateId, long templateVersion, String subject, String topic,
                             List<Recipient> recipients) {
    return of(campaignId, templateId, templateVersion, subject, topic, recipients, CampaignKind.ADVERTISING);
  }

  /** A page of a campaign of {@code kind}, which its send tasks carry. */
  public static QueuePage of(String campaignId, String templateId, long templateVersion, String subject, String topic,
                             List<Recipient> recipients, CampaignKind kind) {
    return new QueuePage(campaignId, templateId, subject, topic, recipients, List.of(), templateVersion, kind);
  }

  public static QueuePage parked(String campaignId, List<String> tasks) {
    return new QueuePage(campaignId, null, null, null, List.of(), tasks, 0, CampaignKind.ADVERTISING);
  }

  public int size() {
    return recipients.size() + parkedTasks.size();
  }
}
