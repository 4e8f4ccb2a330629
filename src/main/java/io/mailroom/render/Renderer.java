package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Personalises templates with Pebble, in the {@link Sandbox}. HTML is autoescaped, so a customer
 * named {@code <script>} arrives as text; subject and text parts are plain. A template's newest
 * version (version 0) is read once and kept compiled for {@code cacheSeconds}; a pinned version
 * never changes, so it is kept compiled until it is among the least recently used. Compiling and
 * rendering run on the {@link RenderPool}, off the event loop.
 */
public final class Renderer {
  static final String UNSUBSCRIBE_FIELD = "UnsubscribeURL";
  /** True when the email ends with the legal footer, whose opt-out then replaces the one added here. */
  static final String LEGAL_FOOTER_FIELD = "MailroomLegalFooter";
  private static final String HTML_FOOTER = "{% if " + LEGAL_FOOTER_FIELD + " %}{% else %}"
      + "\n<p style=\"font-size:12px;color:#555;text-align:center\">"
      + "<a href=\"{{ UnsubscribeURL }}\">Unsubscribe or change your preferences</a> · "
      + "<a href=\"{{ UnsubscribeURL }}?lang=ko\">수신거부 및 수신 설정</a></p>\n{% endif %}";
  private static final String TEXT_FOOTER = "{% if " + LEGAL_FOOTER_FIELD + " %}{% else %}"
      + "\n\nUnsubscribe or change your preferences (수신거부): {{ UnsubscribeURL }}\n{% endif %}";
  private final CompiledCache cache = new CompiledCache();
  private final TemplateStore store;
  private final long cacheMillis;
  private final String from;
  private final RenderPool pool;

  /** {@code pool} null: compile and render on the caller's thread (unit tests of the rendering only). */
  public Renderer(TemplateStore store, int cacheSeconds, String from, RenderPool pool) {
    this.store = store;
    this.cacheMillis = cacheSeconds * 1000L;
    this.from = from;
    this.pool = pool;
  }

  /**
   * A template, compiled, with the time it was read. A template without a text part gets one made
   * from its HTML once, here, and personalised like the HTML.
   */
  public record Compiled(Template source, PebbleTemplate subject, PebbleTemplate html, PebbleTemplate text,
                         long loadedAt) { }

  /** Thrown when a template is missing or does not compile or render; sending it can never succeed. */
  public static class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The newest version of a template. */
  public Future<Compiled> template(String id) {
    return template(id, 0);
  }

  /** Version {@code version} of a template (0: the newest, for tasks queued before versions). */
  public Future<Compiled> template(String id, long version) {
    long now = System.currentTimeMillis();
    Compiled cached = version > 0 ? cache.version(id, version) : cache.head(id, now - cacheMillis);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.version(id, version).compose(found -> {
      Template template = found.orElseThrow(() -> new TemplateException("template " + id
          + (version > 0 ? " version " + version : "") + " does not exist", null));
      return offLoop(() -> compile(template, now));
    }).onSuccess(compiled -> cache.put(id, version, compiled));
  }

  /** {@code draft} (a template not saved) compiled on the render pool; fails with a {@link TemplateProblem}. */
  public Future<Compiled> compileOffLoop(Template draft) {
    return offLoop(() -> compile(draft, System.currentTimeMillis()));
  }

  private <T> Future<T> offLoop(java.util.concurrent.Callable<T> work) {
    if (pool != null) {
      return pool.run(work);
    }
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Compiles every part; a part that does not compile fails with a {@link TemplateProblem} naming it. */
  Compiled compile(Template template, long now) {
    String html = withWayOut(template.html());
    String text = template.text() != null ? template.text() : HtmlText.of(html);
    if (!text.contains(UNSUBSCRIBE_FIELD)) {
      text = text + TEXT_FOOTER;
    }
    return new Compiled(template,
        Sandbox.compile("subject", template.subject(), false),
        Sandbox.compile("html", html, true),
        Sandbox.compile("text", text, false),
        now);
  }

  /**
   * Every marketing email must carry a way out (RFC 8058 aside, Korean law requires one in every
   * advertising email): a template that does not place {@code {{ UnsubscribeURL }}} itself gets a
   * footer with it, before {@code </body>} if there is one. An email rendered with
   * {@link #LEGAL_FOOTER_FIELD} true leaves it out: its legal footer carries the one opt-out.
   */
  static String withWayOut(String html) {
    if (html.contains(UNSUBSCRIBE_FIELD)) {
      return html;
    }
    int body = html.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
    return body < 0 ? html + HTML_FOOTER : html.substring(0, body) + HTML_FOOTER + html.substring(body);
  }

  /** {@link #render} on the render pool. */
  public Future<RenderedEmail> renderOffLoop(Compiled template, String campaignId, String subjectOverride,
                                             Recipient recipient, Map<String, Object> extra,
                                             List<RenderedEmail.Header> headers) {
    return offLoop(() -> render(template, campaignId, subjectOverride, recipient, extra, headers));
  }

  /**
   * Renders one email of a campaign to one recipient; {@code subjectOverride} (or null: the
   * template's) is the subject; extra fields (such as an unsubscribe link) are added to the
   * recipient's. Blocks for as long as the template's budget allows: call it off the event loop.
   */
  public RenderedEmail render(Compiled template, String campaignId, String subjectOverride, Recipient recipient,
                              Map<String, Object> extra, List<RenderedEmail.Header> headers) {
    Map<String, Object> fields = new HashMap<>(recipient.templateFields());
    fields.putAll(extra);
    fields.put("ImageURLs", template.source().imageUrls());
    fields.put("CampaignId", campaignId);
    PebbleTemplate subjectTemplate = subjectOverride == null ? template.subject()
        : cache.subject(subjectOverride, source -> Sandbox.compile("subject", source, false));
    String subject = singleLine(Sandbox.evaluate("subject", subjectTemplate, fields));
    fields.put("Subject", subject);
    String html = Sandbox.evaluate("html", template.html(), fields);
    String text = Sandbox.evaluate("text", template.text(), fields);
    String sender = template.source().fromAddress() != null ? template.source().fromAddress() : from;
    return new RenderedEmail(campaignId, sender, recipient.email(), subject, html, text, new ArrayList<>(headers));
  }

  /** Line breaks in a subject would end the header: fold them into spaces. */
  static String singleLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ").trim();
  }
}
