package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.vertx.core.Future;

import java.util.Map;

/**
 * One campaign's email to one recipient, ready for a transport: the template rendered for the
 * recipient, with their personal unsubscribe link in the body and the {@code List-Unsubscribe}
 * headers.
 */
public final class EmailComposer {
  private final Renderer renderer;
  private final UnsubscribeLinks links;

  public EmailComposer(Renderer renderer, UnsubscribeLinks links) {
    this.renderer = renderer;
    this.links = links;
  }

  /** Fails with {@link Renderer.TemplateException} when the template is missing or does not render. */
  public Future<RenderedEmail> compose(String campaignId, String templateId, String subjectOverride, Recipient recipient) {
    return compose(campaignId, templateId, 0, subjectOverride, recipient);
  }

  /** The email of version {@code templateVersion} of the template (0: its newest), rendered off the event loop. */
  public Future<RenderedEmail> compose(String campaignId, String templateId, long templateVersion, String subjectOverride,
                                       Recipient recipient) {
    UnsubscribeLinks.Link link = links.of(recipient.email(), campaignId);
    return renderer.template(templateId, templateVersion).compose(template -> renderer.renderOffLoop(template,
        campaignId, subjectOverride, recipient, Map.of("UnsubscribeURL", link.url()), link.headers()));
  }
}
