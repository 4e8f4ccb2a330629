package io.mailroom.render;

import io.mailroom.audience.Recipient;
import io.mailroom.campaign.Template;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * The check every template and subject override passes before it is saved: compiled in the
 * {@link Sandbox} and rendered for a sample customer exactly as a campaign would render it, on the
 * {@link RenderPool}. It fails with a {@link TemplateProblem} naming the part at fault.
 */
public final class TemplateCheck {
  static final Recipient SAMPLE = new Recipient("sample.customer@example.com", "Sample Customer", "Female",
      1_700_000_000L, true);
  private static final String SAMPLE_CAMPAIGN = "c_sample";
  private static final Map<String, Object> SAMPLE_LINKS = Map.of(Renderer.UNSUBSCRIBE_FIELD,
      "https://mailroom.example.com/u/sample");

  private final RenderPool pool;
  private final Renderer renderer = new Renderer(null, 0, "sample@example.com", null);

  public TemplateCheck(RenderPool pool) {
    this.pool = pool;
  }

  /** Compiles and trial-renders every part of {@code template} (and {@code subjectOverride}, if not null). */
  public Future<Void> template(Template template, String subjectOverride) {
    return pool.run(() -> {
      Renderer.Compiled compiled = renderer.compile(template, 0);
      renderer.render(compiled, SAMPLE_CAMPAIGN, subjectOverride, SAMPLE, SAMPLE_LINKS, List.of());
      return null;
    });
  }

  /** Compiles and trial-renders a subject override on its own. */
  public Future<Void> subject(String subject) {
    return template(new Template("sample", "sample", subject, "<p>{{ Subject }}</p>", null, List.of()), null);
  }
}
