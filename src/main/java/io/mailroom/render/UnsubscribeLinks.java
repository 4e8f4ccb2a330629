package io.mailroom.render;

import io.mailroom.subscription.UnsubscribeToken;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The way out that every email carries: a personal link to the preference page for the body, and
 * the RFC 2369 / RFC 8058 headers mail providers show as an unsubscribe button and call with one
 * click ({@code List-Unsubscribe} with the https link and, if configured, a mailto address;
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}).
 */
public final class UnsubscribeLinks {
  /** The campaign id a preview token names: no campaign's id looks like it. */
  static final String PREVIEW_CAMPAIGN = "preview";
  private final UnsubscribeToken tokens;
  private final String baseUrl;
  private final String mailto;

  public UnsubscribeLinks(UnsubscribeToken tokens, String publicBaseUrl, String mailto) {
    this.tokens = tokens;
    this.baseUrl = publicBaseUrl;
    this.mailto = mailto;
  }

  /** One recipient's link and headers for one campaign. */
  public record Link(String url, List<RenderedEmail.Header> headers) { }

  public Link of(String email, String campaignId) {
    return link(tokens.seal(email, campaignId, Instant.now()));
  }

  /**
   * The link and headers of a preview or test send to {@code email}: the same as a campaign's, with
   * a preview token, whose page opens but which changes no one's consent.
   */
  public Link preview(String email) {
    return link(tokens.sealPreview(email, PREVIEW_CAMPAIGN, Instant.now()));
  }

  private Link link(String token) {
    String url = baseUrl + "/u/" + token;
    String value = "<" + url + ">";
    if (!mailto.isEmpty()) {
      value += ", <mailto:" + mailto + "?subject=unsubscribe%20" + token + ">";
    }
    List<RenderedEmail.Header> headers = new ArrayList<>(2);
    headers.add(new RenderedEmail.Header("List-Unsubscribe", value));
    headers.add(new RenderedEmail.Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    return new Link(url, headers);
  }
}
