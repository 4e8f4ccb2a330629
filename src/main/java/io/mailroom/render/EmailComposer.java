package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.mailroom.compliance.CampaignKind;
import io.mailroom.compliance.ComplianceSettings;
import io.mailroom.compliance.LegalFooter;
import io.mailroom.subscription.TestSends;
import io.vertx.core.Future;

import java.util.Map;

/**
 * One campaign's email to one recipient, ready for a transport: the template rendered for the
 * recipient, with their personal unsubscribe link in the body and the {@code List-Unsubscribe}
 * headers. Previews and test sends are composed the same way ({@link #preview}), with a preview
 * token in the link, so that a preview is exactly what a campaign sends.
 */
public final class EmailComposer {
  private final Renderer renderer;
  private final UnsubscribeLinks links;
  private final ComplianceSettings compliance;
  private final LegalFooter footer;

  /** A composer that adds no advertising mark or footer (profile {@code none}). */
  public EmailComposer(Renderer renderer, UnsubscribeLinks links) {
    this(renderer, links, ComplianceSettings.none());
  }

  /** A composer that marks advertising emails as {@code compliance} requires. */
  public EmailComposer(Renderer renderer, UnsubscribeLinks links, ComplianceSettings compliance) {
    this.renderer = renderer;
    this.links = links;
    this.compliance = compliance;
    this.footer = new LegalFooter(compliance.sender());
  }

  /**
   * What a template is composed for besides a campaign; {@code campaignId} is what the email carries
   * as its campaign (its {@code CampaignId} field, the transport's campaign tag, the outbox folder).
   */
  public enum Trial {
    PREVIEW("preview"), TEST_SEND(TestSends.CAMPAIGN_ID);

    private final String campaignId;

    Trial(String campaignId) {
      this.campaignId = campaignId;
    }

    public String campaignId() {
      return campaignId;
    }
  }

  /** Fails with {@link Renderer.TemplateException} when the template is missing or does not render. */
  public Future<RenderedEmail> compose(String campaignId, String templateId, String subjectOverride, Recipient recipient) {
    return compose(campaignId, templateId, 0, subjectOverride, recipient);
  }

  /** The email of version {@code templateVersion} of the template (0: its newest), rendered off the event loop. */
  public Future<RenderedEmail> compose(String campaignId, String templateId, long templateVersion, String subjectOverride,
                                       Recipient recipient) {
    return compose(campaignId, templateId, templateVersion, subjectOverride, recipient, CampaignKind.ADVERTISING);
  }

  /** As above, for a campaign of {@code kind}: a notice carries no advertising mark or footer. */
  public Future<RenderedEmail> compose(String campaignId, String templateId, long templateVersion, String subjectOverride,
                                       Recipient recipient, CampaignKind kind) {
    UnsubscribeLinks.Link link = links.of(recipient.email(), campaignId);
    return renderer.template(templateId, templateVersion).compose(template -> outgoing(template, campaignId,
        subjectOverride, recipient, link, false, compliance.marks(kind)));
  }

  /**
   * The email an advertising campaign of {@code templateId} would send {@code recipient}, for a
   * preview or a test send: the same rendering, with a preview token in its unsubscribe link, and
   * {@code "[TEST] "} in the subject of a test send.
   */
  public Future<RenderedEmail> preview(Trial trial, String templateId, long templateVersion, String subjectOverride,
                                       Recipient recipient) {
    return preview(trial, templateId, templateVersion, subjectOverride, recipient, CampaignKind.ADVERTISING);
  }

  /** As above, as a campaign of {@code kind} would send it: a notice without the advertising mark or footer. */
  public Future<RenderedEmail> preview(Trial trial, String templateId, long templateVersion, String subjectOverride,
                                       Recipient recipient, CampaignKind kind) {
    UnsubscribeLinks.Link link = links.preview(recipient.email());
    return renderer.template(templateId, templateVersion).compose(template -> outgoing(template, trial.campaignId(), subjectOverride,
        recipient, link, trial == Trial.TEST_SEND, compliance.marks(kind)));
  }

  /** As {@link #preview}, of {@code draft}, a template as it is being edited (not saved). */
  public Future<RenderedEmail> previewDraft(Template draft, String subjectOverride, Recipient recipient,
                                            CampaignKind kind) {
    UnsubscribeLinks.Link link = links.preview(recipient.email());
    return renderer.compileOffLoop(draft).compose(template -> outgoing(template, Trial.PREVIEW.campaignId(),
        subjectOverride, recipient, link, false, compliance.marks(kind)));
  }

  /**
   * Every email passes here, a campaign's, a preview or a test send: the one place where what
   * the law adds to an advertising email is added to all of them: the subject prefix, through
   * {@link SubjectLine}, and the {@link LegalFooter} at the end of both bodies, whose opt-out is
   * then the only one Mailroom adds. Rendering runs off the event loop.
   */
  private Future<RenderedEmail> outgoing(Renderer.Compiled template, String campaignId, String subjectOverride,
                                         Recipient recipient, UnsubscribeLinks.Link link, boolean test,
                                         boolean advertising) {
    return renderer.renderOffLoop(template, campaignId, subjectOverride, recipient,
        Map.of("UnsubscribeURL", link.url(), Renderer.LEGAL_FOOTER_FIELD, advertising), link.headers()).map(email -> {
          String subject = SubjectLine.of(email.subject(), test, advertising);
          if (!advertising) {
            return subject.equals(email.subject()) ? email : new RenderedEmail(email.campaignId(), email.from(),
                email.to(), subject, email.html(), email.text(), email.headers());
          }
          return new RenderedEmail(email.campaignId(), email.from(), email.to(), subject,
              footer.appendHtml(email.html(), link.url()), footer.appendText(email.text(), link.url()),
              email.headers());
        });
  }
}
