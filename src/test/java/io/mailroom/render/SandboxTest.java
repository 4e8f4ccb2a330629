package io.mailroom.render;

import io.mailroom.campaign.Template;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The render sandbox through {@link TemplateCheck}, as the API uses it: what it refuses, with which
 * kind of problem, part and line, and that a refused render ends instead of exhausting the JVM.
 */
@ExtendWith(VertxExtension.class)
class SandboxTest {
  private static RenderPool pool;
  private static TemplateCheck check;

  @BeforeAll
  static void start(Vertx vertx) {
    pool = RenderPool.shared(vertx);
    check = new TemplateCheck(pool);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static TemplateProblem problem(String subject, String html, String text) {
    Throwable thrown = catchThrowable(() -> check.template(new Template("t", "t", subject, html, text, List.of()), null)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(TemplateProblem.class);
    return (TemplateProblem) thrown.getCause();
  }

  private static TemplateProblem html(String html) {
    return problem("Hello {{ Name }}", html, null);
  }

  @Test
  void aGoodTemplatePassesWithTheSampleCustomersFields() {
    assertThatCode(() -> check.template(new Template("t", "t", "Hi {{ Name }} ({{ Gender }})",
            "<p>{{ Email }} {{ CreateTime }} {{ CampaignId }} {{ Subject }} {{ UnsubscribeURL }}</p>"
                + "{% for u in ImageURLs %}<img src=\"{{ u }}\">{% endfor %}{% for i in range(1, 3) %}{{ i }}{% endfor %}",
            "Hello {{ Name | upper }}", List.of("https://cdn.example.com/a.png")), null)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).doesNotThrowAnyException();
  }

  @Test
  void aSyntaxErrorNamesThePartAndTheLine() {
    TemplateProblem subject = problem("Hi {{ Name ", "<p>x</p>", null);
    assertThat(subject.kind()).isEqualTo(TemplateProblem.Kind.SYNTAX);
    assertThat(subject.field()).isEqualTo("subject");
    assertThat(subject.line()).isEqualTo(1);
    assertThat(subject.column()).isEqualTo(4);

    TemplateProblem html = html("<p>one</p>\n<p>two</p>\n{% if %}\n");
    assertThat(html.kind()).isEqualTo(TemplateProblem.Kind.SYNTAX);
    assertThat(html.field()).isEqualTo("html");
    assertThat(html.line()).isEqualTo(3);
    assertThat(html.column()).as("nothing left open on the line: not known").isNull();

    assertThat(problem("s", "<p>x</p>", "line one\n{{ }").field()).isEqualTo("text");
  }

  @Test
  void noTemplateCanReachAnother() {
    for (String tag : List.of("include", "import", "extends", "embed")) {
      String source = "<p>x</p>\n{% " + tag + " \"other\" %}" + ("embed".equals(tag) ? "{% endembed %}" : "");
      TemplateProblem problem = html(source);
      assertThat(problem.kind()).as(tag).isEqualTo(TemplateProblem.Kind.FORBIDDEN);
      assertThat(problem.tag()).isEqualTo(tag);
      assertThat(problem.line()).isEqualTo(2);
    }
    assertThat(html("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}").tag()).isEqualTo("macro");
  }

  @Test
  void methodsOfObjectsCannotBeCalled() {
    TemplateProblem problem = html("<p>{{ Name.getClass().getName() }}</p>");
    assertThat(problem.kind()).isEqualTo(TemplateProblem.Kind.RENDER);
    assertThat(problem.field()).isEqualTo("html");
    assertThat(html("<p>{{ Email.toUpperCase() }}</p>").kind()).isEqualTo(TemplateProblem.Kind.RENDER);
  }

  @Test
  void aHugeLoopIsStoppedByTheBudgetNotByTheMemory() {
    TemplateProblem problem = problem("{% for i in range(1, 2000000000) %}{% endfor %}", "<p>x</p>", null);
    assertThat(problem.kind()).isEqualTo(TemplateProblem.Kind.RENDER);
    assertThat(problem.field()).isEqualTo("subject");
    assertThat(problem.getMessage()).containsAnyOf("loop steps", "ms to render");

    TemplateProblem nested = html("{% for i in range(1, 5000) %}{% for j in range(1, 5000) %}{% endfor %}{% endfor %}");
    assertThat(nested.getMessage()).containsAnyOf("loop steps", "ms to render");
    assertThat(html("{{ range(1, 2000000000) | length }}").kind()).isEqualTo(TemplateProblem.Kind.RENDER);
    TemplateProblem overAList = html("{% set l = \"a,\" ~ (\"a,\" | replace({'a,': 'a,a,a,a,a,a,a,a,a,a,'})) %}"
        + "{% set l = l | replace({'a,': 'a,a,a,a,a,a,a,a,a,a,'}) | replace({'a,': 'a,a,a,a,a,a,a,a,a,a,'}) %}"
        + "{% set items = l | split(',') %}{% for a in items %}{% for b in items %}{% for c in items %}"
        + "{% endfor %}{% endfor %}{% endfor %}");
    assertThat(overAList.getMessage()).as("loops over a list a filter made")
        .containsAnyOf("loop steps", "ms to render");
  }

  @Test
  void outputAndValuesAreCapped() {
    TemplateProblem output = html("{% for i in range(1, 300000) %}0123456789{% endfor %}");
    assertThat(output.kind()).isEqualTo(TemplateProblem.Kind.RENDER);

    TemplateProblem doubling = html("{% set s = \"0123456789\" %}{% for i in range(1, 64) %}{% set s = s ~ s %}"
        + "{% endfor %}{{ s | length }}");
    assertThat(doubling.kind()).isEqualTo(TemplateProblem.Kind.RENDER);
    assertThat(doubling.getMessage()).contains("more than " + Sandbox.MAX_OUTPUT_CHARS);

    TemplateProblem replacing = html("{% set s = \"aaaaaaaa\" %}{% for i in range(1, 64) %}"
        + "{% set s = s | replace({'a': 'aaaaaaaa'}) %}{% endfor %}{{ s | length }}");
    assertThat(replacing.getMessage()).contains("more than " + Sandbox.MAX_OUTPUT_CHARS);
    TemplateProblem keeping = html("{% set s = \"0123456789\" %}{% for i in range(1, 17) %}{% set s = s ~ s %}{% endfor %}"
        + "{% set kept = [] %}{% for i in range(1, 1000) %}{% set kept = kept | merge([s ~ i]) %}{% endfor %}");
    assertThat(keeping.getMessage()).as("values kept in a list").contains("characters of values");
    assertThat(html("{{ '%2000000000s' | format('x') }}").kind()).isIn(TemplateProblem.Kind.SYNTAX,
        TemplateProblem.Kind.RENDER);
  }

  @Test
  void aSubjectOverrideIsCheckedOnItsOwn() {
    TemplateProblem problem = (TemplateProblem) catchThrowable(() -> check.subject("Hi {{ Name ")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).getCause();
    assertThat(problem.kind()).isEqualTo(TemplateProblem.Kind.SYNTAX);
    assertThat(problem.field()).isEqualTo("subject");
  }
}
