package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.mailroom.campaign.TemplateStore;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Personalises templates with Pebble. HTML is autoescaped, so a customer named
 * {@code <script>} arrives as text; subject and text parts are plain. Templates are read from
 * the Templates table once and kept compiled for {@code cacheSeconds}.
 */
public final class Renderer {
  private final PebbleEngine htmlEngine = new PebbleEngine.Builder()
      .loader(new StringLoader()).autoEscaping(true).defaultEscapingStrategy("html")
      .cacheActive(false).newLineTrimming(false).build();
  private final PebbleEngine plainEngine = new PebbleEngine.Builder()
      .loader(new StringLoader()).autoEscaping(false).cacheActive(false).newLineTrimming(false).build();
  static final String UNSUBSCRIBE_FIELD = "UnsubscribeURL";
  private static final String HTML_FOOTER = "\n<p style=\"font-size:12px;color:#555;text-align:center\">"
      + "<a href=\"{{ UnsubscribeURL }}\">Unsubscribe or change your preferences</a> · "
      + "<a href=\"{{ UnsubscribeURL }}?lang=ko\">수신거부 및 수신 설정</a></p>\n";
  private static final String TEXT_FOOTER = "\n\nUnsubscribe or change your preferences (수신거부): {{ UnsubscribeURL }}\n";
  private final Map<String, Compiled> templates = new ConcurrentHashMap<>();
  private final Map<String, PebbleTemplate> subjects = new ConcurrentHashMap<>();
  private final TemplateStore store;
  private final long cacheMillis;
  private final String from;

  public Renderer(TemplateStore store, int cacheSeconds, String from) {
    this.store = store;
    this.cacheMillis = cacheSeconds * 1000L;
    this.from = from;
  }

  /**
   * A template, compiled, with the time it was read. A template without a text part gets one made
   * from its HTML once, here, and personalised like the HTML.
   */
  public record Compiled(Template source, PebbleTemplate subject, PebbleTemplate html, PebbleTemplate text,
                         long loadedAt) { }

  /** Thrown when a template is missing or does not compile; sending it can never succeed. */
  public static final class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Future<Compiled> template(String id) {
    Compiled cached = templates.get(id);
    long now = System.currentTimeMillis();
    if (cached != null && now - cached.loadedAt() < cacheMillis) {
      return Future.succeededFuture(cached);
    }
    return store.get(id).map(found -> {
      Template template = found.orElseThrow(() -> new TemplateException("template " + id + " does not exist", null));
      Compiled compiled = compile(template, now);
      templates.put(id, compiled);
      return compiled;
    });
  }

  Compiled compile(Template template, long now) {
    try {
      String html = withWayOut(template.html());
      String text = template.text() != null ? template.text() : HtmlText.of(html);
      if (!text.contains(UNSUBSCRIBE_FIELD)) {
        text = text + TEXT_FOOTER;
      }
      return new Compiled(template,
          plainEngine.getTemplate(template.subject()),
          htmlEngine.getTemplate(html),
          plainEngine.getTemplate(text),
          now);
    } catch (RuntimeException e) {
      throw new TemplateException("template " + template.id() + " does not compile: " + e.getMessage(), e);
    }
  }

  /**
   * Every marketing email must carry a way out (RFC 8058 aside, Korean law requires one in every
   * advertising email): a template that does not place {@code {{ UnsubscribeURL }}} itself gets a
   * footer with it, before {@code </body>} if there is one.
   */
  static String withWayOut(String html) {
    if (html.contains(UNSUBSCRIBE_FIELD)) {
      return html;
    }
    int body = html.toLowerCase(java.util.Locale.ROOT).lastIndexOf("</body>");
    return body < 0 ? html + HTML_FOOTER : html.substring(0, body) + HTML_FOOTER + html.substring(body);
  }

  /**
   * Renders one email of a campaign to one recipient; {@code subjectOverride} (or null: the
   * template's) is the subject; extra fields (such as an unsubscribe link) are added to the recipient's.
   */
  public RenderedEmail render(Compiled template, String campaignId, String subjectOverride, Recipient recipient,
                              Map<String, Object> extra, List<RenderedEmail.Header> headers) {
    Map<String, Object> fields = new HashMap<>(recipient.templateFields());
    fields.putAll(extra);
    fields.put("ImageURLs", template.source().imageUrls());
    fields.put("CampaignId", campaignId);
    PebbleTemplate subjectTemplate = subjectOverride == null ? template.subject()
        : subjects.computeIfAbsent(subjectOverride, plainEngine::getTemplate);
    String subject = singleLine(evaluate(subjectTemplate, fields));
    fields.put("Subject", subject);
    String html = evaluate(template.html(), fields);
    String text = evaluate(template.text(), fields);
    return new RenderedEmail(campaignId, from, recipient.email(), subject, html, text,
        new ArrayList<>(headers));
  }

  private static String evaluate(PebbleTemplate template, Map<String, Object> fields) {
    StringWriter out = new StringWriter(8192);
    try {
      template.evaluate(out, fields);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Line breaks in a subject would end the header: fold them into spaces. */
  static String singleLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ").trim();
  }
}
