package io.mailroom.bus;


/** Every event-bus address, in one place. Payloads are JSON objects. */
public final class Addresses {
  /** {@code {campaignId}}: the Fetcher starts (or resumes) scanning the audience. */
  public static final String CAMPAIGN_START = "mailroom.campaign.start";
  /**
   * {@code {campaignId, templateId, subject?, recipients:[…≤10]}} or {@code {campaignId, tasks:[…≤10]}}
   * (encoded send tasks, parked earlier): the Queuer puts them on SQS.
   */
  public static final String FETCHER_PAGE = "mailroom.fetcher.page";

  /** Published {@code {campaignId}} when a campaign is paused, resumed or cancelled on this node. */
  public static final String CAMPAIGN_CHANGED = "mailroom.campaign.changed";

  /** {@code {}}: the Syncer runs now (if this node holds its lease) and replies with the run's result. */
  public static final String SYNC_RUN = "mailroom.sync.run";
  /** {@code {}}: replies with the status of the last sync run. */
  public static final String SYNC_STATUS = "mailroom.sync.status";

  /**
   * Published locally {@code {email, subscribed, at}} when a customer's consent changed through
   * Mailroom; the Syncer writes it back to MySQL when {@code sync.writeBack} is on.
   */
  public static final String CONSENT_CHANGED = "mailroom.consent.changed";

  /** {@code {token}}: the UnsubscribeHandler replies with the customer's preferences. */
  public static final String SUBSCRIPTION_PREFERENCES = "mailroom.subscription.preferences";
  /**
   * {@code {token, action: unsubscribe|preferences, topics?, via}}: the UnsubscribeHandler changes
   * consent and replies with the preferences after the change.
   */
  public static final String SUBSCRIPTION_CHANGE = "mailroom.subscription.change";
  /**
   * {@code {kind: bounce|complaint, bounceType?, detail?, recipients:[…]}} from a verified SES
   * notification: the UnsubscribeHandler suppresses (or counts) the recipients.
   */
  public static final String SUBSCRIPTION_SES_EVENT = "mailroom.subscription.ses-event";

  private Addresses() {
  }
}
