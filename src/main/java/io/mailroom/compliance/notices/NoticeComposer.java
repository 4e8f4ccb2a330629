package io.mailroom.compliance.notices;

import io.mailroom.audience.Recipient;
import io.mailroom.compliance.ComplianceSettings;
import io.mailroom.render.RenderedEmail;
import io.mailroom.render.Renderer;
import io.mailroom.render.UnsubscribeLinks;
import io.mailroom.subscription.TestSends;
import io.vertx.core.Future;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the consent notices from their templates ({@link NoticeTemplates}) for one customer:
 * the sender's identity, the date in question (Korean time) and the customer's own unsubscribe link
 * ({@code UnsubscribeURL}, a campaign token that withdraws on the usual route). They are not
 * advertising: no {@code (광고)} and no advertising footer.
 */
final class NoticeComposer {
  /** The campaign a reconfirmation carries (its transport tag, its outbox folder). */
  static final String RECONFIRM_CAMPAIGN = TestSends.NOTICE_PREFIX + "reconfirm";
  /** The campaign a change confirmation carries. */
  static final String CHANGE_CAMPAIGN = TestSends.NOTICE_PREFIX + "change";
  static final ZoneId KOREA = ZoneId.of("Asia/Seoul");
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(KOREA);

  private final Renderer renderer;
  private final UnsubscribeLinks links;
  private final ComplianceSettings.SenderIdentity sender;

  NoticeComposer(Renderer renderer, UnsubscribeLinks links, ComplianceSettings.SenderIdentity sender) {
    this.renderer = renderer;
    this.links = links;
    this.sender = sender;
  }

  /** The reconfirmation of the consent {@code recipient} gave at {@code consentAt} (epoch millis). */
  Future<RenderedEmail> reconfirm(Recipient recipient, long consentAt) {
    Map<String, Object> fields = fields();
    fields.put("ConsentDate", date(consentAt));
    return compose(NoticeTemplates.RECONFIRM, RECONFIRM_CAMPAIGN, recipient, fields, true);
  }

  /** The confirmation that {@code recipient} consented ({@code subscribed}) or withdrew at {@code at}. */
  Future<RenderedEmail> change(Recipient recipient, boolean subscribed, long at) {
    Map<String, Object> fields = fields();
    fields.put("ChangeDate", date(at));
    fields.put("Subscribed", subscribed);
    return compose(NoticeTemplates.CHANGE, CHANGE_CAMPAIGN, recipient, fields, false);
  }

  static String date(long epochMillis) {
    return DATE.format(Instant.ofEpochMilli(epochMillis));
  }

  private Map<String, Object> fields() {
    Map<String, Object> fields = new HashMap<>();
    fields.put("SenderName", sender.name());
    fields.put("SenderEmail", sender.email());
    fields.put("SenderPhone", sender.phone());
    fields.put("SenderAddress", sender.address());
    return fields;
  }

  /** The unsubscribe headers go with the reconfirmation only: the one notice that offers to withdraw. */
  private Future<RenderedEmail> compose(String templateId, String campaignId, Recipient recipient,
                                        Map<String, Object> fields, boolean withHeaders) {
    UnsubscribeLinks.Link link = links.of(recipient.email(), campaignId);
    fields.put("UnsubscribeURL", link.url());
    List<RenderedEmail.Header> headers = withHeaders ? link.headers() : List.of();
    return renderer.template(templateId)
        .compose(template -> renderer.renderOffLoop(template, campaignId, null, recipient, fields, headers));
  }
}
